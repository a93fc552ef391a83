import { describe, expect, it } from 'vitest';
import {
  consentWarning,
  describeEvidence,
  evidenceLabel,
  evidenceOf,
  journeyOf,
  linkEdit,
  linksOf,
  MAX_LINKS,
  parseLinks,
  resolveLinks,
} from './evidence.ts';

const quote = (consent: string, anonymised = 'no') =>
  evidenceOf({ kind: 'quote', body: 'The letter scared me', consent, anonymised });
const touch = (journeyStage: string, feeling: string) =>
  evidenceOf({ kind: 'touchpoint', body: 'x', journeyStage, feeling });

describe('experience evidence', () => {
  it('warns before a quote without consent goes beyond the group, more so if named', () => {
    expect(consentWarning(quote('yes'))).toBeNull();
    expect(consentWarning(quote('no'))).toMatch(/never in reports/);
    expect(consentWarning(quote('unknown', 'yes'))).toBe(
      'Consent not recorded yet: keep it within the group until they have been asked.',
    );
    expect(consentWarning(quote('maybe'))).toMatch(/not anonymised/);
    expect(consentWarning(touch('Results', 'negative'))).toBeNull();
  });

  it('says what there is in words, and groups touchpoints by journey stage', () => {
    const list = [
      quote('yes'),
      quote('unknown'),
      touch('Invitation', 'negative'),
      touch('Results', 'positive'),
      touch('Invitation', 'positive'),
    ];
    expect(describeEvidence([])).toBe('No evidence yet.');
    expect(describeEvidence(list)).toBe(
      '5 pieces of evidence: 2 quotes, 0 stories, 3 touchpoints (2 positive, 1 negative). 1 quote or story has no consent to be quoted.',
    );
    expect(journeyOf(list).map((s) => [s.stage, s.touchpoints.length])).toEqual([
      ['Invitation', 2],
      ['Results', 1],
    ]);
  });

  it('reads the old one-attribute links by uid, each once, ignoring anything that is not a uid', () => {
    expect(parseLinks('a1 b2  a1\nc-3')).toEqual(['a1', 'b2', 'c-3']);
    expect(parseLinks('<script> ok')).toEqual(['ok']);
    expect(parseLinks(7)).toEqual([]);
    const pieces = [{ uid: 'a1' }, { uid: 'b2' }];
    expect(resolveLinks(['b2', 'gone', 'a1'], pieces)).toEqual({
      linked: [{ uid: 'b2' }, { uid: 'a1' }],
      removed: 1,
    });
  });

  it('reads links from the children and from the old attribute together, each once', () => {
    // A document stored before links were children still shows its links.
    expect(linksOf({ legacy: 'a1 b2', children: [] })).toEqual(['a1', 'b2']);
    // Two people ticked b2 at once (two children), and a child holds junk.
    expect(linksOf({ legacy: 'a1', children: ['b2', 'c3', 'b2', '<x>', null, 7] })).toEqual([
      'a1',
      'b2',
      'c3',
    ]);
    expect(linksOf({ legacy: undefined, children: [] })).toEqual([]);
    const many = Array.from({ length: 60 }, (_, i) => `p${i}`);
    expect(linksOf({ legacy: '', children: many })).toHaveLength(MAX_LINKS);
  });

  it('ticks a piece with a new child, and unticks it by removing every child linking it', () => {
    expect(linkEdit({ legacy: '', children: ['a1'] }, 'b2', true)).toEqual({
      remove: [],
      add: ['b2'],
      clearLegacy: false,
    });
    expect(linkEdit({ legacy: '', children: ['a1', 'b2', 'a1'] }, 'a1', false)).toEqual({
      remove: [0, 2],
      add: [],
      clearLegacy: false,
    });
    // Already so, not a uid, or the most there can be: nothing to change.
    expect(linkEdit({ legacy: '', children: ['a1'] }, 'a1', true)).toBeNull();
    expect(linkEdit({ legacy: 'a1', children: [] }, 'a1', true)).toBeNull();
    expect(linkEdit({ legacy: '', children: [] }, 'a1', false)).toBeNull();
    expect(linkEdit({ legacy: '', children: [] }, 'bad uid', true)).toBeNull();
    const full = Array.from({ length: MAX_LINKS }, (_, i) => `p${i}`);
    expect(linkEdit({ legacy: '', children: full }, 'one-more', true)).toBeNull();
    expect(linkEdit({ legacy: '', children: full }, 'p3', false)?.remove).toEqual([3]);
  });

  it('moves links from the old attribute into children on the first tick or untick', () => {
    expect(linkEdit({ legacy: 'a1 b2', children: [] }, 'c3', true)).toEqual({
      remove: [],
      add: ['a1', 'b2', 'c3'],
      clearLegacy: true,
    });
    // Unticking one kept only in the attribute: the others move, it does not.
    expect(linkEdit({ legacy: 'a1 b2', children: [] }, 'a1', false)).toEqual({
      remove: [],
      add: ['b2'],
      clearLegacy: true,
    });
    // Someone else moved b2 already: it is not added twice; junk in the attribute goes.
    expect(linkEdit({ legacy: 'a1 b2 <x>', children: ['b2'] }, 'b2', false)).toEqual({
      remove: [0],
      add: ['a1'],
      clearLegacy: true,
    });
  });

  it('names a piece in one line to pick it from a list', () => {
    expect(
      evidenceLabel(evidenceOf({ kind: 'quote', body: ' The letter\nscared me ', source: 'Pat' })),
    ).toBe('Quote from Pat: “The letter scared me”');
    expect(evidenceLabel(touch('Results', 'negative'))).toBe('Touchpoint (Results): “x”');
    expect(evidenceLabel(evidenceOf({ kind: 'story', body: 'x'.repeat(100) }))).toBe(
      `Story: “${'x'.repeat(79)}…”`,
    );
    expect(evidenceLabel(evidenceOf({ kind: 'story' }))).toBe('Story: not written yet');
  });
});
