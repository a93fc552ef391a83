import {
  can,
  colorForSlot,
  documentAccessSchema,
  ErrorId,
  renameDocumentSchema,
} from '@chorus/shared';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson } from '../../http/middleware.ts';
import { recordAudit } from '../../services/audit.ts';
import { textLocked } from '../../services/lifecycle.ts';
import { toDocumentJson } from './documentJson.ts';

/** A document's record, title, deletion and access; its content travels over the sync socket. */
export const documentRoutes = new Hono<AppEnv>()
  .get('/:id', async (c) => {
    const { document, permission, membership } = await authorizeDocument(c, 'document.view');
    const { storage } = c.var.services;
    const [workspace, locked] = await Promise.all([
      storage.workspaces.get(document.workspaceId),
      textLocked(storage, document.id),
    ]);
    return c.json({
      document: toDocumentJson(document),
      workspace: workspace ? { id: workspace.id, name: workspace.name } : null,
      permission,
      participantRole: membership.participantRole,
      // One's own colour here, as the others see it (carets, presence, the author view).
      color: colorForSlot(membership.colorSlot),
      // What the permission allows; `textLocked` says whether the status allows it now.
      canEdit: can(permission, 'document.edit'),
      textLocked: locked,
      canComment: can(permission, 'document.comment'),
      canManage: can(permission, 'document.manageAccess'),
    });
  })
  .patch('/:id', async (c) => {
    const { document, user } = await authorizeDocument(c, 'document.rename');
    const input = await parseJson(c, renameDocumentSchema);
    const now = Date.now();
    const { storage } = c.var.services;
    await storage.documents.rename(document.id, input.title, now);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId: document.workspaceId,
      action: 'document.renamed',
      target: document.id,
      details: { from: document.title, to: input.title },
      ip: clientIp(c),
    });
    return c.json({
      document: toDocumentJson({ ...document, title: input.title, updatedAt: now }),
    });
  })
  .delete('/:id', async (c) => {
    const { document, user } = await authorizeDocument(c, 'document.delete');
    const { storage, accessEvents } = c.var.services;
    await storage.documents.delete(document.id, Date.now());
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId: document.workspaceId,
      action: 'document.deleted',
      target: document.id,
      details: { title: document.title },
      ip: clientIp(c),
    });
    accessEvents.changed({ workspaceId: document.workspaceId, documentId: document.id });
    return c.json({ ok: true });
  })
  .get('/:id/access', async (c) => {
    const { document } = await authorizeDocument(c, 'document.manageAccess');
    const overrides = await c.var.services.storage.documents.listOverrides(document.id);
    return c.json({ restricted: document.restricted, overrides });
  })
  .put('/:id/access', async (c) => {
    const { document, user } = await authorizeDocument(c, 'document.manageAccess');
    const input = await parseJson(c, documentAccessSchema);
    const { storage, accessEvents } = c.var.services;
    for (const o of input.overrides) {
      if (!(await storage.workspaces.getMembership(document.workspaceId, o.userId))) {
        throw new AppError(
          ErrorId.badRequest,
          'Per-document access can only be set for members of the workspace. Add them first.',
        );
      }
    }
    await storage.documents.setAccess(document.id, input.restricted, input.overrides);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId: document.workspaceId,
      action: 'document.access_changed',
      target: document.id,
      details: { restricted: input.restricted, overrides: input.overrides },
      ip: clientIp(c),
    });
    accessEvents.changed({ workspaceId: document.workspaceId, documentId: document.id });
    return c.json({ restricted: input.restricted, overrides: input.overrides });
  });
