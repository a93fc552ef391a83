import {
  type ParticipantRole,
  type Permission,
  participantRoleLabels,
  participantRoles,
  permissionLabels,
  permissions,
} from '@chorus/shared';

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}

export function isParticipantRole(value: string): value is ParticipantRole {
  return (participantRoles as readonly string[]).includes(value);
}

/** "owner" -> "Owner"; an unknown value is shown as sent rather than hidden. */
export function permissionLabel(permission: string): string {
  return isPermission(permission) ? permissionLabels[permission] : permission;
}

export function roleLabel(role: string): string {
  return isParticipantRole(role) ? participantRoleLabels[role] : role;
}

/** What a permission lets a person do, in words, for invites and explanations. */
export const permissionWords: Record<Permission, string> = {
  owner: 'edit documents, and manage people, invites and sharing',
  editor: 'create and edit documents',
  // Comments are not built yet: promise only what a commenter can do today.
  commenter: 'read documents, but not change them (comments are not available yet)',
  viewer: 'read documents, but not change them',
};

export const permissionOptions = permissions.map((value) => ({
  value,
  label: permissionLabels[value],
}));

export const roleOptions = participantRoles.map((value) => ({
  value,
  label: participantRoleLabels[value],
}));

/** A local date and time in the person's own format, e.g. "3 March 2026, 14:05". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}
