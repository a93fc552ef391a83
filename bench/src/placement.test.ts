import { describe, expect, it } from 'vitest';
import { cores, placed } from './placement.ts';

describe('placement (--pin)', () => {
  it('gives the server the last core and the generators the rest', () => {
    const c = cores();
    if ('error' in c) {
      // A one-core machine cannot pin; it says so.
      expect(c.error).toMatch(/--pin needs at least 2 cores/);
      return;
    }
    expect(Number(c.server)).toBeGreaterThan(0);
    expect(c.generators.startsWith('0')).toBe(true);
  });

  it('leaves command lines alone unless pinning was asked for', () => {
    expect(placed('server', 'node', ['main.ts'])).toEqual({ file: 'node', args: ['main.ts'] });
  });
});
