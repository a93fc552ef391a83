/** What a member may do, by permission. One pure function decides every action. */
export const permissions = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type Permission = (typeof permissions)[number];

/** A per-document override may also take a workspace member's access away. */
export const documentPermissions = [...permissions, 'none'] as const;
export type DocumentPermission = (typeof documentPermissions)[number];

export const permissionLabels: Record<Permission, string> = {
  owner: 'Owner',
  editor: 'Editor',
  commenter: 'Commenter',
  viewer: 'Viewer',
};

export const actions = [
  'workspace.view',
  'workspace.manageMembers',
  'workspace.invite',
  'workspace.viewAudit',
  'document.create',
  'document.view',
  'document.rename',
  'document.edit',
  'document.comment',
  'document.publishPresence',
  'document.delete',
  'document.manageAccess',
] as const;
export type Action = (typeof actions)[number];

const allowed: Record<Action, readonly Permission[]> = {
  'workspace.view': ['owner', 'editor', 'commenter', 'viewer'],
  'workspace.manageMembers': ['owner'],
  'workspace.invite': ['owner'],
  'workspace.viewAudit': ['owner'],
  'document.create': ['owner', 'editor'],
  'document.view': ['owner', 'editor', 'commenter', 'viewer'],
  'document.rename': ['owner', 'editor'],
  'document.edit': ['owner', 'editor'],
  'document.comment': ['owner', 'editor', 'commenter'],
  // Viewers are silent by default: they read without appearing in the room.
  'document.publishPresence': ['owner', 'editor', 'commenter'],
  'document.delete': ['owner'],
  'document.manageAccess': ['owner'],
};

/** True if a member with `permission` may perform `action`; a non-member (null) may do nothing. */
export function can(permission: Permission | null | undefined, action: Action): boolean {
  if (!permission) return false;
  return allowed[action].includes(permission);
}

/**
 * A member's permission on one document: an explicit override wins (it may raise, lower
 * or remove access); a restricted document is closed to members without an override,
 * except workspace owners, who must always be able to manage it.
 */
export function effectivePermission(input: {
  workspacePermission: Permission | null;
  override: DocumentPermission | null;
  restricted: boolean;
}): Permission | null {
  const { workspacePermission, override, restricted } = input;
  if (!workspacePermission) return null;
  if (workspacePermission === 'owner') return 'owner';
  if (override) return override === 'none' ? null : override;
  if (restricted) return null;
  return workspacePermission;
}
