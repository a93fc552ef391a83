import { CONFIRM_EMAIL_TOKEN_PATTERN, confirmEmailSchema } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import { hashConfirmationToken, newConfirmationToken } from './emailConfirmations.ts';

describe('confirmation tokens', () => {
  it('are 160 random bits in the form the API accepts, and differ every time', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newConfirmationToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(token).toMatch(CONFIRM_EMAIL_TOKEN_PATTERN);
      expect(confirmEmailSchema.safeParse({ token }).success).toBe(true);
    }
  });

  it('are stored as SHA-256, never as themselves', () => {
    const token = newConfirmationToken();
    const hash = hashConfirmationToken(token);
    expect(hash).toHaveLength(32);
    expect(Buffer.from(hash).toString('latin1')).not.toContain(token);
    expect(hashConfirmationToken(token)).toEqual(hash);
  });
});
