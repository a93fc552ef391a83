import { createHash } from 'node:crypto';
import type { SendLimit } from './types.ts';

/**
 * When the next email may be sent, given when earlier ones were (in any order) and the
 * limits, or null if one may be sent at `now`. Each limit frees a place when the oldest of
 * the `max` newest sends within its window leaves it; counts only fall as time passes, so
 * the latest of those times frees every limit at once.
 */
export function nextSendAt(
  sentAt: readonly number[],
  limits: readonly SendLimit[],
  now: number,
): number | null {
  const newestFirst = sentAt.filter((t) => t <= now).sort((a, b) => b - a);
  let at: number | null = null;
  for (const { windowMs, max } of limits) {
    const inWindow = newestFirst.filter((t) => t > now - windowMs);
    const leaving = inWindow[max - 1];
    if (leaving === undefined) continue;
    at = Math.max(at ?? 0, leaving + windowMs);
  }
  return at;
}

/** The longest window of the limits: sends older than this never count again. */
export const longestWindow = (limits: readonly SendLimit[]) =>
  Math.max(0, ...limits.map((l) => l.windowMs));

/**
 * How an address is counted in `confirmation_sends`: SHA-256 of it lower-cased, so the
 * count outlives the account (a new account with the same address counts on) without
 * keeping a deleted account's address in the clear.
 */
export const addressHash = (email: string): Buffer =>
  createHash('sha256').update(email.toLowerCase(), 'utf8').digest();

/** When the next email may go, by the later of the account's and the address's counts. */
export function laterOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
