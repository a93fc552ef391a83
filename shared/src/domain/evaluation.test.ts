import { describe, expect, it } from 'vitest';
import {
  agreedResults,
  agreedScoreProblem,
  anonymousBidName,
  type Bid,
  blockedLots,
  type Criterion,
  conflictLotsInWords,
  criterionDescriptors,
  criterionName,
  type Declaration,
  type DeclarationMade,
  declarationMadeInWords,
  declarationOutdated,
  declarationsByMember,
  declaredWithNames,
  type EvaluationSetup,
  entryProblem,
  evaluationResults,
  linesTotal,
  mayJudgeBid,
  methodResults,
  missingEntries,
  namesHidden,
  type PanelMember,
  priceBreakdownInWords,
  priceScore,
  priceScoreInWords,
  type ScoreEntry,
  scaleDescriptors,
  seesCriterion,
  seesEveryCriterion,
  setupProblems,
  toPenny,
  visibleSetup,
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

// A specification as commissioners write one: quality and patient experience scored by
// evaluators and lay evaluators, a financial check by the finance evaluator, and price,
// calculated and seen by the finance evaluator only.
const priceCriterion: Criterion = {
  id: 'price',
  title: 'Price',
  scale: 'price',
  weight: 30,
  threshold: null,
  scoredBy: ['finance_evaluator'],
};
const pathway: Criterion = {
  id: 'pathway',
  section: 'Quality',
  title: 'Clinical pathway',
  scale: '0-4',
  weight: 40,
  threshold: null,
  scoredBy: ['evaluator'],
};
const bidA: Bid = { id: 'a', bidder: 'Provider A', price: 100_000 };
const bidB: Bid = { id: 'b', bidder: 'Provider B', price: 150_000 };
const priced: EvaluationSetup = {
  method: 'consensus',
  criteria: [
    pathway,
    {
      id: 'experience',
      section: 'Quality',
      title: 'Patient experience',
      scale: '0-4',
      weight: 30,
      threshold: null,
      scoredBy: ['evaluator', 'lay_evaluator'],
    },
    {
      id: 'viable',
      title: 'Financial standing',
      scale: 'pass_fail',
      weight: 0,
      threshold: null,
      scoredBy: ['finance_evaluator'],
    },
    priceCriterion,
  ],
  bids: [bidA, bidB],
};
const fullPanel: PanelMember[] = [
  { userId: 'chair', panelRole: 'chair' },
  { userId: 'clin', panelRole: 'evaluator' },
  { userId: 'lay', panelRole: 'lay_evaluator' },
  { userId: 'fin', panelRole: 'finance_evaluator' },
];

describe('price criteria', () => {
  it('scores the lowest price 100 and each other bid the lowest as a share of its own', () => {
    expect(priceScore(priced.bids, bidA)).toBe(100);
    expect(priceScore(priced.bids, bidB)).toBe(66.67);
    expect(priceScoreInWords(priced, priceCriterion, bidB)).toBe(
      'Provider B’s price is £150,000; the lowest is £100,000. It scores the lowest price as a share of its own (66.67 of 100), so 20 of the 30 points.',
    );
  });
  it('adds the price score to the weighted total, with no individual scores for it', () => {
    const entries = [
      score('a', 'pathway', 4),
      score('a', 'experience', 4),
      score('a', 'viable', 1),
      score('b', 'pathway', 4),
      score('b', 'experience', 4),
      score('b', 'viable', 1),
    ];
    const [a, b] = evaluationResults(priced, entries);
    expect(a?.total).toBe(100);
    // 40 + 30 + 30 × 100,000 / 150,000
    expect(b?.total).toBe(90);
    expect([a?.rank, b?.rank]).toEqual([1, 2]);
    expect(b?.criteria[3]).toMatchObject({ average: 66.67, scores: [], disagreement: false });
  });
  it('leaves a bid without a price unranked, and asks for its price before scoring starts', () => {
    const unpriced = { ...priced, bids: [{ id: 'a', bidder: 'Provider A' }] };
    expect(evaluationResults(unpriced, [])[0]?.unscored).toContain('Price');
    expect(setupProblems(unpriced, fullPanel)).toContain(
      'Give the price of Provider A’s bid: the price criterion scores it.',
    );
  });
  it('is never scored by an evaluator, nor waited for', () => {
    expect(entryProblem(priced, score('a', 'price', 3))).toBe(
      '“Price” is scored from the bids’ prices, so nobody scores it.',
    );
    expect(missingEntries(priced, []).map((m) => m.criterionId)).not.toContain('price');
  });
  it('allows one price criterion, with no minimum score', () => {
    const two = {
      ...priced,
      criteria: [
        ...priced.criteria.map((c) => (c.id === 'price' ? { ...c, threshold: 50 } : c)),
        { ...priceCriterion, id: 'price2', title: 'Price again', weight: 0 },
      ],
    };
    const problems = setupProblems(two, fullPanel);
    expect(problems).toContain(
      'An evaluation has one price criterion, scored from each bid’s total price.',
    );
    expect(problems).toContain(
      '“Price” is scored from the prices, so it has no minimum score. Leave the minimum empty.',
    );
  });
});

describe('a price made of several priced lines', () => {
  const lines = [
    { id: 'service', name: 'Annual service', quantity: 1 },
    { id: 'appointments', name: 'Appointments', quantity: 12_000 },
  ];
  const lined: EvaluationSetup = {
    ...priced,
    priceLines: lines,
    bids: [
      { ...bidA, price: 166_000, linePrices: { service: 100_000, appointments: 5.5 } },
      { ...bidB, price: 175_000.8, linePrices: { service: 90_000, appointments: 7.0834 } },
    ],
  };
  it('adds each line’s price times its quantity, each line to the penny', () => {
    expect(linesTotal(lines, { service: 100_000, appointments: 5.5 })).toBe(166_000);
    // 12,000 × £7.0834 is £85,000.80: no binary fractions creep into the pence.
    expect(linesTotal(lines, { service: 90_000, appointments: 7.0834 })).toBe(175_000.8);
    expect(linesTotal(lines, { service: 0.1, appointments: 0.0000001 })).toBe(0.1);
    // A unit price of £5.555 is kept as £5.56, by the server and the set-up page alike.
    expect(toPenny(5.555)).toBe(5.56);
    expect(linesTotal(lines, { service: 0, appointments: toPenny(5.555) })).toBe(66_720);
    // Not a total until every line is priced.
    expect(linesTotal(lines, { service: 100_000 })).toBeNull();
    expect(linesTotal(lines, null)).toBeNull();
    expect(linesTotal([], { service: 1 })).toBeNull();
  });
  it('says how a bid’s total is made up, line by line', () => {
    expect(priceBreakdownInWords(lined, lined.bids[0] as Bid)).toBe(
      'Annual service: £100,000. Appointments: 12,000 at £5.50, £66,000. So total £166,000.',
    );
    expect(priceBreakdownInWords(lined, { price: null, linePrices: { appointments: 5.5 } })).toBe(
      'Annual service: not priced. Appointments: 12,000 at £5.50, £66,000. So no total yet.',
    );
    expect(priceBreakdownInWords(priced, bidA)).toBe('');
  });
  it('keeps the schedule and the lines’ prices from those who do not see price', () => {
    const lay = visibleSetup(lined, 'lay_evaluator');
    expect(lay.priceLines).toBeUndefined();
    expect(lay.bids).toEqual([
      { id: 'a', bidder: 'Provider A' },
      { id: 'b', bidder: 'Provider B' },
    ]);
    expect(visibleSetup(lined, 'finance_evaluator').priceLines).toEqual(lines);
    expect(visibleSetup(lined, 'finance_evaluator').bids[0]?.linePrices).toEqual({
      service: 100_000,
      appointments: 5.5,
    });
  });
  it('asks for every line of every bid before scoring starts, and lines only with a price criterion', () => {
    const half = {
      ...lined,
      bids: [{ ...bidA, price: null, linePrices: { service: 100_000 } }, lined.bids[1] as Bid],
    };
    expect(setupProblems(half, fullPanel)).toEqual([
      'Price every line of Provider A’s bid: the price criterion scores its total.',
    ]);
    expect(setupProblems(lined, fullPanel)).toEqual([]);
    const noPrice = {
      ...lined,
      criteria: lined.criteria.filter((c) => c.scale !== 'price'),
    };
    expect(setupProblems(noPrice, fullPanel)).toContain(
      'Price lines are for a price criterion. Add one, or remove the lines.',
    );
  });
});

describe('who scores and sees each criterion', () => {
  it('gives each scorer the criteria of their group only', () => {
    expect(missingEntries(priced, [], 'lay_evaluator').map((m) => m.criterionId)).toEqual([
      'experience',
      'experience',
    ]);
    expect(missingEntries(priced, [], 'finance_evaluator').map((m) => m.criterionId)).toEqual([
      'viable',
      'viable',
    ]);
    // A criterion they do not see is answered as if it were not there, title and all.
    expect(entryProblem(priced, score('a', 'pathway', 3), 'lay_evaluator')).toBe(
      'That bid or criterion is not part of this evaluation. Reload the page.',
    );
    // One they see but do not score (the chair scores nothing) says so.
    expect(entryProblem(priced, score('a', 'pathway', 3), 'chair')).toBe(
      'Your panel group does not score “Clinical pathway”. Score the criteria on your score sheet.',
    );
    expect(entryProblem(priced, score('a', 'experience', 3), 'lay_evaluator')).toBeNull();
  });
  it('hides price and the prices from quality evaluators, not from the chair', () => {
    const lay = visibleSetup(priced, 'lay_evaluator');
    expect(lay.criteria.map((c) => c.id)).toEqual(['experience']);
    expect(lay.bids).toEqual([
      { id: 'a', bidder: 'Provider A' },
      { id: 'b', bidder: 'Provider B' },
    ]);
    expect(visibleSetup(priced, 'finance_evaluator').bids[1]?.price).toBe(150_000);
    expect(visibleSetup(priced, 'chair')).toEqual(priced);
    expect(visibleSetup(priced, null)).toBe(priced);
    expect(seesEveryCriterion(priced, 'evaluator')).toBe(false);
    expect(seesEveryCriterion(priced, null)).toBe(true);
  });
  it('reads a criterion saved before groups existed as scored by everyone', () => {
    expect(seesCriterion({}, 'lay_evaluator')).toBe(true);
    expect(missingEntries(setup, [], 'lay_evaluator')).toHaveLength(6);
  });
  it('says when nobody on the panel scores a criterion, or a group scores nothing', () => {
    const noLay = fullPanel.filter(
      (m) => m.panelRole !== 'lay_evaluator' && m.panelRole !== 'evaluator',
    );
    expect(setupProblems(priced, noLay)).toEqual([
      'Nobody on the panel scores “Clinical pathway”: it is scored by evaluators. Add one to the panel, or choose who scores it.',
      'Nobody on the panel scores “Patient experience”: it is scored by evaluators or lay evaluators. Add one to the panel, or choose who scores it.',
    ]);
    const idle = {
      ...priced,
      criteria: priced.criteria.filter((c) => c.id !== 'viable'),
    };
    expect(setupProblems(idle, fullPanel)).toEqual([
      'Finance evaluators are on the panel but score none of the criteria. Choose a criterion they score, or give them another panel role.',
    ]);
  });
  it('names a criterion with its section', () => {
    expect(criterionName(pathway)).toBe('Quality: Clinical pathway');
    expect(criterionName(priceCriterion)).toBe('Price');
  });
});

describe('methodResults', () => {
  const entries = [score('a', 'pathway', 2), score('a', 'experience', 4), score('a', 'viable', 1)];
  const one = { ...priced, bids: priced.bids.slice(0, 1) };
  it('by consensus, waits for an agreed score on every criterion but price', () => {
    expect(methodResults(one, entries, [])).toBeNull();
    const agreed = ['pathway', 'experience', 'viable'].map((criterionId) => ({
      bidId: 'a',
      criterionId,
      score: criterionId === 'viable' ? 1 : 3,
      rationale: 'Agreed after discussion of the bid.',
      reason: null,
    }));
    // 40 × 3/4 + 30 × 3/4 + 30 (the only price is the lowest)
    expect(methodResults(one, entries, agreed)?.[0]?.total).toBe(82.5);
  });
  it('by average, is the averages at once, whatever was agreed', () => {
    // 40 × 2/4 + 30 × 4/4 + 30
    expect(methodResults({ ...one, method: 'average' }, entries, [])?.[0]?.total).toBe(80);
  });
});

describe('lots', () => {
  const lotted: EvaluationSetup = {
    lots: [
      { id: 'north', name: 'North' },
      { id: 'south', name: 'South' },
    ],
    criteria: [
      { id: 'q', title: 'Quality', scale: '0-4', weight: 70, threshold: null },
      priceCriterion,
    ],
    bids: [
      { id: 'n1', bidder: 'Northside', lotId: 'north', price: 200 },
      { id: 'n2', bidder: 'Northway', lotId: 'north', price: 100 },
      { id: 's1', bidder: 'Southside', lotId: 'south', price: 400 },
    ],
  };
  const declared = (lots: string[] | null, exception = false): Declaration => ({
    userId: 'clin',
    conflict: true,
    details: 'My sister works for Northside.',
    lots,
    declaredAt: 1,
    exception: exception ? { mitigation: 'Checked by the chair.', by: 'chair', at: 2 } : null,
  });
  it('ranks each lot on its own, and scores price against the lowest in the lot', () => {
    const results = evaluationResults(lotted, [
      score('n1', 'q', 4),
      score('n2', 'q', 2),
      score('s1', 'q', 1),
    ]);
    // Northside 70 + 30 × 100/200 = 85; Northway 35 + 30 = 65; Southside alone in its lot
    // scores full marks on price: 17.5 + 30.
    expect(results.map((r) => [r.bidId, r.total, r.rank])).toEqual([
      ['n1', 85, 1],
      ['n2', 65, 2],
      ['s1', 47.5, 1],
    ]);
  });
  it('keeps a conflicted member out of the lots their conflict concerns only', () => {
    expect([...blockedLots(lotted, declared(['north']))]).toEqual(['north']);
    expect([...blockedLots(lotted, declared(null))]).toEqual(['north', 'south']);
    expect(blockedLots(lotted, declared(['north'], true)).size).toBe(0);
    expect(mayJudgeBid(lotted, declared(['north']), { lotId: 'south' })).toBe(true);
    expect(mayJudgeBid(lotted, declared(['north']), { lotId: 'north' })).toBe(false);
    expect(mayJudgeBid(lotted, undefined, { lotId: 'south' })).toBe(false);
    expect(conflictLotsInWords(lotted, declared(['north']))).toBe('the lot “North”');
  });
  it('asks for each bid’s lot and a bid in each lot', () => {
    const loose = {
      ...lotted,
      lots: [...(lotted.lots ?? []), { id: 'east', name: 'East' }],
      bids: [...lotted.bids, { id: 'x', bidder: 'Nowhere', price: 5 }],
    };
    const problems = setupProblems(loose, fullPanel);
    expect(problems).toContain('Choose the lot Nowhere bid for.');
    expect(problems).toContain('Lot “East” has no bids. Add one, or remove the lot.');
  });
});

describe('scoring without the bidders’ names', () => {
  it('names bids A to Z, then AA', () => {
    expect([0, 1, 25, 26, 27].map(anonymousBidName)).toEqual([
      'Bid A',
      'Bid B',
      'Bid Z',
      'Bid AA',
      'Bid AB',
    ]);
  });
  it('hides names until revealed, and then wants declarations made after', () => {
    const anonymous = { anonymous: true };
    expect(namesHidden(anonymous, null)).toBe(true);
    expect(namesHidden(anonymous, 10)).toBe(false);
    expect(namesHidden({}, null)).toBe(false);
    expect(declarationOutdated(anonymous, 10, { declaredAt: 5 })).toBe(true);
    expect(declarationOutdated(anonymous, 10, { declaredAt: 11 })).toBe(false);
    expect(declarationOutdated(anonymous, null, { declaredAt: 5 })).toBe(false);
    expect(declarationOutdated({}, 10, { declaredAt: 5 })).toBe(false);
  });
  it('says whether each declaration was made before or with the names, as declarationOutdated does', () => {
    const anonymous = { anonymous: true };
    expect(declaredWithNames(anonymous, null, 5)).toBe(false);
    expect(declaredWithNames(anonymous, 10, 5)).toBe(false);
    // Made in the millisecond of the reveal: with the names, as it is not outdated.
    expect(declaredWithNames(anonymous, 10, 10)).toBe(true);
    expect(declarationOutdated(anonymous, 10, { declaredAt: 10 })).toBe(false);
    // Scored with the names: they were always known.
    expect(declaredWithNames({}, null, 5)).toBeNull();
  });
  it('puts each declaration made in words, with its date and whether the names were known', () => {
    const setup = {
      anonymous: true,
      lots: [
        { id: 'north', name: 'North' },
        { id: 'south', name: 'South' },
      ],
    };
    const made = (d: Partial<DeclarationMade>): DeclarationMade => ({
      userId: 'lay',
      confidential: true,
      conflict: false,
      details: '',
      lots: null,
      declaredAt: 5,
      exception: null,
      ...d,
    });
    const date = (at: number) => `day ${at}`;
    expect(declarationMadeInWords(setup, 10, made({}), true, date)).toBe(
      'First declared on day 5, before the bidders’ names were known: no conflict.',
    );
    const conflict = made({
      conflict: true,
      details: 'My cousin works at Northside Eye Care',
      lots: ['north'],
      declaredAt: 12,
      exception: { mitigation: 'Cher checks every North score.', by: 'chair', at: 13 },
    });
    expect(declarationMadeInWords(setup, 10, conflict, false, date)).toBe(
      'Declared again on day 12, with the names known: a conflict of interest with the lot “North”: My cousin works at Northside Eye Care. The chair allowed them to take part, with this mitigation: Cher checks every North score.',
    );
    // Grouped by member, in the order each first declared, oldest first.
    const again = made({ declaredAt: 7 });
    const other = made({ userId: 'chair', declaredAt: 6 });
    expect(declarationsByMember([made({}), other, again])).toEqual([[made({}), again], [other]]);
    // Without lots or hidden names, neither is mentioned.
    expect(declarationMadeInWords({}, null, { ...conflict, exception: null }, false, date)).toBe(
      'Declared again on day 12: a conflict of interest: My cousin works at Northside Eye Care.',
    );
  });
});
