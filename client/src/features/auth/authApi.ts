import { meResponseSchema, type SignInInput, type SignUpInput, type User } from '@chorus/shared';
import { z } from 'zod';
import { ApiError, api } from '../../api/http.ts';

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

export async function signOut(): Promise<void> {
  await api('POST', '/auth/signout', undefined, z.object({ ok: z.boolean() }));
}
