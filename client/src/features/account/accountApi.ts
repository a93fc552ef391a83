import type {
  ChangePasswordInput,
  DeleteAccountInput,
  UpdatePreferencesInput,
  UpdateProfileInput,
} from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';
import { accountUserSchema, type User } from '../auth/authApi.ts';

const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string(),
});
export type AccountSession = z.infer<typeof sessionSchema>;

const ok = z.object({ ok: z.boolean() });

export async function updateProfile(input: UpdateProfileInput): Promise<User> {
  return (await api('PATCH', '/account/profile', input, z.object({ user: accountUserSchema })))
    .user;
}

/** Changes the password; the server signs out every other session of this person. */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  await api('POST', '/account/password', input, ok);
}

export async function listSessions(): Promise<AccountSession[]> {
  return (
    await api('GET', '/account/sessions', undefined, z.object({ sessions: z.array(sessionSchema) }))
  ).sessions;
}

export async function endSession(id: string): Promise<void> {
  await api('DELETE', `/account/sessions/${encodeURIComponent(id)}`, undefined, ok);
}

const workspaceRef = z.object({ id: z.string(), name: z.string() });
const deletionPlanSchema = z.object({
  blockedBy: z.array(workspaceRef),
  alone: z.array(workspaceRef),
});
export type DeletionPlan = z.infer<typeof deletionPlanSchema>;

/** What deleting the account would do: workspaces that block it, and ones that go with it. */
export async function deletionPlan(): Promise<DeletionPlan> {
  return api('GET', '/account/deletion', undefined, deletionPlanSchema);
}

/** Set in this tab's sessionStorage when the account was just deleted, for the sign-in page. */
export const ACCOUNT_DELETED_KEY = 'chorus.accountDeleted';

/** Deletes the account; the server ends every session, this one too. */
export async function deleteAccount(input: DeleteAccountInput): Promise<void> {
  await api('POST', '/account/delete', input, ok);
}

const preferencesSchema = z.object({ emailMentions: z.boolean(), emailAvailable: z.boolean() });
export type Preferences = z.infer<typeof preferencesSchema>;

/** The person's choices, and whether this server sends email at all. */
export async function getPreferences(): Promise<Preferences> {
  return api('GET', '/me/preferences', undefined, preferencesSchema);
}

export async function updatePreferences(input: UpdatePreferencesInput): Promise<Preferences> {
  return api('PUT', '/me/preferences', input, preferencesSchema);
}

/** Sends the signed-in person the link that confirms their email address again. */
const sentSchema = z.object({
  sentTo: z.string(),
  /** How long the emailed link works. */
  linkValidForMs: z.number().int().nonnegative(),
  /** How long before another may be asked for (at least: earlier sends may add to it). */
  sendAgainInMs: z.number().int().nonnegative(),
});

export async function sendConfirmationEmail(): Promise<z.infer<typeof sentSchema>> {
  return api('POST', '/me/email-confirmation', undefined, sentSchema);
}
