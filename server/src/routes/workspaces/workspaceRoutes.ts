import {
  type Action,
  addMemberSchema,
  can,
  createDocumentSchema,
  createWorkspaceSchema,
  ErrorId,
  idSchema,
} from '@chorus/shared';
import { type Context, Hono } from 'hono';
import { AppError, notFoundOrNotYours } from '../../errors.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, parseParam, requireAuth } from '../../http/middleware.ts';
import { newId } from '../../ids.ts';
import { createDocument } from '../../services/documents.ts';
import type { MembershipRecord } from '../../storage/types.ts';
import { toDocumentJson } from '../documents/documentJson.ts';

/** Loads the caller's membership of a workspace and checks an action against the policy. */
async function authorizeWorkspace(
  c: Context<AppEnv>,
  action: Action,
): Promise<{ userId: string; workspaceId: string; membership: MembershipRecord }> {
  const { user } = requireAuth(c);
  const notFound = notFoundOrNotYours('workspace');
  const workspaceId = parseParam(c.req.param('id'), idSchema, notFound);
  const membership = await c.var.services.storage.workspaces.getMembership(workspaceId, user.id);
  // Same answer for "no such workspace" and "not a member": nothing leaks to outsiders.
  if (!membership) throw notFound;
  if (!can(membership.permission, action)) {
    throw new AppError(
      ErrorId.forbidden,
      `Your permission in this workspace (${membership.permission}) does not allow this. Ask an owner.`,
    );
  }
  return { userId: user.id, workspaceId, membership };
}

const toWorkspaceJson = (w: { id: string; name: string; createdAt: number }) => ({
  id: w.id,
  name: w.name,
  createdAt: new Date(w.createdAt).toISOString(),
});

/** Workspaces, their members and the documents in them. */
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
    const { workspaceId, membership } = await authorizeWorkspace(c, 'workspace.view');
    const { storage } = c.var.services;
    const [workspace, documents, members] = await Promise.all([
      storage.workspaces.get(workspaceId),
      storage.documents.listForWorkspace(workspaceId),
      storage.workspaces.listMembers(workspaceId),
    ]);
    if (!workspace) throw notFoundOrNotYours('workspace');
    return c.json({
      workspace: { ...toWorkspaceJson(workspace), permission: membership.permission },
      documents: documents.map(toDocumentJson),
      members: members.map((m) => ({
        userId: m.userId,
        name: m.name,
        email: m.email,
        permission: m.permission,
      })),
    });
  })
  .post('/:id/members', async (c) => {
    const { workspaceId } = await authorizeWorkspace(c, 'workspace.addMember');
    const input = await parseJson(c, addMemberSchema);
    const { storage } = c.var.services;
    const person = await storage.users.findByEmail(input.email);
    if (!person) {
      const message =
        'Nobody has signed up with that email yet. Ask them to sign up first, then add them.';
      throw new AppError(ErrorId.notFound, message, { email: message });
    }
    if (await storage.workspaces.getMembership(workspaceId, person.id)) {
      const message = `${person.name} is already a member of this workspace.`;
      throw new AppError(ErrorId.conflict, message, { email: message });
    }
    // Until invites and finer permissions arrive, every added member may edit.
    await storage.workspaces.addMember({
      workspaceId,
      userId: person.id,
      permission: 'editor',
      createdAt: Date.now(),
    });
    return c.json(
      {
        member: { userId: person.id, name: person.name, email: person.email, permission: 'editor' },
      },
      201,
    );
  })
  .post('/:id/documents', async (c) => {
    const { workspaceId, userId } = await authorizeWorkspace(c, 'document.create');
    const input = await parseJson(c, createDocumentSchema);
    const document = await createDocument(c.var.services.storage, workspaceId, userId, input);
    return c.json({ document: toDocumentJson(document) }, 201);
  });
