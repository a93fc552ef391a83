import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './throttle.ts';

describe('sign-in throttle', () => {
  it('allows failures up to the limit, then asks to wait until the window passes', async () => {
    let now = 0;
    const t = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(await t.retryAfter('ann')).toBe(0);
      await t.recordFailure('ann');
      now += 1000;
    }
    expect(await t.retryAfter('ann')).toBe(57_000);
    expect(await t.retryAfter('bob')).toBe(0);
    now += 57_000;
    expect(await t.retryAfter('ann')).toBe(0);
  });

  it('forgets an account after a successful sign-in', async () => {
    const t = new FailureThrottle(2, 60_000, () => 0);
    await t.recordFailure('ann');
    await t.recordFailure('ann');
    expect(await t.retryAfter('ann')).toBeGreaterThan(0);
    await t.reset('ann');
    expect(await t.retryAfter('ann')).toBe(0);
  });
});
