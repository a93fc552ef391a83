/** Moderation: agreed scores (rule 4), rounds (rule 5), sign-off and corrections (rule 7). */
import {
  type AgreedScore,
  agreedScoreProblem,
  declarationOutdated,
  ErrorId,
  evaluationMethod,
  missingEntries,
  moderatingPanelRoles,
  seesCriterion,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import {
  type AuditOf,
  conflict,
  type EvaluationActor,
  entries,
  forPanel,
  panelRoleOf,
  requireBid,
  requireChair,
  requireTakingPart,
  revealedEntries,
  stageMoved,
} from './guards.ts';

/** Records the panel's agreed score for one bid and criterion (rule 4), during moderation. */
export async function recordAgreedScore(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  agreed: AgreedScore,
  /** When the agreed score being replaced was saved, as the caller last saw it (null: none). */
  basedOn: number | null,
  /** The audit entry, written with the agreed score in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  const role = panelRoleOf(evaluation, actor.userId);
  if (role === null || !moderatingPanelRoles.includes(role)) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair, the facilitator and the evaluators record agreed scores.',
    );
  }
  const declaration = await requireTakingPart(storage, evaluation, actor.userId);
  requireBid(evaluation, declaration, agreed.bidId);
  if (evaluation.state !== 'moderation') {
    throw conflict(
      evaluation.state === 'signed_off'
        ? 'The evaluation has been signed off, so agreed scores can no longer change.'
        : 'Agreed scores are recorded in moderation, which has not opened yet.',
    );
  }
  if (evaluationMethod(evaluation.setup) === 'average') {
    throw conflict(
      'This evaluation’s published method is the average of the individual scores, so the panel discusses them but records no agreed score.',
    );
  }
  const criterion = evaluation.setup.criteria.find((c) => c.id === agreed.criterionId);
  if (criterion && !seesCriterion(criterion, role)) {
    // Nor may they learn it exists: the same words as for a criterion not in the set-up.
    throw new AppError(
      ErrorId.badRequest,
      'That bid or criterion is not part of this evaluation. Reload the page.',
    );
  }
  const problem = agreedScoreProblem(
    evaluation.setup,
    await revealedEntries(storage, evaluation),
    agreed,
  );
  if (problem) throw new AppError(ErrorId.badRequest, problem);
  // Ids only: owners read the audit log, and not every owner may see scores.
  const logged = audit({ bidId: agreed.bidId, criterionId: agreed.criterionId });
  const saved = await storage.evaluations.putAgreed(
    document.id,
    { ...agreed, reason: agreed.reason?.trim() || null },
    actor.userId,
    Date.now(),
    basedOn,
    { audit: entries(logged) },
  );
  if (saved === 'closed') throw stageMoved();
  if (saved === 'stale') {
    throw conflict(
      'Someone else saved an agreed score for this since you loaded it. Reload the page to see theirs; what you typed stays in the form until you do.',
    );
  }
}

/** The chair signs off (rule 7): only once every bid has an agreed score for every criterion. */
export async function signOff(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  /** The audit entry, written with the move in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  await requireChair(storage, evaluation, actor, 'sign off');
  if (evaluation.state !== 'moderation') {
    throw conflict(
      evaluation.state === 'signed_off'
        ? 'The evaluation is already signed off.'
        : 'Sign-off comes after moderation, which has not opened yet.',
    );
  }
  const { setup, namesRevealedAt } = evaluation;
  if (setup.anonymous) {
    // The result must rest on declarations made with the bidders' names.
    if (namesRevealedAt === null) {
      throw conflict(
        'Reveal the bidders’ names before signing off: everyone on the panel then declares again with them, so the result rests on declarations made with the names.',
      );
    }
    const scorers = new Set((await revealedEntries(storage, evaluation)).map((e) => e.userId));
    const declarations = await storage.evaluations.declarations(document.id);
    const behind = [...scorers].filter((id) =>
      declarationOutdated(
        setup,
        namesRevealedAt,
        declarations.find((d) => d.userId === id),
      ),
    ).length;
    if (behind > 0) {
      throw conflict(
        `${behind} ${behind === 1 ? 'evaluator whose scores count has' : 'evaluators whose scores count have'} not declared again since the names were revealed. Ask them to, then sign off.`,
      );
    }
  }
  // By average, the averages are the result: there is nothing for the panel to agree.
  const missing =
    evaluationMethod(evaluation.setup) === 'average'
      ? []
      : missingEntries(
          evaluation.setup,
          (await storage.evaluations.agreedScores(document.id)).map((a) => ({
            ...a,
            kind: 'score' as const,
          })),
        );
  if (missing.length > 0) {
    throw new AppError(
      ErrorId.badRequest,
      `Agree a score for every criterion of every bid before signing off: ${missing.length} still ${missing.length === 1 ? 'needs' : 'need'} one.`,
    );
  }
  if (
    // Only if nothing moved meanwhile (a new round, a new chair): completeness was checked
    // against this read.
    !(await storage.evaluations.transition(document.id, 'moderation', 'signed_off', Date.now(), {
      ifUpdatedAt: evaluation.updatedAt,
      audit: entries(audit()),
    }))
  ) {
    throw stageMoved();
  }
}

/**
 * The chair starts another moderation round: after clarification questions (rule 5), or
 * to correct a signed-off evaluation (rule 7), which returns to moderation. Earlier rounds'
 * agreed scores are kept; individual scores stay frozen; the reason is recorded.
 */
export async function startModerationRound(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  reason: string,
  /** The audit entry, written with the new round in one transaction. */
  audit: AuditOf = () => null,
): Promise<{ round: number; correction: boolean }> {
  const evaluation = await forPanel(storage, document, actor);
  await requireChair(storage, evaluation, actor, 'start another moderation round');
  const round = await storage.evaluations.startRound(
    document.id,
    reason,
    actor.userId,
    Date.now(),
    {
      ifUpdatedAt: evaluation.updatedAt,
      // The round's number and whether it corrects a sign-off, as the write stored them.
      audit: (started) =>
        entries(audit({ round: started.round, reason, correction: started.afterSignOff })),
    },
  );
  if (round === null) {
    throw evaluation.state === 'moderation' || evaluation.state === 'signed_off'
      ? stageMoved()
      : conflict('Another round can start once moderation has opened.');
  }
  return { round, correction: evaluation.state === 'signed_off' };
}
