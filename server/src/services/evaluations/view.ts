/**
 * What each person may see of an evaluation. Rule 1 (no evaluator sees another's scores
 * before moderation) holds by construction: individual scores are stored apart from the
 * shared Yjs document, so no socket ever carries them, and the view returns only the
 * caller's own until moderation opens.
 */
import {
  type AgreedScore,
  agreedResults,
  type BidResult,
  type Declaration,
  declaredClear,
  evaluationResults,
  isScoringRole,
  missingEntries,
  type PanelMember,
  type PanelRole,
  type ScoreEntry,
  scoresRevealed,
  setupProblems,
} from '@chorus/shared';
import type {
  DocumentRecord,
  EvaluationRecord,
  ModerationRound,
  Storage,
} from '../../storage/types.ts';
import { checkDocumentAccess } from '../access.ts';
import {
  type EvaluationActor,
  forPanel,
  isManager,
  panelRoleOf,
  revealedEntries,
} from './guards.ts';

export interface EvaluationView {
  evaluation: EvaluationRecord & {
    panel: (PanelMember & { name: string })[];
    /** Who has submitted: names only, never what they scored. */
    submitted: string[];
    /** Declarations of interests: the panel's register, with any exception and its mitigation. */
    declarations: (Declaration & { name: string })[];
    problems: string[];
  };
  me: {
    userId: string;
    panelRole: PanelRole | null;
    canManage: boolean;
    canScore: boolean;
    submitted: boolean;
    /** Declared, and with no conflict or the chair's exception: may score and see scores. */
    clear: boolean;
  };
  myEntries: ScoreEntry[];
  /** Everyone's individual scores and the results: only once moderation has opened. */
  moderation: {
    entries: (ScoreEntry & { userId: string })[];
    results: BidResult[];
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
    /** From the agreed scores, once every bid has one for every criterion; else null. */
    agreedResults: BidResult[] | null;
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
  const submissions = await storage.evaluations.submissions(document.id);
  const canManage = isManager(evaluation, actor);
  const declarations = await storage.evaluations.declarations(document.id);
  const clear = declaredClear(declarations.find((d) => d.userId === actor.userId));
  // A panel member who has not declared, or declared a conflict the chair has not allowed,
  // sees no one's scores. Owners outside the panel follow the evaluation as its owners.
  const mayReadScores = panelRole === null || clear;
  const moderation =
    scoresRevealed(evaluation.state) && mayReadScores
      ? await moderationOf(storage, evaluation, nameOf)
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
      panel: evaluation.panel.map((m) => ({
        ...m,
        name: nameOf.get(m.userId) ?? 'A former member',
      })),
      submitted: submissions.map((s) => s.userId),
      declarations: declarations.map((d) => ({
        ...d,
        name: nameOf.get(d.userId) ?? 'A former member',
      })),
      problems: setupProblems(evaluation.setup, evaluation.panel),
    },
    me: {
      userId: actor.userId,
      panelRole,
      canManage,
      canScore: isScoringRole(panelRole) && evaluation.state === 'scoring' && clear,
      submitted: submissions.some((s) => s.userId === actor.userId),
      clear,
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

/** Everything moderation shows; only ever called once the scores are revealed. */
export async function moderationOf(
  storage: Storage,
  evaluation: EvaluationRecord,
  nameOf: ReadonlyMap<string, string>,
): Promise<NonNullable<EvaluationView['moderation']>> {
  const entries = await revealedEntries(storage, evaluation.documentId);
  const agreed = await storage.evaluations.agreedScores(evaluation.documentId);
  const earlier = await storage.evaluations.agreedScores(evaluation.documentId, {
    earlierRounds: true,
  });
  const rounds = await storage.evaluations.rounds(evaluation.documentId);
  const named = (id: string) => nameOf.get(id) ?? 'A former member';
  const complete =
    missingEntries(
      evaluation.setup,
      agreed.map((a) => ({ ...a, kind: 'score' as const })),
    ).length === 0;
  return {
    entries,
    results: evaluationResults(evaluation.setup, entries),
    agreed: agreed.map((a) => ({ ...a, agreedByName: named(a.agreedBy) })),
    earlier: earlier.map((a) => ({ ...a, agreedByName: named(a.agreedBy) })),
    rounds: rounds.map((r) => ({ ...r, startedByName: named(r.startedBy) })),
    agreedResults: complete ? agreedResults(evaluation.setup, agreed) : null,
  };
}
