import { describe, expect, it } from 'vitest';
import { nextSendAt } from './sendLimits.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const limits = [
  { windowMs: MIN, max: 1 },
  { windowMs: HOUR, max: 3 },
];

describe('nextSendAt', () => {
  it('allows the first send, and one a minute after the last', () => {
    expect(nextSendAt([], limits, 1000)).toBeNull();
    expect(nextSendAt([1000], limits, 1000 + MIN - 1)).toBe(1000 + MIN);
    expect(nextSendAt([1000], limits, 1000 + MIN)).toBeNull();
  });

  it('allows `max` within the window, then waits until the oldest of them leaves it', () => {
    const sent = [0, 10 * MIN, 20 * MIN];
    expect(nextSendAt(sent.slice(0, 2), limits, 30 * MIN)).toBeNull();
    expect(nextSendAt(sent, limits, 30 * MIN)).toBe(HOUR);
    expect(nextSendAt(sent, limits, HOUR)).toBeNull();
    // Older sends than the window do not count, in whatever order they are given.
    expect(nextSendAt([20 * MIN, -2 * HOUR, 0, 10 * MIN], limits, 30 * MIN)).toBe(HOUR);
  });

  it('answers the latest time any limit frees', () => {
    // Three in the hour and one a moment ago: the hour frees later than the minute.
    expect(nextSendAt([0, 1 * MIN, 50 * MIN], limits, 50 * MIN + 1)).toBe(HOUR);
    // The hour has room, the minute has not.
    expect(nextSendAt([0, 50 * MIN], limits, 50 * MIN + 1)).toBe(51 * MIN);
  });
});
