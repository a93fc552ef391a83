import { type Action, can, ErrorId, idSchema, renameDocumentSchema } from '@chorus/shared';
import { type Context, Hono } from 'hono';
import { AppError, notFoundOrNotYours } from '../../errors.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, parseParam, requireAuth } from '../../http/middleware.ts';
import { checkDocumentAccess } from '../../services/access.ts';
import { toDocumentJson } from './documentJson.ts';

async function authorizeDocument(c: Context<AppEnv>, action: Action) {
  const { user } = requireAuth(c);
  const notFound = notFoundOrNotYours('document');
  const documentId = parseParam(c.req.param('id'), idSchema, notFound);
  const access = await checkDocumentAccess(c.var.services.storage, user.id, documentId, action);
  if (!access.ok) {
    if (access.reason === 'not_found') throw notFound;
    throw new AppError(
      ErrorId.forbidden,
      'Your permission does not allow this change. Ask an owner of the workspace.',
    );
  }
  return access;
}

/** Reading and renaming a document's record; its content travels over the sync socket. */
export const documentRoutes = new Hono<AppEnv>()
  .get('/:id', async (c) => {
    const { document, membership } = await authorizeDocument(c, 'document.view');
    const workspace = await c.var.services.storage.workspaces.get(document.workspaceId);
    return c.json({
      document: toDocumentJson(document),
      workspace: workspace ? { id: workspace.id, name: workspace.name } : null,
      permission: membership.permission,
      canEdit: can(membership.permission, 'document.edit'),
    });
  })
  .patch('/:id', async (c) => {
    const { document } = await authorizeDocument(c, 'document.rename');
    const input = await parseJson(c, renameDocumentSchema);
    const now = Date.now();
    await c.var.services.storage.documents.rename(document.id, input.title, now);
    return c.json({
      document: toDocumentJson({ ...document, title: input.title, updatedAt: now }),
    });
  });
