import { describe, expect, it } from 'vitest';
import {
  agreedResults,
  agreedScoreProblem,
  criterionDescriptors,
  type EvaluationSetup,
  entryProblem,
  evaluationResults,
  missingEntries,
  type PanelMember,
  type ScoreEntry,
  scaleDescriptors,
  setupProblems,
} from './evaluation.ts';

const setup: EvaluationSetup = {
  criteria: [
    { id: 'quality', title: 'Quality of care', scale: '0-4', weight: 60, threshold: 2 },
    { id: 'access', title: 'Access for patients', scale: '0-5', weight: 40, threshold: null },
    { id: 'insured', title: 'Insurance in place', scale: 'pass_fail', weight: 0, threshold: null },
  ],
  bids: [
    { id: 'a', bidder: 'Provider A' },
    { id: 'b', bidder: 'Provider B' },
  ],
};
const panel: PanelMember[] = [
  { userId: 'chair', panelRole: 'chair' },
  { userId: 'lay', panelRole: 'lay_evaluator' },
];
const score = (bidId: string, criterionId: string, value: number): ScoreEntry => ({
  bidId,
  criterionId,
  kind: 'score',
  score: value,
  rationale: 'Strengths and weaknesses, with reference to the bid.',
});

describe('setupProblems', () => {
  it('accepts a complete set-up whose scored weights add up to 100%', () => {
    expect(setupProblems(setup, panel)).toEqual([]);
  });
  it('says what the weights add up to when they do not make 100%', () => {
    const off = {
      ...setup,
      criteria: setup.criteria.map((c) => ({ ...c, weight: c.id === 'access' ? 30 : c.weight })),
    };
    expect(setupProblems(off, panel)).toEqual([
      'The weights of the scored criteria add up to 90%. Change them so they add up to 100%.',
    ]);
  });
  it('asks for criteria, bids, a chair and someone who scores', () => {
    expect(setupProblems({ criteria: [], bids: [] }, [])).toEqual([
      'Add at least one criterion to score.',
      'Add at least one bid to score.',
      'Choose a chair for the panel.',
      'Add at least one evaluator, lay evaluator or finance evaluator to the panel.',
    ]);
  });
  it('rejects a weighted pass/fail criterion, a minimum above the scale and repeated titles', () => {
    const bad: EvaluationSetup = {
      bids: setup.bids,
      criteria: [
        { id: 'x', title: 'Quality', scale: '0-4', weight: 100, threshold: 5 },
        { id: 'y', title: 'quality ', scale: 'pass_fail', weight: 10, threshold: null },
      ],
    };
    expect(setupProblems(bad, panel)).toEqual([
      'The minimum score for “Quality” must be between 0 and 4.',
      '“quality ” is pass or fail, so give it a weight of 0%.',
      'Two criteria have the same title. Give each its own.',
    ]);
  });
});

describe('setupProblems: the panel and pass/fail minimums', () => {
  it('wants exactly one chair, and no minimum on a pass/fail criterion', () => {
    const twoChairs = [...panel, { userId: 'x', panelRole: 'chair' as const }];
    const withMinimum = {
      ...setup,
      criteria: setup.criteria.map((c) => (c.id === 'insured' ? { ...c, threshold: 1 } : c)),
    };
    expect(setupProblems(withMinimum, twoChairs)).toEqual([
      '“Insurance in place” is pass or fail, so it has no minimum score: a bid must pass it. Leave the minimum empty.',
      'A panel has one chair. Give the others another role.',
    ]);
  });
});

describe('agreed scores (rule 4)', () => {
  const individual = [score('a', 'quality', 1), score('a', 'quality', 3)];
  const agreed = (value: number, reason: string | null = null) => ({
    bidId: 'a',
    criterionId: 'quality',
    score: value,
    rationale: 'Agreed by the panel.',
    reason,
  });
  it('accepts a score someone gave without a reason, and one unlike all of them only with a reason', () => {
    expect(agreedScoreProblem(setup, individual, agreed(3))).toBeNull();
    expect(agreedScoreProblem(setup, individual, agreed(2))).toBe(
      'The agreed score 2 differs from every individual score (1, 3). Give the reason the panel agreed it.',
    );
    expect(agreedScoreProblem(setup, individual, agreed(2, 'Met in the middle.'))).toBeNull();
    expect(agreedScoreProblem(setup, individual, agreed(5, 'Too high.'))).toBe(
      'Choose a score from 0 to 4.',
    );
  });
  it('wants a reason when everyone abstained', () => {
    const abstained: ScoreEntry[] = [
      { bidId: 'a', criterionId: 'quality', kind: 'abstain', reason: 'Conflict.' },
    ];
    expect(agreedScoreProblem(setup, abstained, agreed(2))).toMatch(/all abstained/);
  });
  it('computes results from agreed scores with the same arithmetic', () => {
    const [a] = agreedResults(setup, [
      agreed(2),
      { ...agreed(4), criterionId: 'access' },
      { ...agreed(1), criterionId: 'insured' },
    ]);
    // 60 × 2/4 + 40 × 4/5
    expect(a?.total).toBe(62);
  });
});

describe('entryProblem', () => {
  it('checks the score against the criterion’s own scale', () => {
    expect(entryProblem(setup, score('a', 'quality', 4))).toBeNull();
    expect(entryProblem(setup, score('a', 'quality', 5))).toBe('Choose a score from 0 to 4.');
    expect(entryProblem(setup, score('a', 'access', 5))).toBeNull();
    expect(entryProblem(setup, score('a', 'insured', 2))).toBe('Choose pass or fail.');
  });
  it('rejects bids and criteria that are not in the evaluation', () => {
    expect(entryProblem(setup, score('zzz', 'quality', 1))).toMatch(/not part of this evaluation/);
    expect(entryProblem(setup, score('a', 'zzz', 1))).toMatch(/not part of this evaluation/);
  });
});

describe('missingEntries', () => {
  it('lists every bid and criterion pair not yet scored or abstained on', () => {
    const entries: ScoreEntry[] = [
      score('a', 'quality', 3),
      { bidId: 'a', criterionId: 'access', kind: 'abstain', reason: 'I used to work for A.' },
    ];
    expect(missingEntries(setup, entries)).toEqual([
      { bidId: 'a', criterionId: 'insured' },
      { bidId: 'b', criterionId: 'quality' },
      { bidId: 'b', criterionId: 'access' },
      { bidId: 'b', criterionId: 'insured' },
    ]);
  });
});

describe('evaluationResults', () => {
  it('weights each criterion’s average score and ranks the bids', () => {
    const entries = [
      // Bid A: quality 3 and 4 (average 3.5 of 4), access 5 and 3 (4 of 5), passes.
      score('a', 'quality', 3),
      score('a', 'quality', 4),
      score('a', 'access', 5),
      score('a', 'access', 3),
      score('a', 'insured', 1),
      score('a', 'insured', 1),
      // Bid B: quality 4 (4 of 4), access 5 (5 of 5) and one abstention.
      score('b', 'quality', 4),
      { bidId: 'b', criterionId: 'quality', kind: 'abstain', reason: 'A conflict.' } as ScoreEntry,
      score('b', 'access', 5),
      score('b', 'insured', 1),
    ];
    const [a, b] = evaluationResults(setup, entries);
    // 60 × 3.5/4 + 40 × 4/5 = 52.5 + 32
    expect(a?.total).toBe(84.5);
    expect(b?.total).toBe(100);
    expect(b?.criteria[0]).toMatchObject({ scores: [4], abstentions: 1, average: 4 });
    expect([a?.rank, b?.rank]).toEqual([2, 1]);
    // Access scores 5 and 3 differ by two levels: flagged for the panel.
    expect(a?.criteria[1]?.disagreement).toBe(true);
    expect(a?.criteria[0]?.disagreement).toBe(false);
  });

  it('leaves a bid that fails a minimum score or a pass/fail criterion out of the ranking', () => {
    const entries = [
      score('a', 'quality', 1), // below the minimum of 2
      score('a', 'access', 5),
      score('a', 'insured', 1),
      score('b', 'quality', 2),
      score('b', 'access', 1),
      score('b', 'insured', 0),
      score('b', 'insured', 1),
      score('b', 'insured', 0),
    ];
    const [a, b] = evaluationResults(setup, entries);
    expect(a?.failures).toEqual(['Quality of care']);
    expect(a?.rank).toBeNull();
    // Failed by two of three evaluators: fails, and the split is flagged.
    expect(b?.failures).toEqual(['Insurance in place']);
    expect(b?.criteria[2]?.disagreement).toBe(true);
    expect(b?.rank).toBeNull();
  });

  it('gives equal totals the same rank and skips the next (1, 1, 3)', () => {
    const three = { ...setup, bids: [...setup.bids, { id: 'c', bidder: 'Provider C' }] };
    const entries = ['a', 'b', 'c'].flatMap((bid) => [
      score(bid, 'quality', bid === 'c' ? 3 : 4),
      score(bid, 'access', 5),
      score(bid, 'insured', 1),
    ]);
    expect(evaluationResults(three, entries).map((r) => r.rank)).toEqual([1, 1, 3]);
  });

  it('does not rank a bid with a criterion nobody scored (its total would count it as 0)', () => {
    const entries: ScoreEntry[] = [
      score('a', 'quality', 4),
      { bidId: 'a', criterionId: 'access', kind: 'abstain', reason: 'Conflict.' },
      score('a', 'insured', 1),
      score('b', 'quality', 2),
      score('b', 'access', 2),
      score('b', 'insured', 1),
    ];
    const [a, b] = evaluationResults(setup, entries);
    expect(a?.unscored).toEqual(['Access for patients']);
    expect(a?.rank).toBeNull();
    expect(b?.rank).toBe(1);
  });

  it('uses a criterion’s own descriptors only when there is one per level', () => {
    const own = ['No', 'Partly', 'Mostly', 'Fully', 'Beyond'];
    expect(criterionDescriptors({ scale: '0-4', descriptors: own })).toEqual(own);
    expect(criterionDescriptors({ scale: '0-4', descriptors: null })).toEqual(
      scaleDescriptors('0-4'),
    );
    // A stored list that no longer fits the scale falls back to the standard wording.
    expect(criterionDescriptors({ scale: '0-5', descriptors: own })).toEqual(
      scaleDescriptors('0-5'),
    );
  });
});
