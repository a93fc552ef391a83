/** Individual scoring: one's own scores, submitting them, and opening moderation (rules 2, 3). */
import {
  ErrorId,
  entryProblem,
  isScoringRole,
  mayJudgeBid,
  missingEntries,
  type ScoreEntry,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import {
  type AuditOf,
  conflict,
  type EvaluationActor,
  entries,
  forPanel,
  keptOutOfAll,
  panelRoleOf,
  requireBid,
  requireChair,
  requireTakingPart,
  stageMoved,
} from './guards.ts';

/** Saves one of the caller's own scores or abstentions. */
export async function putScoreEntry(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  entry: ScoreEntry,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  const role = panelRoleOf(evaluation, actor.userId);
  if (!isScoringRole(role)) {
    throw new AppError(
      ErrorId.forbidden,
      'Your panel role does not score. Evaluators, lay evaluators and finance evaluators score.',
    );
  }
  const declaration = await requireTakingPart(storage, evaluation, actor.userId);
  requireBid(evaluation, declaration, entry.bidId);
  // Only the criteria the caller's group scores: lay evaluators do not score price, say.
  const problem = entryProblem(evaluation.setup, entry, role);
  if (problem) throw new AppError(ErrorId.badRequest, problem);
  const saved = await storage.evaluations.putEntry(document.id, actor.userId, entry, Date.now());
  if (saved === 'closed') {
    throw conflict(
      evaluation.state === 'setup'
        ? 'Scoring has not started yet. The chair starts it once the set-up is complete.'
        : 'Moderation has opened, so individual scores are frozen.',
    );
  }
  if (saved === 'submitted') {
    throw conflict('You have submitted your scores, so they can no longer change.');
  }
}

/** Submits the caller's scores once every bid and criterion has a score or an abstention. */
export async function submitScores(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  /** The audit entry, written with the submission in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  const role = panelRoleOf(evaluation, actor.userId);
  if (!isScoringRole(role)) {
    throw new AppError(
      ErrorId.forbidden,
      'Your panel role does not score, so there is nothing to submit.',
    );
  }
  const declaration = await requireTakingPart(storage, evaluation, actor.userId);
  // Every bid but those of lots their declared conflict keeps them out of.
  const theirs = {
    ...evaluation.setup,
    bids: evaluation.setup.bids.filter((b) => mayJudgeBid(evaluation.setup, declaration, b)),
  };
  const missing = missingEntries(
    theirs,
    await storage.evaluations.entries(document.id, actor.userId),
    role,
  );
  if (missing.length > 0) {
    throw new AppError(
      ErrorId.badRequest,
      `Score or abstain on every criterion for every bid before you submit: ${missing.length} still ${missing.length === 1 ? 'needs' : 'need'} an answer.`,
    );
  }
  // Who submitted, never what: the audit log is readable by the workspace's owners.
  const logged = audit();
  if (
    !(await storage.evaluations.submit(document.id, actor.userId, Date.now(), {
      audit: entries(logged),
    }))
  ) {
    throw conflict('Scoring is not open, so there is nothing to submit.');
  }
}

/**
 * Opens moderation (rule 2): only when every scoring member has submitted, unless the
 * chair records why it cannot wait. Individual scores freeze from then on (rule 3).
 */
export async function openModeration(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  overrideReason: string | undefined,
  /** The audit entry, written with the move in one transaction. */
  audit: AuditOf = () => null,
): Promise<{ waitedFor: number }> {
  const evaluation = await forPanel(storage, document, actor);
  await requireChair(storage, evaluation, actor, 'open moderation');
  if (evaluation.state !== 'scoring') {
    throw conflict(
      evaluation.state === 'setup'
        ? 'Scoring has not started yet, so there is nothing to moderate.'
        : 'Moderation is already open.',
    );
  }
  const submitted = new Set(
    (await storage.evaluations.submissions(document.id)).map((s) => s.userId),
  );
  // A member kept out by a declared conflict is not waited for: they cannot score.
  // (A conflict with some lots only still leaves them others to score.)
  const declarations = new Map(
    (await storage.evaluations.declarations(document.id)).map((d) => [d.userId, d]),
  );
  const waitedFor = evaluation.panel.filter(
    (m) =>
      isScoringRole(m.panelRole) &&
      !submitted.has(m.userId) &&
      !(declarations.has(m.userId) && keptOutOfAll(evaluation, declarations.get(m.userId))),
  ).length;
  const reason = overrideReason?.trim() || null;
  if (waitedFor > 0 && !reason) {
    throw new AppError(
      ErrorId.badRequest,
      `${waitedFor} ${waitedFor === 1 ? 'evaluator has' : 'evaluators have'} not submitted yet. Wait for them, or give the reason moderation cannot wait (it is recorded).`,
    );
  }
  const opened = await storage.evaluations.transition(
    document.id,
    'scoring',
    'moderation',
    Date.now(),
    {
      overrideReason: waitedFor > 0 ? reason : null,
      ifUpdatedAt: evaluation.updatedAt,
      audit: entries(
        audit(waitedFor > 0 ? { overrideReason: reason, notSubmitted: waitedFor } : {}),
      ),
    },
  );
  if (!opened) throw stageMoved();
  return { waitedFor };
}
