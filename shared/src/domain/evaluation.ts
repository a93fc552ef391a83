/**
 * Procurement evaluation: the panel, the criteria, individual scores and the results
 * computed from them. Pure functions, shared by the server (which enforces the rules) and
 * the client (which explains them). See PRODUCT.md, "Procurement evaluation".
 */

/** Roles inside a procurement panel: separate from permissions and participant roles. */
export const panelRoles = [
  'chair',
  'evaluator',
  'lay_evaluator',
  'finance_evaluator',
  'facilitator',
  'observer',
] as const;
export type PanelRole = (typeof panelRoles)[number];

export const panelRoleLabels: Record<PanelRole, string> = {
  chair: 'Chair',
  evaluator: 'Evaluator',
  lay_evaluator: 'Lay evaluator',
  finance_evaluator: 'Finance evaluator',
  facilitator: 'Non-scoring facilitator',
  observer: 'Observer',
};

/** Who scores alone. The chair runs the panel and moderation but does not score. */
export const scoringPanelRoles = ['evaluator', 'lay_evaluator', 'finance_evaluator'] as const;
export const isScoringRole = (role: PanelRole | null | undefined): role is ScoringRole =>
  role != null && (scoringPanelRoles as readonly PanelRole[]).includes(role);

/** The panel groups that score: each criterion says which of them score it. */
export type ScoringRole = (typeof scoringPanelRoles)[number];
export const scoringGroupLabels: Record<ScoringRole, string> = {
  evaluator: 'Evaluators',
  lay_evaluator: 'Lay evaluators',
  finance_evaluator: 'Finance evaluators',
};

/**
 * set-up: criteria, bids and panel may change; scoring: each evaluator scores alone and
 * nobody sees anyone else's scores; moderation: individual scores are frozen and shown to
 * the panel, which agrees one score per bid and criterion; signed off: the chair has
 * locked the evaluation.
 */
export const evaluationStates = ['setup', 'scoring', 'moderation', 'signed_off'] as const;
export type EvaluationState = (typeof evaluationStates)[number];

export const evaluationStateLabels: Record<EvaluationState, string> = {
  setup: 'Setting up',
  scoring: 'Individual scoring',
  moderation: 'Moderation',
  signed_off: 'Signed off',
};

/** Stages in which the individual scores are open to the whole panel. */
export const scoresRevealed = (state: EvaluationState): boolean =>
  state === 'moderation' || state === 'signed_off';

/** Who records the panel's agreed scores during moderation. */
export const moderatingPanelRoles: readonly PanelRole[] = [
  'chair',
  'facilitator',
  'evaluator',
  'lay_evaluator',
  'finance_evaluator',
];

/**
 * A panel member's declaration of interests. A declared conflict keeps them from scoring
 * and from seeing others' scores, unless the chair records an exception and its mitigation.
 */
export interface Declaration {
  userId: string;
  conflict: boolean;
  details: string;
  /**
   * The lots a declared conflict concerns, when the evaluation has lots; null or absent for
   * all of them. It keeps the member out of those lots only.
   */
  lots?: readonly string[] | null;
  declaredAt: number;
  /** When they first declared (before the names were known, in an evaluation without them). */
  firstDeclaredAt?: number;
  exception: { mitigation: string; by: string; at: number } | null;
}

/**
 * One declaration as its member made it. Every declaration is kept, in the order made; the
 * latest is the member's `Declaration`, which governs. An exception the chair recorded while
 * a declaration was the latest stays with it, so the record shows how each was managed.
 */
export interface DeclarationMade {
  userId: string;
  /** Confirmed: `declarationInputSchema` refuses a declaration without it. */
  confidential: boolean;
  conflict: boolean;
  details: string;
  /** The lots its conflict concerns; null for all of them (as `Declaration.lots`). */
  lots: readonly string[] | null;
  declaredAt: number;
  exception: { mitigation: string; by: string; at: number } | null;
}

/**
 * Whether a panel member may take part everywhere (score, see scores): declared, and clear
 * or excepted. See `blockedLots` for a conflict with some lots only.
 */
export const declaredClear = (d: Declaration | undefined): boolean =>
  d !== undefined && (!d.conflict || d.exception !== null);

/**
 * The lots a member is kept out of by a declared conflict the chair has not excepted (every
 * lot, the implicit one included as '', when it concerns all of them). Someone who has not
 * declared is kept out of everything until they do; that is checked apart, with its own words.
 */
export function blockedLots(setup: EvaluationSetup, d: Declaration | undefined): Set<string> {
  if (!d?.conflict || d.exception !== null) return new Set();
  const all = lotIds(setup);
  return new Set(d.lots && d.lots.length > 0 ? all.filter((l) => d.lots?.includes(l)) : all);
}

/** Whether a member may take part in the evaluation of this bid (see `blockedLots`). */
export const mayJudgeBid = (
  setup: EvaluationSetup,
  d: Declaration | undefined,
  bid: Pick<Bid, 'lotId'>,
): boolean => d !== undefined && !blockedLots(setup, d).has(bid.lotId ?? '');

/** The score the panel agreed for one bid against one criterion, with its rationale. */
export interface AgreedScore {
  bidId: string;
  criterionId: string;
  score: number;
  rationale: string;
  /** Why the agreed score differs from every individual score (required then). */
  reason: string | null;
}

export const criterionScales = ['0-4', '0-5', 'pass_fail', 'price'] as const;
export type CriterionScale = (typeof criterionScales)[number];

export const criterionScaleLabels: Record<CriterionScale, string> = {
  '0-4': 'Scored 0 to 4',
  '0-5': 'Scored 0 to 5',
  pass_fail: 'Pass or fail',
  price: 'Price, scored from the bids’ prices',
};

/**
 * How the result is reached, published before scoring: by consensus (the panel agrees one
 * score per bid and criterion in moderation, and those count) or by average (the average
 * of the individual scores counts; moderation discusses them but agrees none).
 */
export const evaluationMethods = ['consensus', 'average'] as const;
export type EvaluationMethod = (typeof evaluationMethods)[number];
export const evaluationMethodLabels: Record<EvaluationMethod, string> = {
  consensus: 'Consensus: the panel agrees one score for each bid and criterion',
  average: 'Average: the average of the individual scores counts',
};

export interface Criterion {
  id: string;
  title: string;
  /** The section of the specification it belongs to (e.g. Quality, Social value); '' for none. */
  section?: string;
  /**
   * The panel groups that score this criterion and see it, with its scores; absent for all.
   * A price criterion is not scored by anyone: these are the groups who see it and the prices.
   */
  scoredBy?: readonly ScoringRole[] | null;
  scale: CriterionScale;
  /** Percentage of the total; a pass/fail criterion carries none. */
  weight: number;
  /** The lowest acceptable (average) score, or null for none. */
  threshold: number | null;
  /**
   * The written descriptor of each level, lowest first, when the panel wrote its own for
   * this criterion; absent or null for the standard ones (`scaleDescriptors`).
   */
  descriptors?: readonly string[] | null;
}

/** A lot: a part of the contract bid for and ranked on its own (e.g. by area). */
export interface Lot {
  id: string;
  name: string;
}

export interface Bid {
  id: string;
  bidder: string;
  /** The lot bid for; null or absent when the evaluation has no lots. */
  lotId?: string | null;
  /**
   * The bid's total price in pounds, scored by a price criterion; null or absent if none.
   * With price lines, the server works it out from them (see `linesTotal`).
   */
  price?: number | null;
  /** With price lines: the bid's unit price for each line, by the line's id. */
  linePrices?: Readonly<Record<string, number>> | null;
}

/**
 * A line of the pricing schedule every bid prices (a year's service, the set-up, a cost
 * per appointment): the bid's total price is each line's unit price times its quantity,
 * added up. The quantity is the volume the commissioner evaluates on (for example 12,000
 * appointments a year); 1 for a line priced once.
 */
export interface PriceLine {
  id: string;
  name: string;
  quantity: number;
}

export interface EvaluationSetup {
  criteria: Criterion[];
  bids: Bid[];
  /** Absent or empty: the evaluation is one lot. The criteria are the same in every lot. */
  lots?: Lot[];
  /**
   * Scored without the bidders' names: the panel sees "Bid A", "Bid B"... until the chair
   * reveals the names, and then everyone declares their interests again, with the names.
   */
  anonymous?: boolean;
  /** Absent in evaluations set up before methods could be chosen: those were by consensus. */
  method?: EvaluationMethod;
  /** The pricing schedule; absent or empty: each bid has one total price. */
  priceLines?: PriceLine[];
}

/** Whether the bidders' names are still hidden from the panel (see `anonymous`). */
export const namesHidden = (
  setup: Pick<EvaluationSetup, 'anonymous'>,
  namesRevealedAt: number | null,
): boolean => setup.anonymous === true && namesRevealedAt === null;

/**
 * Whether a declaration was made before the names were revealed, in an evaluation scored
 * without them: it no longer counts, and the member declares again with the names.
 */
export const declarationOutdated = (
  setup: Pick<EvaluationSetup, 'anonymous'>,
  namesRevealedAt: number | null,
  d: Pick<Declaration, 'declaredAt'> | undefined,
): boolean =>
  setup.anonymous === true &&
  namesRevealedAt !== null &&
  d !== undefined &&
  d.declaredAt < namesRevealedAt;

/**
 * Whether the bidders' names were known when a declaration was made: null in an evaluation
 * scored with them (they always were), false for one made before the chair revealed them.
 * The same line as `declarationOutdated` draws.
 */
export const declaredWithNames = (
  setup: Pick<EvaluationSetup, 'anonymous'>,
  namesRevealedAt: number | null,
  declaredAt: number,
): boolean | null =>
  setup.anonymous === true ? namesRevealedAt !== null && declaredAt >= namesRevealedAt : null;

/** The name a bid goes by while the bidders' names are hidden: Bid A, Bid B, ... Bid AA. */
export function anonymousBidName(index: number): string {
  let n = index;
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `Bid ${letters}`;
}

/** The bids as the panel sees them while the names are hidden: "Bid A" and so on. */
export const withoutBidderNames = (bids: readonly Bid[]): Bid[] =>
  bids.map((b, i) => ({ ...b, bidder: anonymousBidName(i) }));

/** The lots' ids; '' stands for the one implicit lot of an evaluation without lots. */
export const lotIds = (setup: Pick<EvaluationSetup, 'lots'>): string[] =>
  setup.lots && setup.lots.length > 0 ? setup.lots.map((l) => l.id) : [''];

/** The bids competing with this one: those of the same lot. */
export const lotBids = (bids: readonly Bid[], lotId: string | null | undefined): Bid[] =>
  bids.filter((b) => (b.lotId ?? null) === (lotId ?? null));

export const lotName = (setup: Pick<EvaluationSetup, 'lots'>, lotId: string | null | undefined) =>
  setup.lots?.find((l) => l.id === lotId)?.name ?? null;

/** A bid as lists name it: with its lot, when the evaluation has lots. */
export function bidLabel(setup: Pick<EvaluationSetup, 'lots'>, bid: Bid): string {
  const lot = lotName(setup, bid.lotId);
  return lot ? `${bid.bidder} (${lot})` : bid.bidder;
}

/** Which lots a declared conflict concerns, in words ('' without lots). */
export function conflictLotsInWords(
  setup: Pick<EvaluationSetup, 'lots'>,
  d: Pick<Declaration, 'lots'>,
): string {
  if (!setup.lots?.length) return '';
  if (!d.lots?.length) return 'every lot';
  const names = setup.lots.filter((l) => d.lots?.includes(l.id)).map((l) => `“${l.name}”`);
  return `${names.length === 1 ? 'the lot' : 'the lots'} ${names.join(', ')}`;
}

/**
 * Declarations made, one list per member (in the order each first declared), each oldest
 * first: the last of a list is that member's current declaration.
 */
export function declarationsByMember(made: readonly DeclarationMade[]): DeclarationMade[][] {
  const byMember = new Map<string, DeclarationMade[]>();
  for (const d of made) {
    const list = byMember.get(d.userId);
    if (list) list.push(d);
    else byMember.set(d.userId, [d]);
  }
  return [...byMember.values()];
}

/** Ends a sentence with a full stop unless the person already ended it. */
export const asSentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * What one declaration said, in words: "no conflict", or "a conflict of interest with the
 * lot “North”: (the member's own words)".
 */
export function declaredInWords(
  setup: Pick<EvaluationSetup, 'lots'>,
  d: Pick<DeclarationMade, 'conflict' | 'details' | 'lots'>,
): string {
  if (!d.conflict) return 'no conflict';
  const lots = setup.lots?.length ? ` with ${conflictLotsInWords(setup, d)}` : '';
  return `a conflict of interest${lots}: ${d.details}`;
}

/**
 * One of a member's declarations in words, for the register: "First declared on 3 March 2026
 * at 10:04, before the bidders’ names were known: no conflict." `first` is whether it is the
 * member's first; `date` formats a time as the reader reads it.
 */
export function declarationMadeInWords(
  setup: Pick<EvaluationSetup, 'anonymous' | 'lots'>,
  namesRevealedAt: number | null,
  d: DeclarationMade,
  first: boolean,
  date: (at: number) => string,
): string {
  const names = declaredWithNames(setup, namesRevealedAt, d.declaredAt);
  const when =
    names === null
      ? ''
      : names
        ? ', with the names known'
        : ', before the bidders’ names were known';
  const made = `${first ? 'First declared' : 'Declared again'} on ${date(d.declaredAt)}${when}`;
  const exception = d.exception
    ? ` The chair allowed them to take part, with this mitigation: ${asSentence(d.exception.mitigation)}`
    : '';
  return `${made}: ${asSentence(declaredInWords(setup, d))}${exception}`;
}

export const evaluationMethod = (setup: Pick<EvaluationSetup, 'method'>): EvaluationMethod =>
  setup.method ?? 'consensus';

/** The groups that score (or, for price, see) a criterion. */
export const criterionGroups = (c: Pick<Criterion, 'scoredBy'>): readonly ScoringRole[] =>
  c.scoredBy && c.scoredBy.length > 0 ? c.scoredBy : scoringPanelRoles;

/**
 * Whether someone sees a criterion, its bids' prices and its scores. Only the scoring
 * groups are kept from criteria (lay evaluators usually score quality only; price is
 * hidden from quality evaluators); the chair, facilitator, observers and the document's
 * owners see everything, as those who run and answer for the procurement.
 */
export const seesCriterion = (c: Pick<Criterion, 'scoredBy'>, role: PanelRole | null): boolean =>
  !isScoringRole(role) || criterionGroups(c).includes(role);

/** Whether a panel role gives individual scores on a criterion (price is calculated). */
export const scoresCriterion = (
  c: Pick<Criterion, 'scoredBy' | 'scale'>,
  role: PanelRole | null,
): boolean => isScoringRole(role) && c.scale !== 'price' && criterionGroups(c).includes(role);

export const seesEveryCriterion = (setup: EvaluationSetup, role: PanelRole | null): boolean =>
  setup.criteria.every((c) => seesCriterion(c, role));

/**
 * The set-up as someone on the panel sees it (`role`; null for those who set it up, who see
 * all of it): only their criteria, and the bids' prices only with a price criterion they
 * see. Everything else about a bid (its lot) stays.
 */
export function visibleSetup(setup: EvaluationSetup, role: PanelRole | null): EvaluationSetup {
  if (role === null) return setup;
  const criteria = setup.criteria.filter((c) => seesCriterion(c, role));
  const seesPrice = criteria.some((c) => c.scale === 'price');
  if (seesPrice) return { ...setup, criteria };
  // The pricing schedule goes with the prices: its quantities tell how bids were priced.
  const { priceLines: _lines, ...rest } = setup;
  return { ...rest, criteria, bids: withoutPrices(setup.bids) };
}

/** The bids without their prices, total and lines. */
export const withoutPrices = (bids: readonly Bid[]): Bid[] =>
  bids.map(({ price: _price, linePrices: _lines, ...bid }) => bid);

/** Pounds to the penny, without the drift of adding binary fractions. */
const toPence = (pounds: number) => Math.round(pounds * 100);

/**
 * An amount typed in pounds, rounded to the penny as it is saved: the schema and the
 * set-up form's running total both use it, so the page says the total the server keeps.
 */
export const toPenny = (pounds: number): number => toPence(pounds) / 100;

/** One line of a bid: its unit price times the line's quantity, to the penny. */
export const lineAmount = (line: Pick<PriceLine, 'quantity'>, unit: number): number =>
  toPenny(unit * line.quantity);

/**
 * A bid's total from the pricing schedule: each line's unit price times its quantity,
 * each line rounded to the penny, added up; null while any line has no price.
 */
export function linesTotal(
  lines: readonly PriceLine[],
  prices: Readonly<Record<string, number>> | null | undefined,
): number | null {
  if (lines.length === 0 || !prices) return null;
  let pence = 0;
  for (const line of lines) {
    const unit = prices[line.id];
    if (unit === undefined || !Number.isFinite(unit) || unit < 0) return null;
    pence += toPence(lineAmount(line, unit));
  }
  return pence / 100;
}

const quantityFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

/**
 * How a bid's total price is made up, in words, line by line: "Annual service:
 * £100,000. Appointments: 12,000 at £5.50, £66,000. Total £166,000." Empty without price
 * lines.
 */
export function priceBreakdownInWords(
  setup: Pick<EvaluationSetup, 'priceLines'>,
  bid: Pick<Bid, 'linePrices' | 'price'>,
): string {
  const lines = setup.priceLines ?? [];
  if (lines.length === 0) return '';
  const parts = lines.map((line) => {
    const unit = bid.linePrices?.[line.id];
    if (unit === undefined) return `${line.name}: not priced`;
    const amount = lineAmount(line, unit);
    return line.quantity === 1
      ? `${line.name}: ${formatPrice(amount)}`
      : `${line.name}: ${quantityFormat.format(line.quantity)} at ${formatPrice(unit)}, ${formatPrice(amount)}`;
  });
  const total = bid.price == null ? 'no total yet' : `total ${formatPrice(bid.price)}`;
  return `${parts.join('. ')}. So ${total}.`;
}

/** A criterion's name with its section, as score sheets and reports show it. */
export const criterionName = (c: Pick<Criterion, 'title' | 'section'>): string =>
  c.section?.trim() ? `${c.section.trim()}: ${c.title}` : c.title;

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const wholePounds = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  maximumFractionDigits: 0,
});
/** £150,000 or £98,500.50: pence only when there are some. */
export const formatPrice = (amount: number): string =>
  (Number.isInteger(amount) ? wholePounds : pounds).format(amount);

/** The lowest price among the bids, which scores full marks on a price criterion. */
export function lowestPrice(bids: readonly Bid[]): number | null {
  const prices = bids.flatMap((b) => (b.price != null && b.price > 0 ? [b.price] : []));
  return prices.length > 0 ? Math.min(...prices) : null;
}

/**
 * A bid's price score, out of 100: the lowest price scores 100, and each other bid the
 * lowest price as a share of its own (half as dear again scores 66.67). The method most
 * UK public-sector evaluations publish.
 */
export function priceScore(bids: readonly Bid[], bid: Bid): number | null {
  // Bids compete within their lot, so the lowest price is the lot's.
  const lowest = lowestPrice(lotBids(bids, bid.lotId));
  if (lowest === null || bid.price == null || bid.price <= 0) return null;
  return Math.round((10000 * lowest) / bid.price) / 100;
}

/** The price score explained in words, for people who find the numbers hard. */
export function priceScoreInWords(setup: EvaluationSetup, c: Criterion, bid: Bid): string {
  const lowest = lowestPrice(lotBids(setup.bids, bid.lotId));
  const score = priceScore(setup.bids, bid);
  if (score === null || lowest === null || bid.price == null) {
    return `${bid.bidder} has no price recorded, so it has no price score.`;
  }
  const points = Math.round(score * c.weight) / 100;
  return bid.price === lowest
    ? `${bid.bidder}’s price, ${formatPrice(bid.price)}, is the lowest, so it scores the full ${c.weight} points.`
    : `${bid.bidder}’s price is ${formatPrice(bid.price)}; the lowest${setup.lots?.length ? ' in its lot' : ''} is ${formatPrice(lowest)}. It scores the lowest price as a share of its own (${score} of 100), so ${points} of the ${c.weight} points.`;
}

export interface PanelMember {
  userId: string;
  panelRole: PanelRole;
}

/** One evaluator's judgement of one bid against one criterion. */
export type ScoreEntry = {
  bidId: string;
  criterionId: string;
} & ({ kind: 'score'; score: number; rationale: string } | { kind: 'abstain'; reason: string });

/** The top score: a price score is out of 100 (see `priceScore`). */
export const scaleMax = (scale: CriterionScale): number =>
  scale === 'pass_fail' ? 1 : scale === '0-4' ? 4 : scale === 'price' ? 100 : 5;

const descriptors: Record<CriterionScale, readonly string[]> = {
  // The wording most UK public-sector quality scales use, level by level.
  '0-4': [
    'Unacceptable: no answer, or it does not meet the requirement',
    'Poor: meets the requirement only in part, with serious gaps',
    'Satisfactory: meets the requirement, with minor gaps',
    'Good: meets the requirement fully, with good evidence',
    'Excellent: exceeds the requirement, with strong evidence',
  ],
  '0-5': [
    'Unacceptable: no answer, or it does not meet the requirement',
    'Poor: meets the requirement only in part, with serious gaps',
    'Weak: meets most of the requirement, with some gaps',
    'Satisfactory: meets the requirement, with minor gaps',
    'Good: meets the requirement fully, with good evidence',
    'Excellent: exceeds the requirement, with strong evidence',
  ],
  pass_fail: ['Fail: does not meet the requirement', 'Pass: meets the requirement'],
  // Nobody chooses a level of price: it is calculated (see `priceScore`).
  price: [],
};

/** The written descriptor of each level, lowest first. */
export const scaleDescriptors = (scale: CriterionScale): readonly string[] => descriptors[scale];

/** A criterion's descriptors: its own when it has one per level, else the standard ones. */
export function criterionDescriptors(
  criterion: Pick<Criterion, 'scale' | 'descriptors'>,
): readonly string[] {
  const own = criterion.descriptors;
  return own && criterion.scale !== 'price' && own.length === scaleMax(criterion.scale) + 1
    ? own
    : scaleDescriptors(criterion.scale);
}

/** The shortest rationale accepted: a reason, not a tick. */
export const minRationaleLength = 20;

/** Two individual scores this far apart (or more) are flagged for the panel to discuss. */
export const wideDisagreement = 2;

/**
 * What stops scoring from starting, in plain words (empty: ready). Weights are checked here
 * because they freeze once scoring starts.
 */
export function setupProblems(setup: EvaluationSetup, panel: readonly PanelMember[]): string[] {
  const problems: string[] = [];
  if (setup.criteria.length === 0) problems.push('Add at least one criterion to score.');
  if (setup.bids.length === 0) problems.push('Add at least one bid to score.');
  const scored = setup.criteria.filter((c) => c.scale !== 'pass_fail');
  const total = scored.reduce((sum, c) => sum + c.weight, 0);
  if (scored.length > 0 && total !== 100) {
    problems.push(
      `The weights of the scored criteria add up to ${total}%. Change them so they add up to 100%.`,
    );
  }
  for (const c of setup.criteria) {
    if (c.scale === 'pass_fail' && c.weight !== 0) {
      problems.push(`“${c.title}” is pass or fail, so give it a weight of 0%.`);
    }
    if (c.scale === 'pass_fail' && c.threshold !== null) {
      problems.push(
        `“${c.title}” is pass or fail, so it has no minimum score: a bid must pass it. Leave the minimum empty.`,
      );
    }
    if (c.scale === 'price' && c.threshold !== null) {
      problems.push(
        `“${c.title}” is scored from the prices, so it has no minimum score. Leave the minimum empty.`,
      );
    } else if (c.threshold !== null && (c.threshold < 0 || c.threshold > scaleMax(c.scale))) {
      problems.push(
        `The minimum score for “${c.title}” must be between 0 and ${scaleMax(c.scale)}.`,
      );
    }
  }
  const titles = setup.criteria.map((c) => c.title.trim().toLowerCase());
  if (new Set(titles).size !== titles.length) {
    problems.push('Two criteria have the same title. Give each its own.');
  }
  if (setup.lots && setup.lots.length > 0) {
    const lots = new Set(setup.lots.map((l) => l.id));
    for (const b of setup.bids) {
      if (!b.lotId || !lots.has(b.lotId)) problems.push(`Choose the lot ${b.bidder} bid for.`);
    }
    for (const l of setup.lots) {
      if (!setup.bids.some((b) => b.lotId === l.id)) {
        problems.push(`Lot “${l.name}” has no bids. Add one, or remove the lot.`);
      }
    }
  }
  const prices = setup.criteria.filter((c) => c.scale === 'price');
  if (prices.length > 1) {
    problems.push('An evaluation has one price criterion, scored from each bid’s total price.');
  }
  const lines = setup.priceLines ?? [];
  if (prices.length > 0) {
    for (const b of setup.bids) {
      if (lines.length > 0 && linesTotal(lines, b.linePrices) === null) {
        problems.push(
          `Price every line of ${b.bidder}’s bid: the price criterion scores its total.`,
        );
      } else if (b.price == null || !(b.price > 0)) {
        problems.push(`Give the price of ${b.bidder}’s bid: the price criterion scores it.`);
      }
    }
  } else if (lines.length > 0) {
    problems.push('Price lines are for a price criterion. Add one, or remove the lines.');
  }
  // Each criterion needs someone to score it, and each scorer something to score.
  const roles = new Set(panel.map((m) => m.panelRole));
  for (const c of setup.criteria) {
    if (c.scale !== 'price' && !criterionGroups(c).some((g) => roles.has(g))) {
      const groups = criterionGroups(c).map((g) => scoringGroupLabels[g].toLowerCase());
      problems.push(
        `Nobody on the panel scores “${c.title}”: it is scored by ${groups.join(' or ')}. Add one to the panel, or choose who scores it.`,
      );
    }
  }
  for (const g of scoringPanelRoles) {
    if (
      roles.has(g) &&
      setup.criteria.length > 0 &&
      !setup.criteria.some((c) => scoresCriterion(c, g))
    ) {
      problems.push(
        `${scoringGroupLabels[g]} are on the panel but score none of the criteria. Choose a criterion they score, or give them another panel role.`,
      );
    }
  }
  const chairs = panel.filter((m) => m.panelRole === 'chair').length;
  if (chairs === 0) problems.push('Choose a chair for the panel.');
  if (chairs > 1) problems.push('A panel has one chair. Give the others another role.');
  if (!panel.some((m) => isScoringRole(m.panelRole))) {
    problems.push('Add at least one evaluator, lay evaluator or finance evaluator to the panel.');
  }
  return problems;
}

/**
 * What is wrong with one entry against the set-up, in plain words, or null. With a panel
 * role: also whether that role scores the criterion (an agreed score is the panel's, so it
 * is checked without one).
 */
export function entryProblem(
  setup: EvaluationSetup,
  entry: ScoreEntry,
  role?: PanelRole | null,
): string | null {
  const criterion = setup.criteria.find((c) => c.id === entry.criterionId);
  // A criterion the role may not see is answered as if it were not there: not even its title.
  const unseen = criterion && role !== undefined && !seesCriterion(criterion, role);
  if (!criterion || unseen || !setup.bids.some((b) => b.id === entry.bidId)) {
    return 'That bid or criterion is not part of this evaluation. Reload the page.';
  }
  if (criterion.scale === 'price') {
    return `“${criterion.title}” is scored from the bids’ prices, so nobody scores it.`;
  }
  if (role !== undefined && !scoresCriterion(criterion, role)) {
    return `Your panel group does not score “${criterion.title}”. Score the criteria on your score sheet.`;
  }
  if (entry.kind === 'abstain') return null;
  const max = scaleMax(criterion.scale);
  if (!Number.isInteger(entry.score) || entry.score < 0 || entry.score > max) {
    return criterion.scale === 'pass_fail'
      ? 'Choose pass or fail.'
      : `Choose a score from 0 to ${max}.`;
  }
  return null;
}

/**
 * The bid and criterion pairs not yet scored or abstained on: by an evaluator in a panel
 * role (only the criteria that role scores), or without a role by the panel as a whole
 * (every criterion but price, which is calculated).
 */
export function missingEntries(
  setup: EvaluationSetup,
  entries: readonly ScoreEntry[],
  role?: PanelRole,
): { bidId: string; criterionId: string }[] {
  const done = new Set(entries.map((e) => `${e.bidId}\u0000${e.criterionId}`));
  const scored = setup.criteria.filter((c) =>
    role === undefined ? c.scale !== 'price' : scoresCriterion(c, role),
  );
  return setup.bids.flatMap((b) =>
    scored
      .filter((c) => !done.has(`${b.id}\u0000${c.id}`))
      .map((c) => ({ bidId: b.id, criterionId: c.id })),
  );
}

export interface CriterionResult {
  criterionId: string;
  /** The individual scores given (abstentions left out). */
  scores: number[];
  abstentions: number;
  /** Mean of the scores, or null if everyone abstained. */
  average: number | null;
  /** True when two scores differ by `wideDisagreement` levels or more (any split on pass/fail). */
  disagreement: boolean;
  /** True when the average is below the criterion's minimum (a pass/fail criterion: below a pass by most). */
  belowThreshold: boolean;
}

export interface BidResult {
  bidId: string;
  /** The bid's lot (null without lots): ranks are within a lot. */
  lotId: string | null;
  criteria: CriterionResult[];
  /** Weighted total out of 100: each scored criterion's average as a share of its weight. */
  total: number;
  /** Titles of the criteria whose threshold the bid failed. */
  failures: string[];
  /** Titles of the criteria nobody scored (all abstained): the total is incomplete. */
  unscored: string[];
  /** 1 for the highest total in its lot among complete bids without failures; null otherwise. */
  rank: number | null;
}

/**
 * Weighted totals and ranking from individual scores by the average method: the one
 * function both the server and the client use, so everyone sees the same figures.
 */
export function evaluationResults(
  setup: EvaluationSetup,
  entries: readonly ScoreEntry[],
): BidResult[] {
  const results = setup.bids.map((bid): BidResult => {
    const criteria = setup.criteria.map((criterion): CriterionResult => {
      if (criterion.scale === 'price') {
        const average = priceScore(setup.bids, bid);
        return {
          criterionId: criterion.id,
          scores: [],
          abstentions: 0,
          average,
          disagreement: false,
          belowThreshold: false,
        };
      }
      const mine = entries.filter((e) => e.bidId === bid.id && e.criterionId === criterion.id);
      const scores = mine.flatMap((e) => (e.kind === 'score' ? [e.score] : []));
      const average =
        scores.length > 0 ? scores.reduce((sum, s) => sum + s, 0) / scores.length : null;
      const spread = scores.length > 0 ? Math.max(...scores) - Math.min(...scores) : 0;
      const threshold = criterion.scale === 'pass_fail' ? 0.5 : criterion.threshold;
      return {
        criterionId: criterion.id,
        scores,
        abstentions: mine.length - scores.length,
        average,
        disagreement: criterion.scale === 'pass_fail' ? spread > 0 : spread >= wideDisagreement,
        belowThreshold: threshold !== null && average !== null && average < threshold,
      };
    });
    const total = setup.criteria.reduce((sum, criterion, i) => {
      const average = criteria[i]?.average;
      if (criterion.scale === 'pass_fail' || average == null) return sum;
      return sum + (criterion.weight * average) / scaleMax(criterion.scale);
    }, 0);
    const failures = setup.criteria
      .filter((_, i) => criteria[i]?.belowThreshold)
      .map((c) => c.title);
    // A criterion with no score would count as 0 and skip its minimum: such a bid is not
    // ranked until the panel agrees a score for it.
    const unscored = setup.criteria
      .filter((_, i) => criteria[i]?.average == null)
      .map((c) => c.title);
    return {
      bidId: bid.id,
      lotId: bid.lotId ?? null,
      criteria,
      total: Math.round(total * 100) / 100,
      failures,
      unscored,
      rank: null,
    };
  });
  // Each lot is ranked on its own.
  for (const lot of new Set(results.map((r) => r.lotId))) {
    const ranked = results
      .filter((r) => r.lotId === lot && r.failures.length === 0 && r.unscored.length === 0)
      .sort((a, b) => b.total - a.total);
    // Equal totals share a rank (1, 1, 3), as a published ranking would show them.
    ranked.forEach((r, i) => {
      const previous = ranked[i - 1];
      r.rank = previous && previous.total === r.total ? previous.rank : i + 1;
    });
  }
  return results;
}

/**
 * What is wrong with an agreed score, in plain words, or null (rule 4: an agreed score that
 * differs from every individual score needs a reason).
 */
export function agreedScoreProblem(
  setup: EvaluationSetup,
  entries: readonly ScoreEntry[],
  agreed: AgreedScore,
): string | null {
  const problem = entryProblem(setup, { ...agreed, kind: 'score' });
  if (problem) return problem;
  const individual = entries.flatMap((e) =>
    e.bidId === agreed.bidId && e.criterionId === agreed.criterionId && e.kind === 'score'
      ? [e.score]
      : [],
  );
  if (!individual.includes(agreed.score) && !agreed.reason?.trim()) {
    if (individual.length === 0) {
      return 'No evaluator scored this (all abstained). Give the reason the panel agreed this score.';
    }
    const given = [...individual].sort((a, b) => a - b).join(', ');
    return `The agreed score ${agreed.score} differs from every individual score (${given}). Give the reason the panel agreed it.`;
  }
  return null;
}

/**
 * The results that count under the published method, or null while they are not settled:
 * by consensus, once the panel has agreed a score for every bid and criterion; by
 * average, the individual scores' averages.
 */
export function methodResults(
  setup: EvaluationSetup,
  entries: readonly ScoreEntry[],
  agreed: readonly AgreedScore[],
): BidResult[] | null {
  if (evaluationMethod(setup) === 'average') return evaluationResults(setup, entries);
  const complete =
    missingEntries(
      setup,
      agreed.map((a) => ({ ...a, kind: 'score' as const })),
    ).length === 0;
  return complete ? agreedResults(setup, agreed) : null;
}

/** Results from the agreed scores: the same arithmetic as from individual scores. */
export function agreedResults(setup: EvaluationSetup, agreed: readonly AgreedScore[]): BidResult[] {
  return evaluationResults(
    setup,
    agreed.map((a) => ({
      bidId: a.bidId,
      criterionId: a.criterionId,
      kind: 'score',
      score: a.score,
      rationale: a.rationale,
    })),
  );
}
