import { can, colorForSlot, creditedName, participantRoleLabels } from '@chorus/shared';
import { documentPermission } from '../services/access.ts';
import { textLocked } from '../services/lifecycle.ts';
import type { Storage } from '../storage/types.ts';
import type { PeerIdentity } from './types.ts';

/**
 * Who a connection is, from the server's records only: credited name, role, colour and
 * effective permission, and whether the document's status locks its text. Never from
 * anything the client sent.
 */
export async function resolveIdentity(
  storage: Storage,
  userId: string,
  sessionId: string,
  documentId: string,
): Promise<PeerIdentity | null> {
  const found = await documentPermission(storage, userId, documentId);
  if (!found) return null;
  const [user, locked] = await Promise.all([
    storage.users.findById(userId),
    textLocked(storage, documentId),
  ]);
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
    // A closed document's text is read-only for everyone, owners included.
    canEdit: can(found.permission, 'document.edit') && !locked,
    textLocked: locked,
    // Presence does not depend on the lock: people reading a closed document still show.
    publishPresence: can(found.permission, 'document.publishPresence'),
  };
}
