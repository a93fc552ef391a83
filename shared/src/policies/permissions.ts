/** What a member may do, by permission. One pure function decides every action. */
export const permissions = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type Permission = (typeof permissions)[number];

export const actions = [
  'workspace.view',
  'workspace.addMember',
  'document.create',
  'document.view',
  'document.rename',
  'document.edit',
] as const;
export type Action = (typeof actions)[number];

const allowed: Record<Action, readonly Permission[]> = {
  'workspace.view': ['owner', 'editor', 'commenter', 'viewer'],
  'workspace.addMember': ['owner'],
  'document.create': ['owner', 'editor'],
  'document.view': ['owner', 'editor', 'commenter', 'viewer'],
  'document.rename': ['owner', 'editor'],
  'document.edit': ['owner', 'editor'],
};

/** True if a member with `permission` may perform `action`; a non-member (null) may do nothing. */
export function can(permission: Permission | null | undefined, action: Action): boolean {
  if (!permission) return false;
  return allowed[action].includes(permission);
}
