/**
 * A service design's experience evidence (experience-based co-design): stories and quotes
 * from patients, carers and staff, with whether the person agreed to be quoted and whether
 * it is anonymised, and touchpoints of the journey marked positive or negative. Each piece
 * is a child element of the list in the Yjs document, so two people adding at once both
 * keep theirs, and each is credited to whoever added it.
 */
export const evidenceKinds = ['quote', 'story', 'touchpoint'] as const;
export type EvidenceKind = (typeof evidenceKinds)[number];

export const evidenceKindNames: Record<EvidenceKind, string> = {
  quote: 'Quote',
  story: 'Story',
  touchpoint: 'Touchpoint',
};

export const consentChoices = ['yes', 'no', 'unknown'] as const;
export type Consent = (typeof consentChoices)[number];

export const consentNames: Record<Consent, string> = {
  yes: 'Yes, they agreed to be quoted',
  no: 'No, they did not agree',
  unknown: 'Not asked yet',
};

export const feelings = ['positive', 'negative'] as const;
export type Feeling = (typeof feelings)[number];

export const evidenceFields = [
  'kind',
  'body',
  'source',
  'consent',
  'anonymised',
  'journeyStage',
  'feeling',
] as const;

export interface Evidence {
  kind: EvidenceKind;
  body: string;
  source: string;
  consent: Consent;
  anonymised: boolean;
  journeyStage: string;
  feeling: Feeling | '';
}

const oneOf = <T extends string>(list: readonly T[], value: unknown, fallback: T): T =>
  typeof value === 'string' && (list as readonly string[]).includes(value)
    ? (value as T)
    : fallback;

/** A stored piece read leniently: anything unknown falls back to the cautious choice. */
export function evidenceOf(attrs: Record<string, unknown>): Evidence {
  const text = (key: string) => (typeof attrs[key] === 'string' ? (attrs[key] as string) : '');
  return {
    kind: oneOf(evidenceKinds, attrs.kind, 'quote'),
    body: text('body'),
    source: text('source'),
    consent: oneOf(consentChoices, attrs.consent, 'unknown'),
    anonymised: attrs.anonymised === 'yes',
    journeyStage: text('journeyStage'),
    feeling: oneOf([...feelings, ''] as const, attrs.feeling, ''),
  };
}

/** What someone must know before using a quote or story outside the group, or null. */
export function consentWarning(e: Evidence): string | null {
  if (e.kind === 'touchpoint' || e.consent === 'yes') return null;
  if (e.consent === 'no') {
    return 'They did not agree to be quoted: use it to inform the design only, never in reports or presentations.';
  }
  return e.anonymised
    ? 'Consent not recorded yet: keep it within the group until they have been asked.'
    : 'Consent not recorded yet and not anonymised: keep it within the group, and anonymise it or ask them before it goes further.';
}

/** The evidence in words, for people who find lists of flags hard. */
export function describeEvidence(list: readonly Evidence[]): string {
  if (list.length === 0) return 'No evidence yet.';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const of = (k: EvidenceKind) => list.filter((e) => e.kind === k);
  const touchpoints = of('touchpoint');
  const parts = [
    count(of('quote').length, 'quote', 'quotes'),
    count(of('story').length, 'story', 'stories'),
    `${count(touchpoints.length, 'touchpoint', 'touchpoints')} (${touchpoints.filter((t) => t.feeling === 'positive').length} positive, ${touchpoints.filter((t) => t.feeling === 'negative').length} negative)`,
  ];
  const unconsented = list.filter((e) => consentWarning(e) !== null).length;
  const consent =
    unconsented === 0
      ? ''
      : ` ${count(unconsented, 'quote or story has', 'quotes or stories have')} no consent to be quoted.`;
  return `${count(list.length, 'piece', 'pieces')} of evidence: ${parts.join(', ')}.${consent}`;
}

/** Touchpoints grouped by journey stage, stages in the order they first appear. */
export function journeyOf<T extends Evidence>(
  list: readonly T[],
): { stage: string; touchpoints: T[] }[] {
  const stages = new Map<string, T[]>();
  for (const e of list) {
    if (e.kind !== 'touchpoint') continue;
    const stage = e.journeyStage.trim() || 'No stage given';
    stages.set(stage, [...(stages.get(stage) ?? []), e]);
  }
  return [...stages].map(([stage, touchpoints]) => ({ stage, touchpoints }));
}

/**
 * A priority's or a decision's links to the pieces of evidence behind it: the pieces'
 * `uid`s, separated by spaces, in one attribute (so a link is co-edited like any field).
 */
export const EVIDENCE_LINKS_FIELD = 'evidenceLinks';

const MAX_LINKS = 50;
const UID = /^[A-Za-z0-9_-]{1,64}$/;

/** The linked pieces' uids, each once; anything that is not a uid is ignored. */
export function parseLinks(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return [...new Set(value.split(/\s+/).filter((uid) => UID.test(uid)))].slice(0, MAX_LINKS);
}

/** The links with one piece linked or unlinked. */
export function withLink(value: unknown, uid: string, linked: boolean): string {
  const links = parseLinks(value).filter((u) => u !== uid);
  if (linked && UID.test(uid)) links.push(uid);
  return links.slice(0, MAX_LINKS).join(' ');
}

/** A piece named in one line, for a list to pick from: "Quote from Pat: “I waited…”". */
export function evidenceLabel(e: Evidence): string {
  const words = e.body.trim().replace(/\s+/g, ' ');
  const short = words.length > 80 ? `${words.slice(0, 79)}…` : words;
  const source = e.kind !== 'touchpoint' && e.source.trim() ? ` from ${e.source.trim()}` : '';
  const stage =
    e.kind === 'touchpoint' && e.journeyStage.trim() ? ` (${e.journeyStage.trim()})` : '';
  return `${evidenceKindNames[e.kind]}${source}${stage}: ${short ? `“${short}”` : 'not written yet'}`;
}

/** Which links still find their piece, and how many point at pieces since removed. */
export function resolveLinks<T extends { uid: string }>(
  value: unknown,
  pieces: readonly T[],
): { linked: T[]; removed: number } {
  const byUid = new Map(pieces.map((p) => [p.uid, p]));
  const links = parseLinks(value);
  const linked = links.map((uid) => byUid.get(uid)).filter((p): p is T => p !== undefined);
  return { linked, removed: links.length - linked.length };
}
