import type { CreateInviteInput, InviteProblem } from '@chorus/shared';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { newId } from '../ids.ts';
import type { InviteRecord, Storage } from '../storage/types.ts';

const DAY = 24 * 3600_000;
const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

/**
 * Creates an invite. Like a session token, the link carries `<id>.<secret>` and only a
 * hash of the secret is stored, so a leaked database cannot be turned into invite links.
 */
export async function createInvite(
  storage: Storage,
  workspaceId: string,
  createdBy: string,
  input: CreateInviteInput,
  now = Date.now(),
): Promise<{ invite: InviteRecord; token: string }> {
  const secret = newId();
  const invite: InviteRecord = {
    id: newId(),
    secretHash: hashSecret(secret),
    workspaceId,
    permission: input.permission,
    participantRole: input.participantRole,
    createdBy,
    createdAt: now,
    expiresAt: now + input.expiresInDays * DAY,
    maxUses: input.maxUses ?? null,
    uses: 0,
    revokedAt: null,
  };
  await storage.invites.create(invite);
  return { invite, token: `${invite.id}.${secret}` };
}

/** The status of an invite, as shown in lists. */
export function inviteStatus(invite: InviteRecord, now = Date.now()): 'active' | InviteProblem {
  if (invite.revokedAt !== null) return 'revoked';
  if (invite.expiresAt <= now) return 'expired';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
  return 'active';
}

/** Finds a usable invite by its token, or says plainly why it cannot be used. */
export async function resolveInvite(
  storage: Storage,
  token: string,
  now = Date.now(),
): Promise<{ invite: InviteRecord } | { problem: InviteProblem }> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || token.length > 100) return { problem: 'unknown' };
  const invite = await storage.invites.get(id);
  if (!invite || !constantTimeEqual(hashSecret(secret), invite.secretHash)) {
    return { problem: 'unknown' };
  }
  const status = inviteStatus(invite, now);
  return status === 'active' ? { invite } : { problem: status };
}
