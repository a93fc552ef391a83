import { type Action, can } from '@chorus/shared';
import type { DocumentRecord, MembershipRecord, Storage } from '../storage/types.ts';

export type DocumentAccess =
  | { ok: true; document: DocumentRecord; membership: MembershipRecord }
  | { ok: false; reason: 'not_found' | 'forbidden'; membership?: MembershipRecord };

/**
 * Decides whether a user may perform an action on a document. Used by HTTP routes and by
 * the sync server alike, so both answer the same way.
 */
export async function checkDocumentAccess(
  storage: Storage,
  userId: string,
  documentId: string,
  action: Action,
): Promise<DocumentAccess> {
  const document = await storage.documents.get(documentId);
  if (!document) return { ok: false, reason: 'not_found' };
  const membership = await storage.workspaces.getMembership(document.workspaceId, userId);
  if (!membership) return { ok: false, reason: 'not_found' };
  if (!can(membership.permission, action)) return { ok: false, reason: 'forbidden', membership };
  return { ok: true, document, membership };
}
