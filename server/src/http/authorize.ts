import { type Action, can, ErrorId, idSchema } from '@chorus/shared';
import type { Context } from 'hono';
import { AppError, notFoundOrNotYours } from '../errors.ts';
import { checkDocumentAccess } from '../services/access.ts';
import type { AppEnv } from './env.ts';
import { parseParam, requireAuth } from './middleware.ts';

const forbidden = (permission: string) =>
  new AppError(
    ErrorId.forbidden,
    `Your permission here (${permission}) does not allow this. Ask an owner of the workspace.`,
  );

/** Loads the caller's membership of the workspace in `:id` and checks an action. */
export async function authorizeWorkspace(c: Context<AppEnv>, action: Action) {
  const { user } = requireAuth(c);
  const notFound = notFoundOrNotYours('workspace');
  const workspaceId = parseParam(c.req.param('id'), idSchema, notFound);
  const membership = await c.var.services.storage.workspaces.getMembership(workspaceId, user.id);
  // Same answer for "no such workspace" and "not a member": nothing leaks to outsiders.
  if (!membership) throw notFound;
  if (!can(membership.permission, action)) throw forbidden(membership.permission);
  return { user, workspaceId, membership };
}

/** Loads the document in `:id` and checks an action against the caller's effective permission. */
export async function authorizeDocument(c: Context<AppEnv>, action: Action) {
  const { user } = requireAuth(c);
  const notFound = notFoundOrNotYours('document');
  const documentId = parseParam(c.req.param('id'), idSchema, notFound);
  const access = await checkDocumentAccess(c.var.services.storage, user.id, documentId, action);
  if (!access.ok) {
    if (access.reason === 'not_found') throw notFound;
    throw forbidden(access.permission ?? 'none');
  }
  return { user, ...access };
}
