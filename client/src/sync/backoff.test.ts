import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff.ts';

describe('reconnectDelay', () => {
  it('doubles its range with each failure and stops at the cap', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((n) => reconnectDelay(n, high))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => reconnectDelay(n, low))).toEqual([125, 250, 500, 1000]);
    expect(reconnectDelay(20, high)).toBe(10_000);
    expect(reconnectDelay(20, low)).toBe(5_000);
  });

  it('spreads clients that failed at the same moment', () => {
    const delays = Array.from({ length: 50 }, () => reconnectDelay(3));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    expect(new Set(delays.map((d) => Math.round(d / 10))).size).toBeGreaterThan(10);
  });
});
