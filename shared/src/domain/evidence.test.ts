import { describe, expect, it } from 'vitest';
import { consentWarning, describeEvidence, evidenceOf, journeyOf } from './evidence.ts';

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
});
