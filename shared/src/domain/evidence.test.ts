import { describe, expect, it } from 'vitest';
import {
  consentWarning,
  describeEvidence,
  evidenceLabel,
  evidenceOf,
  journeyOf,
  parseLinks,
  resolveLinks,
  withLink,
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

  it('links to pieces by uid, each once, ignoring anything that is not a uid', () => {
    expect(parseLinks('a1 b2  a1\nc-3')).toEqual(['a1', 'b2', 'c-3']);
    expect(parseLinks('<script> ok')).toEqual(['ok']);
    expect(parseLinks(7)).toEqual([]);
    expect(withLink('a1 b2', 'c3', true)).toBe('a1 b2 c3');
    expect(withLink('a1 b2', 'a1', false)).toBe('b2');
    expect(withLink('a1', 'a1', true)).toBe('a1');
    expect(withLink('', 'bad uid', true)).toBe('');
    const pieces = [{ uid: 'a1' }, { uid: 'b2' }];
    expect(resolveLinks('b2 gone a1', pieces)).toEqual({
      linked: [{ uid: 'b2' }, { uid: 'a1' }],
      removed: 1,
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
