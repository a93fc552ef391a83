import {
  type ConfirmEmailInput,
  creditModes,
  type SignInInput,
  type SignUpInput,
  userSchema,
} from '@chorus/shared';
import { z } from 'zod';
import { ApiError, api } from '../../api/http.ts';
import { clearOfflineData } from '../../sync/offlineStore.ts';

/**
 * The signed-in person as the API shows them to themselves, including how they chose to
 * be credited (the shared user schema leaves that out, and zod would strip it).
 */
export const accountUserSchema = userSchema.extend({
  creditMode: z.enum(creditModes).catch('full_name'),
  displayName: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  /** Whether the person confirmed, with the emailed link, that the address is theirs. */
  emailConfirmed: z.boolean(),
});
export type User = z.infer<typeof accountUserSchema>;
const meResponseSchema = z.object({ user: accountUserSchema });

/** The signed-in person, or null when nobody is signed in. */
export async function fetchMe(): Promise<User | null> {
  try {
    const { user } = await api('GET', '/auth/me', undefined, meResponseSchema);
    return user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signUp(input: SignUpInput): Promise<User> {
  return (await api('POST', '/auth/signup', input, meResponseSchema)).user;
}

export async function signIn(input: SignInInput): Promise<User> {
  return (await api('POST', '/auth/signin', input, meResponseSchema)).user;
}

/** Signs out and wipes what this browser kept offline for the account. */
export async function signOut(): Promise<void> {
  const me = await api('GET', '/auth/me', undefined, meResponseSchema).catch(() => null);
  await api('POST', '/auth/signout', undefined, z.object({ ok: z.boolean() }));
  if (me) await clearOfflineData(me.user.id);
}

const confirmedSchema = z.object({
  confirmed: z.literal(true),
  email: z.string(),
  /** The link was used before and the address is (still) confirmed: nothing to do. */
  alreadyConfirmed: z.boolean().optional(),
});

/**
 * Confirms an email address with the token from the emailed link. Needs no session and
 * makes none: it says which address was confirmed, and whether it already was.
 */
export async function confirmEmail(
  input: ConfirmEmailInput,
): Promise<z.infer<typeof confirmedSchema>> {
  return api('POST', '/auth/confirm-email', input, confirmedSchema);
}
