/**
 * Clarification questions to bidders and their answers, from the start of scoring until
 * sign-off: the record of what each bidder was asked and said, with who and when.
 */
import {
  type ClarificationAnswerInput,
  type ClarificationQuestionInput,
  ErrorId,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type {
  ClarificationAnswerRecord,
  ClarificationRecord,
  DocumentRecord,
  Storage,
} from '../../storage/types.ts';
import { bidsFor, clarifying, noSuchBid } from './bidDocuments.ts';
import { type AuditOf, conflict, type EvaluationActor, entries } from './guards.ts';

const notNow = (state: string) =>
  conflict(
    state === 'setup'
      ? 'Clarification questions open when scoring starts and the bids are fixed.'
      : 'The evaluation has been signed off, so no more clarifications can be recorded. To change the outcome, the chair reopens it as a new moderation round.',
  );

const noSuchQuestion = () =>
  new AppError(
    ErrorId.notFound,
    'That clarification question is not one of this bid’s. Reload the page.',
  );

/** A panel member who may see the bids (or an owner following the evaluation) asks a bidder. */
export async function askClarification(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  bidId: string,
  input: ClarificationQuestionInput,
  /** The audit entry, written with the question in one transaction. */
  audit: AuditOf = () => null,
): Promise<ClarificationRecord> {
  const { evaluation, requireSeen } = await bidsFor(storage, document, actor);
  if (!clarifying(evaluation.state)) throw notNow(evaluation.state);
  if (!evaluation.setup.bids.some((b) => b.id === bidId)) throw noSuchBid();
  requireSeen(bidId);
  const record: ClarificationRecord = {
    id: newId(),
    documentId: document.id,
    bidId,
    question: input.question,
    askedBy: actor.userId,
    askedAt: Date.now(),
  };
  // Ids only: the question is read in the evaluation, by those who may see the bids.
  const logged = audit({ bidId, clarificationId: record.id });
  switch (await storage.bids.ask(record, { audit: entries(logged) })) {
    case 'saved':
      return record;
    case 'closed':
      throw notNow((await storage.evaluations.get(document.id))?.state ?? 'setup');
    case 'no_bid':
      throw noSuchBid();
  }
}

/** A calendar day (YYYY-MM-DD) of a moment, as in UTC. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Time zones run 14 hours either side of UTC: a day someone gives is checked with that slack. */
const ZONE_SLACK_MS = 14 * 60 * 60 * 1000;

/**
 * The chair or an owner records a bidder's answer and the day it came. Correcting it adds
 * the new text with the reason; the earlier text stays on record and in view.
 */
export async function recordClarificationAnswer(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  bidId: string,
  clarificationId: string,
  input: ClarificationAnswerInput,
  /** The audit entry, written with the answer in one transaction. */
  audit: AuditOf = () => null,
): Promise<ClarificationAnswerRecord> {
  const { evaluation, manager, requireSeen } = await bidsFor(storage, document, actor);
  requireSeen(bidId);
  if (!manager) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair or an owner of the document records bidders’ answers. Send the answer to the chair.',
    );
  }
  if (!clarifying(evaluation.state)) throw notNow(evaluation.state);
  const question = (await storage.bids.clarifications(document.id)).find(
    (q) => q.id === clarificationId && q.bidId === bidId,
  );
  if (!question) throw noSuchQuestion();
  const now = Date.now();
  if (input.receivedOn > dayOf(now + ZONE_SLACK_MS)) {
    throw new AppError(
      ErrorId.badRequest,
      'The date the answer came is in the future. Give the day the bidder’s answer arrived.',
      { receivedOn: 'The date the answer came is in the future.' },
    );
  }
  if (input.receivedOn < dayOf(question.askedAt - ZONE_SLACK_MS)) {
    throw new AppError(
      ErrorId.badRequest,
      `The answer cannot have come before the question was asked (${dayOf(question.askedAt)}). Check the date.`,
      { receivedOn: 'The answer cannot have come before the question was asked.' },
    );
  }
  const record: ClarificationAnswerRecord = {
    id: newId(),
    clarificationId,
    documentId: document.id,
    answer: input.answer,
    receivedOn: input.receivedOn,
    reason: input.replaces === null ? '' : input.reason,
    recordedBy: actor.userId,
    recordedAt: now,
  };
  const logged = audit({
    bidId,
    clarificationId,
    answerId: record.id,
    receivedOn: record.receivedOn,
    correction: input.replaces !== null,
    ...(input.replaces !== null ? { replaces: input.replaces, reason: record.reason } : {}),
  });
  switch (await storage.bids.answer(record, input.replaces, { audit: entries(logged) })) {
    case 'saved':
      return record;
    case 'closed':
      throw notNow((await storage.evaluations.get(document.id))?.state ?? 'setup');
    case 'missing':
      throw noSuchQuestion();
    case 'stale':
      throw conflict(
        'Someone recorded or corrected this answer since you loaded the page. Reload to see it; copy your text first if you need it.',
      );
  }
}
