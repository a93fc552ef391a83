import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('passwords', () => {
  it('hash with argon2id at m=19456, t=2, p=1 and verify only the exact password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batter')).toBe(false);
  });

  it('never truncate: a long password differing only at the end does not match', async () => {
    const long = 'a'.repeat(200);
    const hash = await hashPassword(`${long}1`);
    expect(await verifyPassword(hash, `${long}2`)).toBe(false);
  });

  it('treat a malformed stored hash as a mismatch, not a crash', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
