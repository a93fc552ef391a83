/** Who may act on an evaluation, and the checks every action shares. */
import {
  blockedLots,
  type Declaration,
  declarationOutdated,
  declaredClear,
  ErrorId,
  isScoringRole,
  lotIds,
  lotName,
  mayJudgeBid,
  namesHidden,
  type PanelRole,
  type Permission,
  scoresRevealed,
  seesEveryCriterion,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import type { AuditEntry, DocumentRecord, EvaluationRecord, Storage } from '../../storage/types.ts';

/** An evaluation not yet set up reads as an empty one at its first stage. */
export async function evaluationOf(
  storage: Storage,
  documentId: string,
): Promise<EvaluationRecord> {
  return (
    (await storage.evaluations.get(documentId)) ?? {
      documentId,
      state: 'setup',
      setup: { criteria: [], bids: [] },
      panel: [],
      updatedAt: 0,
      overrideReason: null,
      round: 1,
      namesRevealedAt: null,
    }
  );
}

export interface EvaluationActor {
  userId: string;
  /** The caller's effective permission on the document. */
  permission: Permission;
}

export const panelRoleOf = (e: EvaluationRecord, userId: string): PanelRole | null =>
  e.panel.find((m) => m.userId === userId)?.panelRole ?? null;

/** Owners of the document manage the evaluation with the chair. */
export const isManager = (e: EvaluationRecord, actor: EvaluationActor) =>
  actor.permission === 'owner' || panelRoleOf(e, actor.userId) === 'chair';

/**
 * Whether the caller sees the evaluation whole, as those who set it up and run it do: an
 * owner or the chair, unless they also score (an owner on the panel as a lay evaluator sees
 * what lay evaluators see once scoring starts; while setting up they see it all to set it up).
 */
export const seesWhole = (e: EvaluationRecord, actor: EvaluationActor): boolean =>
  isManager(e, actor) && (e.state === 'setup' || !isScoringRole(panelRoleOf(e, actor.userId)));

export function notProcurement(document: DocumentRecord): void {
  if (document.kind !== 'procurement_evaluation') {
    throw new AppError(
      ErrorId.notFound,
      'This document is not a procurement evaluation, so it has no scoring. Open a procurement evaluation instead.',
    );
  }
}

/** The panel and the document's owners see the evaluation; other readers of the document do not. */
export async function forPanel(storage: Storage, document: DocumentRecord, actor: EvaluationActor) {
  notProcurement(document);
  const evaluation = await evaluationOf(storage, document.id);
  if (panelRoleOf(evaluation, actor.userId) === null && actor.permission !== 'owner') {
    throw new AppError(
      ErrorId.forbidden,
      'Only the evaluation panel and the document’s owners can open its scoring. Ask the chair to add you to the panel.',
    );
  }
  return evaluation;
}

/**
 * The individual scores moderation works from: those of evaluators who submitted. Drafts of
 * someone who never submitted (moderation opened without them) are neither shown nor counted.
 */
export async function revealedEntries(storage: Storage, evaluation: EvaluationRecord) {
  const { documentId, setup } = evaluation;
  const submitted = new Set(
    (await storage.evaluations.submissions(documentId)).map((s) => s.userId),
  );
  // Someone who declared a conflict (even after submitting) counts only with an exception,
  // and only in the lots it concerns.
  const declarations = new Map(
    (await storage.evaluations.declarations(documentId)).map((d) => [d.userId, d]),
  );
  const bids = new Map(setup.bids.map((b) => [b.id, b]));
  return (await storage.evaluations.entries(documentId)).filter((e) => {
    const bid = bids.get(e.bidId);
    return (
      submitted.has(e.userId) &&
      bid !== undefined &&
      mayJudgeBid(setup, declarations.get(e.userId), bid)
    );
  });
}

/**
 * A member's declaration, unless it was made before the bidders' names were revealed in an
 * evaluation scored without them (then `outdated`: they declare again with the names).
 */
export async function declarationOf(
  storage: Storage,
  evaluation: EvaluationRecord,
  userId: string,
): Promise<{ declaration: Declaration | undefined; outdated: boolean }> {
  const found = (await storage.evaluations.declarations(evaluation.documentId)).find(
    (d) => d.userId === userId,
  );
  return declarationOutdated(evaluation.setup, evaluation.namesRevealedAt, found)
    ? { declaration: undefined, outdated: true }
    : { declaration: found, outdated: false };
}

export const declareAgain = () =>
  new AppError(
    ErrorId.forbidden,
    'The bidders’ names are now known. Make your declaration of interests again, with the names, before you go on.',
  );

/** Whether a declaration keeps its member out of every lot (or they have not declared). */
export const keptOutOfAll = (evaluation: EvaluationRecord, d: Declaration | undefined) =>
  d === undefined || blockedLots(evaluation.setup, d).size === lotIds(evaluation.setup).length;

/**
 * Refuses a panel member who has not declared, or whose declared conflict (without the
 * chair's exception) concerns every lot; returns their declaration. See `requireBid` for a
 * conflict with some lots.
 */
export async function requireTakingPart(
  storage: Storage,
  evaluation: EvaluationRecord,
  userId: string,
): Promise<Declaration> {
  const { declaration, outdated } = await declarationOf(storage, evaluation, userId);
  if (outdated) throw declareAgain();
  if (declaration && !keptOutOfAll(evaluation, declaration)) return declaration;
  throw new AppError(
    ErrorId.forbidden,
    declaration
      ? 'You declared a conflict of interest, so you cannot score or see scores unless the chair records an exception and how the conflict is mitigated.'
      : 'Make your declaration of interests and confidentiality first.',
  );
}

/** Refuses a bid in a lot the member's declared conflict keeps them out of. */
export function requireBid(
  evaluation: EvaluationRecord,
  declaration: Declaration,
  bidId: string,
): void {
  const bid = evaluation.setup.bids.find((b) => b.id === bidId);
  if (!bid || mayJudgeBid(evaluation.setup, declaration, bid)) return;
  throw new AppError(
    ErrorId.forbidden,
    `You declared a conflict of interest with the lot “${lotName(evaluation.setup, bid.lotId) ?? ''}”, so you cannot score or see the scores of its bids unless the chair records an exception.`,
  );
}

/** Refuses a panel member who has not declared, or declared a conflict without an exception. */
export async function requireClear(
  storage: Storage,
  evaluation: EvaluationRecord,
  userId: string,
): Promise<void> {
  const { declaration, outdated } = await declarationOf(storage, evaluation, userId);
  if (outdated) throw declareAgain();
  if (declaredClear(declaration)) return;
  throw new AppError(
    ErrorId.forbidden,
    declaration
      ? 'You declared a conflict of interest, so you cannot score or see scores unless the chair records an exception and how the conflict is mitigated.'
      : 'Make your declaration of interests and confidentiality first.',
  );
}

/**
 * The chair, with a clear declaration once the bidders are known: a chair who declared a
 * conflict (even one allowed while they held another role) cannot run the evaluation.
 */
export async function requireChair(
  storage: Storage,
  evaluation: EvaluationRecord,
  actor: EvaluationActor,
  action: string,
): Promise<void> {
  if (panelRoleOf(evaluation, actor.userId) !== 'chair') {
    throw new AppError(ErrorId.forbidden, `Only the chair of the panel can ${action}.`);
  }
  if (evaluation.state === 'setup') return;
  const { declaration, outdated } = await declarationOf(storage, evaluation, actor.userId);
  if (outdated) throw declareAgain();
  if (!declaration) {
    throw new AppError(
      ErrorId.forbidden,
      'Make your declaration of interests and confidentiality first.',
    );
  }
  if (declaration.conflict) {
    throw new AppError(
      ErrorId.forbidden,
      'You declared a conflict of interest, so you cannot chair this evaluation. Ask an owner of the document to appoint another chair.',
    );
  }
}

/**
 * The checks before an export of scores (CSV, report): moderation has opened (before it no
 * output may show one evaluator's scores to anyone), the caller's declaration lets them see
 * scores, and they see every criterion: an export holds all of them, prices included.
 */
export async function requireExportable(
  storage: Storage,
  evaluation: EvaluationRecord,
  actor: EvaluationActor,
  what: string,
): Promise<void> {
  if (!scoresRevealed(evaluation.state)) {
    throw conflict(
      `${what} once moderation opens. Until then nobody may see another evaluator’s scores.`,
    );
  }
  const role = panelRoleOf(evaluation, actor.userId);
  if (role !== null) await requireClear(storage, evaluation, actor.userId);
  if (namesHidden(evaluation.setup, evaluation.namesRevealedAt) && !seesWhole(evaluation, actor)) {
    throw new AppError(
      ErrorId.forbidden,
      'The exports name the bidders, whose names are hidden from the panel until the chair reveals them.',
    );
  }
  if (!seesWhole(evaluation, actor) && !seesEveryCriterion(evaluation.setup, role)) {
    throw new AppError(
      ErrorId.forbidden,
      'The exports hold every criterion, and your panel group does not see all of them (the price, for example). Ask the chair for what you need.',
    );
  }
}

/**
 * Makes the audit entry of a change from its details, for the store to write in the same
 * transaction as the change (and only if it is made). The service that makes the change
 * gives the details, some of which only it or the write know (a stored file's hash, a
 * round's number); services called without one (in tests) write none.
 */
export type AuditOf = (details?: Record<string, unknown>) => AuditEntry | null;
export const entries = (e: AuditEntry | null): AuditEntry[] => (e ? [e] : []);

export const conflict = (message: string) => new AppError(ErrorId.conflict, message);
export const stageMoved = () =>
  conflict('The evaluation has moved on to another stage since you loaded it. Reload the page.');
