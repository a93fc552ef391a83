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
 * A priority's or a decision's links to the pieces of evidence behind it. Each link is a
 * child element of the priority or decision (`evidenceLink`) holding the piece's `uid` in
 * its `piece` attribute, so two people ticking different pieces at once add two children
 * and both stay, and someone unticking one piece removes only that piece's child. (One
 * attribute holding every link kept only the last writer's list.)
 */
export const EVIDENCE_LINK_NODE = 'evidenceLink';
export const EVIDENCE_LINK_PIECE = 'piece';

/**
 * Where the links were kept before they were children: the pieces' uids, separated by
 * spaces, in one attribute of the priority or decision. Documents stored then still show
 * them: they are read along with the children, and the first tick or untick of that
 * priority or decision moves them into children and empties the attribute (`linkEdit`).
 * Read as well as moved, rather than moved when the document opens, so that reading a
 * document never writes to it (a viewer cannot, and every editor opening it at once
 * would each move them).
 */
export const EVIDENCE_LINKS_FIELD = 'evidenceLinks';

/** The most pieces one priority or decision links to. */
export const MAX_LINKS = 50;
const UID = /^[A-Za-z0-9_-]{1,64}$/;
const isUid = (value: unknown): value is string => typeof value === 'string' && UID.test(value);

/** The uids in the old attribute, each once; anything that is not a uid is ignored. */
export function parseLinks(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return [...new Set(value.split(/\s+/).filter(isUid))].slice(0, MAX_LINKS);
}

/** A priority's or decision's links as stored. */
export interface StoredLinks {
  /** The old attribute (`EVIDENCE_LINKS_FIELD`), as stored. */
  legacy: unknown;
  /** Each child's `piece` attribute, in order (null for a child that is not a link). */
  children: readonly unknown[];
}

/**
 * The linked pieces' uids, each once, in the order they were linked (those in the old
 * attribute first), at most 50; anything that is not a uid is ignored. Two people
 * ticking the same piece at once make two children for it: it is one link.
 */
export function linksOf(stored: StoredLinks): string[] {
  const uids = [...parseLinks(stored.legacy), ...stored.children.filter(isUid)];
  return [...new Set(uids)].slice(0, MAX_LINKS);
}

/** The changes to a priority's or decision's children that tick or untick one piece. */
export interface LinkEdit {
  /** The children to remove, by index: every one linking the unticked piece. */
  remove: number[];
  /** Pieces to link, each with a new child added after the others, in this order. */
  add: string[];
  /** Whether the old attribute is emptied (its links are in `add`, bar an unticked one). */
  clearLegacy: boolean;
}

/**
 * What ticking (`linked`) or unticking a piece changes, or null when nothing does: it is
 * already so, the uid is not one, or 50 pieces are linked already. Links still in the old
 * attribute move into children in the same change, so that from then on each link is
 * its own child (two people doing this at once make two children for a piece: one link).
 */
export function linkEdit(stored: StoredLinks, uid: string, linked: boolean): LinkEdit | null {
  if (!isUid(uid)) return null;
  const current = linksOf(stored);
  if (current.includes(uid) === linked) return null;
  if (linked && current.length >= MAX_LINKS) return null;
  const inChildren = new Set(stored.children.filter(isUid));
  const moved = parseLinks(stored.legacy).filter(
    (u) => u !== uid && current.includes(u) && !inChildren.has(u),
  );
  const remove = linked ? [] : stored.children.flatMap((piece, i) => (piece === uid ? [i] : []));
  return {
    remove,
    add: linked ? [...moved, uid] : moved,
    clearLegacy: typeof stored.legacy === 'string' && stored.legacy !== '',
  };
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
  links: readonly string[],
  pieces: readonly T[],
): { linked: T[]; removed: number } {
  const byUid = new Map(pieces.map((p) => [p.uid, p]));
  const linked = links.map((uid) => byUid.get(uid)).filter((p): p is T => p !== undefined);
  return { linked, removed: links.length - linked.length };
}
