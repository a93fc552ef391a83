/**
 * What each person may see of an evaluation. Rule 1 (no evaluator sees another's scores
 * before moderation) holds by construction: individual scores are stored apart from the
 * shared Yjs document, so no socket ever carries them, and the view returns only the
 * caller's own until moderation opens.
 */
import {
  type AgreedScore,
  type BidResult,
  blockedLots,
  type CriterionResult,
  type Declaration,
  type DeclarationMade,
  type EvaluationSetup,
  evaluationResults,
  isScoringRole,
  methodResults,
  namesHidden,
  type PanelMember,
  type PanelRole,
  type ScoreEntry,
  scoresRevealed,
  seesEveryCriterion,
  setupProblems,
  visibleSetup,
  withoutBidderNames,
  withoutPrices,
} from '@chorus/shared';
import type {
  DocumentRecord,
  EvaluationRecord,
  ModerationRound,
  Storage,
} from '../../storage/types.ts';
import { checkDocumentAccess } from '../access.ts';
import {
  declarationOf,
  type EvaluationActor,
  forPanel,
  isManager,
  keptOutOfAll,
  panelRoleOf,
  revealedEntries,
  seesWhole,
} from './guards.ts';

export interface EvaluationView {
  evaluation: EvaluationRecord & {
    panel: (PanelMember & { name: string })[];
    /** Who has submitted: names only, never what they scored. */
    submitted: string[];
    /**
     * Declarations of interests: the panel's register, each member's current one with any
     * exception and its mitigation, and `history`, every one they made (oldest first, the
     * current one last), for the record.
     */
    declarations: (Declaration & { name: string; history: DeclarationMade[] })[];
    problems: string[];
  };
  me: {
    userId: string;
    panelRole: PanelRole | null;
    canManage: boolean;
    canScore: boolean;
    /** False for a scorer whose group is kept from some criteria (price, say). */
    seesEverything: boolean;
    submitted: boolean;
    /**
     * Declared, and not kept out of every lot by a conflict without the chair's exception:
     * may score and see scores (of the lots not in `blockedLots`).
     */
    clear: boolean;
    /** Lots a declared conflict keeps the caller out of ('' for an evaluation without lots). */
    blockedLots: string[];
    /** The bidders' names were revealed after the caller declared: they declare again. */
    mustDeclareAgain: boolean;
  };
  myEntries: ScoreEntry[];
  /**
   * Everyone's individual scores and the results: only once moderation has opened, and
   * only on the criteria the caller sees.
   */
  moderation: {
    entries: (ScoreEntry & { userId: string })[];
    /** Each bid's figures per criterion the caller sees, in the order of the set-up's criteria. */
    criterionResults: { bidId: string; criteria: CriterionResult[] }[];
    /**
     * Totals and ranking from the individual scores' averages; null for someone who does not
     * see every criterion, since the totals would tell them what they may not see.
     */
    results: BidResult[] | null;
    agreed: (AgreedScore & {
      round: number;
      agreedBy: string;
      agreedByName: string;
      agreedAt: number;
    })[];
    /** Agreed scores of earlier moderation rounds, kept for the record. */
    earlier: (AgreedScore & { round: number; agreedByName: string; agreedAt: number })[];
    /** Why each round after the first was started, and by whom. */
    rounds: (ModerationRound & { startedByName: string })[];
    /**
     * The result under the published method: by consensus from the agreed scores once every
     * bid has one for every criterion, by average from the averages; else null (and null for
     * someone who does not see every criterion).
     */
    finalResults: BidResult[] | null;
  } | null;
  /** Members who can open the document, to choose the panel from (managers, at set-up). */
  candidates: { userId: string; name: string }[];
}

/** What the caller may see of the evaluation now. */
export async function evaluationView(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
): Promise<EvaluationView> {
  const evaluation = await forPanel(storage, document, actor);
  const members = await storage.workspaces.listMembers(document.workspaceId);
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const panelRole = panelRoleOf(evaluation, actor.userId);
  // Those who set it up and run it see all of it; anyone who scores sees what their group
  // sees, an owner on the panel as an evaluator included (see `seesWhole`).
  const whole = seesWhole(evaluation, actor);
  const seenAs = whole ? null : panelRole;
  const submissions = await storage.evaluations.submissions(document.id);
  const canManage = isManager(evaluation, actor);
  const declarations = await storage.evaluations.declarations(document.id);
  // Everyone who sees the register sees what each member declared before, as they see the
  // current declaration: it is the same register, over time.
  const history = await storage.evaluations.declarationHistory(document.id);
  const { declaration: mine, outdated } = await declarationOf(storage, evaluation, actor.userId);
  const clear = mine !== undefined && !keptOutOfAll(evaluation, mine);
  const hidden = !whole && namesHidden(evaluation.setup, evaluation.namesRevealedAt);
  // Owners outside the panel declare nothing: they answer for the whole procurement.
  const blocked = panelRole === null ? new Set<string>() : blockedLots(evaluation.setup, mine);
  // Prices come with a declaration, like everything else about the bids.
  const prices = whole || panelRole === null || mine !== undefined;
  const viewer: Viewer = { role: seenAs, blocked, hidden, prices };
  // A panel member who has not declared, or declared a conflict the chair has not allowed,
  // sees no one's scores. Owners outside the panel follow the evaluation as its owners.
  const mayReadScores = panelRole === null || clear;
  const moderation =
    scoresRevealed(evaluation.state) && mayReadScores
      ? await moderationOf(storage, evaluation, nameOf, viewer)
      : null;
  let candidates: EvaluationView['candidates'] = [];
  // At set-up the managers choose the panel from these; later an owner may need a new chair.
  const choosing =
    (canManage && evaluation.state === 'setup') ||
    (actor.permission === 'owner' && evaluation.state !== 'setup');
  if (choosing) {
    for (const m of members) {
      const access = await checkDocumentAccess(storage, m.userId, document.id, 'document.view');
      if (access.ok) candidates.push({ userId: m.userId, name: m.name });
    }
    candidates = candidates.sort((a, b) => a.name.localeCompare(b.name));
  }
  return {
    evaluation: {
      ...evaluation,
      setup: seenSetup(evaluation.setup, viewer),
      panel: evaluation.panel.map((m) => ({
        ...m,
        name: nameOf.get(m.userId) ?? 'A former member',
      })),
      submitted: submissions.map((s) => s.userId),
      declarations: declarations.map((d) => ({
        ...d,
        name: nameOf.get(d.userId) ?? 'A former member',
        history: history.filter((h) => h.userId === d.userId),
      })),
      // Set-up problems name every criterion and bid: they are for those who see it whole.
      problems: whole ? setupProblems(evaluation.setup, evaluation.panel) : [],
    },
    me: {
      userId: actor.userId,
      panelRole,
      canManage,
      canScore: isScoringRole(panelRole) && evaluation.state === 'scoring' && clear,
      seesEverything: seesEveryCriterion(evaluation.setup, seenAs) && blocked.size === 0,
      submitted: submissions.some((s) => s.userId === actor.userId),
      clear,
      blockedLots: [...blocked],
      mustDeclareAgain: outdated,
    },
    myEntries: isScoringRole(panelRole)
      ? (await storage.evaluations.entries(document.id, actor.userId)).map(
          ({ userId: _, ...entry }) => entry,
        )
      : [],
    moderation,
    candidates,
  };
}

/**
 * Whose view it is: the panel role (null: everything, as for the chair, the owners and the
 * exports; a group kept from a criterion gets none of its scores or figures) and the lots a
 * declared conflict keeps them out of (none of those bids' scores either).
 */
interface Viewer {
  role: PanelRole | null;
  blocked: ReadonlySet<string>;
  /** The bidders' names are hidden from this viewer (see `anonymous`). */
  hidden: boolean;
  /** False until a panel member has made a (current) declaration. */
  prices: boolean;
}
const everything: Viewer = { role: null, blocked: new Set(), hidden: false, prices: true };

/**
 * The set-up as a viewer sees it: their criteria, the bids of lots they may judge, and
 * "Bid A"... while the names are hidden from them.
 */
function seenSetup(setup: EvaluationSetup, viewer: Viewer): EvaluationSetup {
  const seen = visibleSetup(setup, viewer.role);
  // The pricing schedule goes with the prices (see `visibleSetup`).
  const { priceLines: _lines, ...unpriced } = seen;
  const visible = viewer.prices ? seen : { ...unpriced, bids: withoutPrices(seen.bids) };
  const named = viewer.hidden ? { ...visible, bids: withoutBidderNames(visible.bids) } : visible;
  if (viewer.blocked.size === 0) return named;
  return { ...named, bids: named.bids.filter((b) => !viewer.blocked.has(b.lotId ?? '')) };
}

/** Everything moderation shows; only ever called once the scores are revealed. */
export async function moderationOf(
  storage: Storage,
  evaluation: EvaluationRecord,
  nameOf: ReadonlyMap<string, string>,
  viewer: Viewer = everything,
): Promise<NonNullable<EvaluationView['moderation']>> {
  const { setup } = evaluation;
  const shown = seenSetup(setup, viewer);
  const seen = new Set(shown.criteria.map((c) => c.id));
  const seenBids = new Set(shown.bids.map((b) => b.id));
  const whole = seen.size === setup.criteria.length && seenBids.size === setup.bids.length;
  const entries = await revealedEntries(storage, evaluation);
  const agreed = await storage.evaluations.agreedScores(evaluation.documentId);
  const earlier = await storage.evaluations.agreedScores(evaluation.documentId, {
    earlierRounds: true,
  });
  const rounds = await storage.evaluations.rounds(evaluation.documentId);
  const named = (id: string) => nameOf.get(id) ?? 'A former member';
  const results = evaluationResults(setup, entries);
  const visible = <T extends { criterionId: string; bidId?: string }>(list: readonly T[]) =>
    list.filter((x) => seen.has(x.criterionId) && (x.bidId === undefined || seenBids.has(x.bidId)));
  return {
    entries: visible(entries),
    criterionResults: results
      .filter((r) => seenBids.has(r.bidId))
      .map((r) => ({ bidId: r.bidId, criteria: visible(r.criteria) })),
    results: whole ? results : null,
    agreed: visible(agreed).map((a) => ({ ...a, agreedByName: named(a.agreedBy) })),
    earlier: visible(earlier).map((a) => ({ ...a, agreedByName: named(a.agreedBy) })),
    rounds: rounds.map((r) => ({ ...r, startedByName: named(r.startedBy) })),
    finalResults: whole ? methodResults(setup, entries, agreed) : null,
  };
}
