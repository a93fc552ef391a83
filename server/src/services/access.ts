import { type Action, can, effectivePermission, type Permission } from '@chorus/shared';
import type { DocumentRecord, MembershipRecord, MemberView, Storage } from '../storage/types.ts';

export type DocumentAccess =
  | { ok: true; document: DocumentRecord; membership: MembershipRecord; permission: Permission }
  | { ok: false; reason: 'not_found' | 'forbidden'; permission?: Permission };

/** A member's effective permission on a document (workspace permission plus overrides). */
export async function documentPermission(
  storage: Storage,
  userId: string,
  documentId: string,
): Promise<{
  document: DocumentRecord;
  membership: MembershipRecord;
  permission: Permission;
} | null> {
  const document = await storage.documents.get(documentId);
  if (!document) return null;
  const membership = await storage.workspaces.getMembership(document.workspaceId, userId);
  if (!membership) return null;
  const override = await storage.documents.getOverride(documentId, userId);
  const permission = effectivePermission({
    workspacePermission: membership.permission,
    override,
    restricted: document.restricted,
  });
  return permission ? { document, membership, permission } : null;
}

/**
 * Decides whether a user may perform an action on a document. Used by HTTP routes and by
 * the sync server alike, so both answer the same way. A person with no access gets
 * 'not_found', the same as for a document that does not exist.
 */
export async function checkDocumentAccess(
  storage: Storage,
  userId: string,
  documentId: string,
  action: Action,
): Promise<DocumentAccess> {
  const found = await documentPermission(storage, userId, documentId);
  if (!found) return { ok: false, reason: 'not_found' };
  if (!can(found.permission, action)) {
    return { ok: false, reason: 'forbidden', permission: found.permission };
  }
  return { ok: true, ...found };
}

/** The workspace's members who can read a document (its overrides and restriction applied). */
export async function documentReaders(
  storage: Storage,
  document: Pick<DocumentRecord, 'id' | 'workspaceId' | 'restricted'>,
): Promise<MemberView[]> {
  const [overrides, members] = await Promise.all([
    storage.documents.listOverrides(document.id),
    storage.workspaces.listMembers(document.workspaceId),
  ]);
  const overrideOf = new Map(overrides.map((o) => [o.userId, o.permission]));
  return members.filter((m) =>
    effectivePermission({
      workspacePermission: m.permission,
      override: overrideOf.get(m.userId) ?? null,
      restricted: document.restricted,
    }),
  );
}

/**
 * The documents of one workspace a member may open, with their permission on each (a
 * restricted one may be hidden from them): what the workspace page and the notifications
 * list (only mentions in documents the person may still read) both show.
 */
export async function readableDocuments(
  storage: Storage,
  userId: string,
  workspaceId: string,
  workspacePermission: Permission,
): Promise<{ document: DocumentRecord; permission: Permission }[]> {
  const readable = [];
  for (const document of await storage.documents.listForWorkspace(workspaceId)) {
    const override = await storage.documents.getOverride(document.id, userId);
    const permission = effectivePermission({
      workspacePermission,
      override,
      restricted: document.restricted,
    });
    if (permission) readable.push({ document, permission });
  }
  return readable;
}
