import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './throttle.ts';

describe('sign-in throttle', () => {
  it('allows failures up to the limit, then asks to wait until the window passes', () => {
    let now = 0;
    const t = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfter('ann')).toBe(0);
      t.recordFailure('ann');
      now += 1000;
    }
    expect(t.retryAfter('ann')).toBe(57_000);
    expect(t.retryAfter('bob')).toBe(0);
    now += 57_000;
    expect(t.retryAfter('ann')).toBe(0);
  });

  it('forgets an account after a successful sign-in', () => {
    const t = new FailureThrottle(2, 60_000, () => 0);
    t.recordFailure('ann');
    t.recordFailure('ann');
    expect(t.retryAfter('ann')).toBeGreaterThan(0);
    t.reset('ann');
    expect(t.retryAfter('ann')).toBe(0);
  });
});
