import { can, createDocumentSchema, createWorkspaceSchema, creditedName } from '@chorus/shared';
import { Hono } from 'hono';
import { notFoundOrNotYours } from '../../errors.ts';
import { authorizeWorkspace } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { newId } from '../../ids.ts';
import { readableDocuments } from '../../services/access.ts';
import { recordAudit } from '../../services/audit.ts';
import { mentionsOf } from '../../services/comments.ts';
import { createDocument } from '../../services/documents.ts';
import type { MemberView } from '../../storage/types.ts';
import { toDocumentJson } from '../documents/documentJson.ts';

const toWorkspaceJson = (w: { id: string; name: string; createdAt: number }) => ({
  id: w.id,
  name: w.name,
  createdAt: new Date(w.createdAt).toISOString(),
});

/** A member as other members see them: credited as they chose. Emails only for owners. */
export const toMemberJson = (m: MemberView, showEmail: boolean) => ({
  userId: m.userId,
  name: m.name,
  creditedName: creditedName(m, m.participantRole),
  email: showEmail ? m.email : null,
  permission: m.permission,
  participantRole: m.participantRole,
});

/** Workspaces and the documents in them. */
export const workspaceRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { user } = requireAuth(c);
    const list = await c.var.services.storage.workspaces.listForUser(user.id);
    return c.json({
      workspaces: list.map((w) => ({ ...toWorkspaceJson(w), permission: w.permission })),
    });
  })
  .post('/', async (c) => {
    const { user } = requireAuth(c);
    const input = await parseJson(c, createWorkspaceSchema);
    const workspace = { id: newId(), name: input.name, createdAt: Date.now() };
    await c.var.services.storage.workspaces.create(workspace, user.id);
    return c.json({ workspace: { ...toWorkspaceJson(workspace), permission: 'owner' } }, 201);
  })
  .get('/:id', async (c) => {
    const { user, workspaceId, membership } = await authorizeWorkspace(c, 'workspace.view');
    const { storage } = c.var.services;
    const [workspace, readable, members] = await Promise.all([
      storage.workspaces.get(workspaceId),
      // Only documents this person may open are listed (restricted ones may be hidden).
      readableDocuments(storage, user.id, workspaceId, membership.permission),
      storage.workspaces.listMembers(workspaceId),
    ]);
    if (!workspace) throw notFoundOrNotYours('workspace');
    const visible = readable.map((r) => ({
      ...toDocumentJson(r.document),
      permission: r.permission,
    }));
    const isOwner = can(membership.permission, 'workspace.manageMembers');
    return c.json({
      workspace: { ...toWorkspaceJson(workspace), permission: membership.permission },
      me: { userId: user.id, participantRole: membership.participantRole },
      documents: visible,
      // Open comment threads that mention this person, in documents they may read.
      mentions: await mentionsOf(storage, workspaceId, user.id, visible),
      members: members.map((m) => toMemberJson(m, isOwner || m.userId === user.id)),
    });
  })
  .post('/:id/documents', async (c) => {
    const { workspaceId, user } = await authorizeWorkspace(c, 'document.create');
    const input = await parseJson(c, createDocumentSchema);
    const { storage } = c.var.services;
    const document = await createDocument(storage, workspaceId, user.id, input);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId,
      action: 'document.created',
      target: document.id,
      details: { title: document.title, kind: document.kind },
      ip: clientIp(c),
    });
    return c.json({ document: toDocumentJson(document) }, 201);
  });
