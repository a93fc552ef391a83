import { describe, expect, it } from 'vitest';
import { durationWords } from './durationWords.ts';

describe('durationWords', () => {
  it('says a length of time rounded up, in seconds, minutes or hours', () => {
    expect(durationWords(0)).toBe('1 second');
    expect(durationWords(1500)).toBe('2 seconds');
    expect(durationWords(59_000)).toBe('59 seconds');
    expect(durationWords(60_000)).toBe('1 minute');
    expect(durationWords(61_000)).toBe('2 minutes');
    expect(durationWords(3600_000)).toBe('1 hour');
    expect(durationWords(3 * 3600_000 - 1)).toBe('3 hours');
  });
});
