import { can, colorForSlot, creditedName, participantRoleLabels } from '@chorus/shared';
import { documentPermission } from '../services/access.ts';
import type { Storage } from '../storage/types.ts';
import type { PeerIdentity } from './types.ts';

/**
 * Who a connection is, from the server's records only: credited name, role, colour and
 * effective permission. Never from anything the client sent.
 */
export async function resolveIdentity(
  storage: Storage,
  userId: string,
  sessionId: string,
  documentId: string,
): Promise<PeerIdentity | null> {
  const found = await documentPermission(storage, userId, documentId);
  if (!found) return null;
  const user = await storage.users.findById(userId);
  if (!user) return null;
  const role = found.membership.participantRole;
  return {
    userId,
    sessionId,
    workspaceId: found.document.workspaceId,
    name: creditedName(user, role),
    role: participantRoleLabels[role],
    participantRole: role,
    color: colorForSlot(found.membership.colorSlot),
    permission: found.permission,
    canEdit: can(found.permission, 'document.edit'),
    publishPresence: can(found.permission, 'document.publishPresence'),
  };
}
