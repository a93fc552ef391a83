import type { CreateInviteInput } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const inviteStatuses = ['active', 'expired', 'revoked', 'used_up'] as const;
export type InviteStatus = (typeof inviteStatuses)[number];

export const inviteStatusLabels: Record<InviteStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Withdrawn',
  used_up: 'Used up',
};

const inviteSchema = z.object({
  id: z.string(),
  permission: z.string(),
  participantRole: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  status: z.enum(inviteStatuses),
});
export type Invite = z.infer<typeof inviteSchema>;

const invitePreviewSchema = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  permission: z.string(),
  participantRole: z.string(),
  participantRoleLabel: z.string(),
  expiresAt: z.string(),
  alreadyMember: z.boolean(),
});
export type InvitePreview = z.infer<typeof invitePreviewSchema>;

const invitesPath = (workspaceId: string) =>
  `/workspaces/${encodeURIComponent(workspaceId)}/invites`;

export async function listInvites(workspaceId: string): Promise<Invite[]> {
  const response = await api(
    'GET',
    invitesPath(workspaceId),
    undefined,
    z.object({ invites: z.array(inviteSchema) }),
  );
  return response.invites;
}

/** Creates a link; its full address is in the answer once and never again. */
export async function createInvite(
  workspaceId: string,
  input: CreateInviteInput,
): Promise<{ invite: Invite; url: string }> {
  return api(
    'POST',
    invitesPath(workspaceId),
    input,
    z.object({ invite: inviteSchema, url: z.string() }),
  );
}

export async function withdrawInvite(workspaceId: string, inviteId: string): Promise<Invite> {
  const path = `${invitesPath(workspaceId)}/${encodeURIComponent(inviteId)}`;
  return (await api('DELETE', path, undefined, z.object({ invite: inviteSchema }))).invite;
}

export async function previewInvite(token: string): Promise<InvitePreview> {
  const path = `/invites/${encodeURIComponent(token)}`;
  return (await api('GET', path, undefined, z.object({ invite: invitePreviewSchema }))).invite;
}

export async function acceptInvite(token: string): Promise<{ workspaceId: string }> {
  const path = `/invites/${encodeURIComponent(token)}/accept`;
  return api('POST', path, undefined, z.object({ workspaceId: z.string() }));
}
