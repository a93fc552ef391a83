import { ErrorId, participantRoles, permissions, updateMemberSchema } from '@chorus/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { authorizeWorkspace } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { recordAudit } from '../../services/audit.ts';

const addMemberSchema = z.object({
  email: z
    .string({ error: 'Enter the email address of the person to add.' })
    .trim()
    .pipe(z.email({ error: 'Enter an email address like name@example.org.' }))
    .transform((v) => v.toLowerCase()),
  permission: z.enum(permissions).default('editor'),
  participantRole: z.enum(participantRoles).default('other'),
});

const lastOwner = () =>
  new AppError(
    ErrorId.conflict,
    'A workspace must keep at least one owner. Make someone else an owner first.',
  );

/** Members of a workspace: add, change permission or role, remove, leave. */
export const memberRoutes = new Hono<AppEnv>()
  .post('/:id/members', async (c) => {
    const { workspaceId, user } = await authorizeWorkspace(c, 'workspace.manageMembers');
    const input = await parseJson(c, addMemberSchema);
    const { storage } = c.var.services;
    const person = await storage.users.findByEmail(input.email);
    if (!person) {
      const message = 'Nobody has signed up with that email yet. Send them an invite link instead.';
      throw new AppError(ErrorId.notFound, message, { email: message });
    }
    if (await storage.workspaces.getMembership(workspaceId, person.id)) {
      const message = `${person.name} is already a member of this workspace.`;
      throw new AppError(ErrorId.conflict, message, { email: message });
    }
    await storage.workspaces.addMember({
      workspaceId,
      userId: person.id,
      permission: input.permission,
      participantRole: input.participantRole,
      createdAt: Date.now(),
    });
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId,
      action: 'member.added',
      target: person.id,
      details: { permission: input.permission, participantRole: input.participantRole },
      ip: clientIp(c),
    });
    return c.json(
      {
        member: {
          userId: person.id,
          name: person.name,
          email: person.email,
          permission: input.permission,
          participantRole: input.participantRole,
        },
      },
      201,
    );
  })
  .patch('/:id/members/:userId', async (c) => {
    const { workspaceId, user } = await authorizeWorkspace(c, 'workspace.manageMembers');
    const input = await parseJson(c, updateMemberSchema);
    const { storage, accessEvents } = c.var.services;
    const targetId = c.req.param('userId');
    const target = await storage.workspaces.getMembership(workspaceId, targetId);
    if (!target)
      throw new AppError(ErrorId.notFound, 'That person is not a member of this workspace.');
    if (
      input.permission &&
      target.permission === 'owner' &&
      input.permission !== 'owner' &&
      (await storage.workspaces.countOwners(workspaceId)) <= 1
    ) {
      throw lastOwner();
    }
    await storage.workspaces.updateMember(workspaceId, targetId, input);
    const ip = clientIp(c);
    if (input.permission && input.permission !== target.permission) {
      await recordAudit(storage, {
        actorId: user.id,
        workspaceId,
        action: 'member.permission_changed',
        target: targetId,
        details: { from: target.permission, to: input.permission },
        ip,
      });
    }
    if (input.participantRole && input.participantRole !== target.participantRole) {
      await recordAudit(storage, {
        actorId: user.id,
        workspaceId,
        action: 'member.role_changed',
        target: targetId,
        details: { from: target.participantRole, to: input.participantRole },
        ip,
      });
    }
    accessEvents.changed({ workspaceId, userId: targetId });
    return c.json({ member: { ...target, ...input } });
  })
  .delete('/:id/members/:userId', async (c) => {
    const { user } = requireAuth(c);
    const targetId = c.req.param('userId');
    const leaving = targetId === user.id;
    // Anyone may leave; only owners remove others.
    const { workspaceId, membership } = await authorizeWorkspace(
      c,
      leaving ? 'workspace.view' : 'workspace.manageMembers',
    );
    const { storage, accessEvents } = c.var.services;
    const target = leaving
      ? membership
      : await storage.workspaces.getMembership(workspaceId, targetId);
    if (!target)
      throw new AppError(ErrorId.notFound, 'That person is not a member of this workspace.');
    if (target.permission === 'owner' && (await storage.workspaces.countOwners(workspaceId)) <= 1) {
      throw lastOwner();
    }
    await storage.workspaces.removeMember(workspaceId, targetId);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId,
      action: leaving ? 'member.left' : 'member.removed',
      target: targetId,
      ip: clientIp(c),
    });
    accessEvents.changed({ workspaceId, userId: targetId });
    return c.json({ ok: true });
  });
