import { createInviteSchema, ErrorId, inviteProblems, participantRoleLabels } from '@chorus/shared';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { authorizeWorkspace } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { recordAudit } from '../../services/audit.ts';
import { createInvite, inviteStatus, resolveInvite } from '../../services/invites.ts';
import type { InviteRecord } from '../../storage/types.ts';

const toInviteJson = (i: InviteRecord) => ({
  id: i.id,
  permission: i.permission,
  participantRole: i.participantRole,
  createdAt: new Date(i.createdAt).toISOString(),
  expiresAt: new Date(i.expiresAt).toISOString(),
  maxUses: i.maxUses,
  uses: i.uses,
  status: inviteStatus(i),
});

/** Invite links: owners create, list and revoke; anyone with a link sees it and joins. */
export const inviteRoutes = new Hono<AppEnv>()
  .get('/workspaces/:id/invites', async (c) => {
    const { workspaceId } = await authorizeWorkspace(c, 'workspace.invite');
    const list = await c.var.services.storage.invites.listForWorkspace(workspaceId);
    return c.json({ invites: list.map(toInviteJson) });
  })
  .post('/workspaces/:id/invites', async (c) => {
    const { workspaceId, user } = await authorizeWorkspace(c, 'workspace.invite');
    const input = await parseJson(c, createInviteSchema);
    const { storage, config } = c.var.services;
    const { invite, token } = await createInvite(storage, workspaceId, user.id, input);
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId,
      action: 'invite.created',
      target: invite.id,
      details: {
        permission: invite.permission,
        participantRole: invite.participantRole,
        expiresAt: invite.expiresAt,
        maxUses: invite.maxUses,
      },
      ip: clientIp(c),
    });
    // The link is shown once; only a hash of its secret is kept.
    return c.json({ invite: toInviteJson(invite), url: `${config.origin}/invite/${token}` }, 201);
  })
  .delete('/workspaces/:id/invites/:inviteId', async (c) => {
    const { workspaceId, user } = await authorizeWorkspace(c, 'workspace.invite');
    const { storage } = c.var.services;
    const invite = await storage.invites.get(c.req.param('inviteId'));
    if (!invite || invite.workspaceId !== workspaceId) {
      throw new AppError(ErrorId.notFound, 'That invite does not exist in this workspace.');
    }
    await storage.invites.revoke(invite.id, Date.now());
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId,
      action: 'invite.revoked',
      target: invite.id,
      ip: clientIp(c),
    });
    return c.json({ invite: toInviteJson({ ...invite, revokedAt: Date.now() }) });
  })
  .get('/invites/:token', async (c) => {
    const { storage } = c.var.services;
    const result = await resolveInvite(storage, c.req.param('token'));
    if ('problem' in result) {
      throw new AppError(ErrorId.notFound, inviteProblems[result.problem], {
        invite: result.problem,
      });
    }
    const workspace = await storage.workspaces.get(result.invite.workspaceId);
    const auth = c.var.auth;
    const already = auth
      ? await storage.workspaces.getMembership(result.invite.workspaceId, auth.user.id)
      : null;
    return c.json({
      invite: {
        workspaceId: result.invite.workspaceId,
        workspaceName: workspace?.name ?? '',
        permission: result.invite.permission,
        participantRole: result.invite.participantRole,
        participantRoleLabel: participantRoleLabels[result.invite.participantRole],
        expiresAt: new Date(result.invite.expiresAt).toISOString(),
        alreadyMember: already !== null,
      },
    });
  })
  .post('/invites/:token/accept', async (c) => {
    const { user } = requireAuth(c);
    const { storage } = c.var.services;
    const result = await resolveInvite(storage, c.req.param('token'));
    if ('problem' in result) {
      throw new AppError(ErrorId.notFound, inviteProblems[result.problem], {
        invite: result.problem,
      });
    }
    const { invite } = result;
    if (await storage.workspaces.getMembership(invite.workspaceId, user.id)) {
      return c.json({ workspaceId: invite.workspaceId, alreadyMember: true });
    }
    const joined = await storage.invites.redeem(
      invite.id,
      {
        workspaceId: invite.workspaceId,
        userId: user.id,
        permission: invite.permission,
        participantRole: invite.participantRole,
        createdAt: Date.now(),
      },
      Date.now(),
    );
    if (!joined) {
      throw new AppError(ErrorId.notFound, inviteProblems.used_up, { invite: 'used_up' });
    }
    await recordAudit(storage, {
      actorId: user.id,
      workspaceId: invite.workspaceId,
      action: 'invite.used',
      target: invite.id,
      details: { permission: invite.permission, participantRole: invite.participantRole },
      ip: clientIp(c),
    });
    return c.json({ workspaceId: invite.workspaceId, alreadyMember: false }, 201);
  });
