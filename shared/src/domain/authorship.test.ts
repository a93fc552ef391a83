import { describe, expect, it } from 'vitest';
import { AuthorshipIndex } from './authorship.ts';

describe('authorship index', () => {
  const index = AuthorshipIndex.from({
    owners: new Map([
      [1, 'ann'],
      [2, 'bob'],
    ]),
    inserts: [
      { clientId: 1, clock: 0, len: 10, at: 1000 },
      { clientId: 2, clock: 0, len: 5, at: 2000 },
    ],
    carried: [{ clientId: 2, clock: 2, len: 2, authorId: 'ann', originalAt: 1000 }],
  });

  it('credits the owner of the client id by default', () => {
    expect(index.authorOf(1, 3)).toBe('ann');
    expect(index.authorOf(2, 0)).toBe('bob');
    expect(index.writtenAt(2, 0)).toBe(2000);
  });

  it('credits carried text to its first author, with its first time', () => {
    expect(index.authorOf(2, 2)).toBe('ann');
    expect(index.authorOf(2, 3)).toBe('ann');
    expect(index.authorOf(2, 4)).toBe('bob');
    expect(index.writtenAt(2, 3)).toBe(1000);
  });

  it('knows nothing of unknown ids', () => {
    expect(index.authorOf(99, 0)).toBeUndefined();
  });

  it('takes increments in the wire format used by the server', () => {
    const live = new AuthorshipIndex();
    live.owners.set(5, 'cy');
    live.addCarriedTuples([[5, 0, 3, 'ann', 500]]);
    live.addDayBreaks({ 5: [[0, 86_400_000]] });
    expect(live.authorOf(5, 1)).toBe('ann');
    expect(live.authorOf(5, 3)).toBe('cy');
    expect(live.writtenAt(5, 100)).toBe(86_400_000);
    expect(live.writtenAt(5, 1)).toBe(500);
  });
});
