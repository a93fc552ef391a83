/** Declarations of interests and the chair's exceptions for declared conflicts. */
import { type DeclarationInput, ErrorId } from '@chorus/shared';
import { AppError } from '../../errors.ts';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import {
  type AuditOf,
  conflict,
  type EvaluationActor,
  entries,
  forPanel,
  panelRoleOf,
  requireChair,
} from './guards.ts';

/**
 * A panel member declares their interests and confidentiality once the bidders are fixed.
 * A declared conflict can be added later, never withdrawn: only the chair's exception lets
 * a conflicted member take part.
 */
export async function declareInterests(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  input: DeclarationInput,
  /** The audit entry, written with the declaration in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  if (panelRoleOf(evaluation, actor.userId) === null) {
    throw new AppError(ErrorId.forbidden, 'Only members of the panel make declarations.');
  }
  const earlier = (await storage.evaluations.declarations(document.id)).find(
    (d) => d.userId === actor.userId,
  );
  if (earlier?.conflict && !input.conflict) {
    throw conflict(
      'You have declared a conflict of interest. It stays on record; only the chair can record an exception.',
    );
  }
  // The lots a conflict concerns; without lots in the evaluation, or when every lot is
  // named, it concerns them all (null).
  const known = evaluation.setup.lots?.map((l) => l.id) ?? [];
  let lots: string[] | null = null;
  if (input.conflict && known.length > 0 && input.lots !== null) {
    if (input.lots.length === 0 || input.lots.some((l) => !known.includes(l))) {
      throw new AppError(
        ErrorId.badRequest,
        'Choose the lots your conflict concerns from the list (at least one).',
      );
    }
    lots = input.lots.length === known.length ? null : known.filter((l) => input.lots?.includes(l));
  }
  // Like the conflict itself, a lot it concerns cannot be taken back.
  if (
    earlier?.conflict &&
    lots !== null &&
    (earlier.lots == null || earlier.lots.some((l) => !lots?.includes(l)))
  ) {
    throw conflict(
      'Your conflict of interest concerns lots you declared before; they stay on record. You can add lots, not remove them.',
    );
  }
  // The audit log keeps every declaration as made, as the store's history does (the
  // latest governs).
  const logged = audit({
    conflict: input.conflict,
    details: input.conflict ? input.details : '',
    lots: input.conflict ? input.lots : null,
  });
  const saved = await storage.evaluations.declare(
    document.id,
    actor.userId,
    {
      confidential: input.confidential,
      conflict: input.conflict,
      details: input.conflict ? input.details : '',
      lots,
    },
    Date.now(),
    { audit: entries(logged) },
  );
  if (saved === 'closed') {
    throw conflict(
      evaluation.state === 'setup'
        ? 'Declarations open when scoring starts and the bidders are fixed.'
        : 'The evaluation has been signed off, so declarations can no longer change.',
    );
  }
}

/** The chair lets a member with a declared conflict take part, recording how it is mitigated. */
export async function allowDeclaredConflict(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  memberId: string,
  mitigation: string,
  /** When the declaration the chair read was made (see `conflictExceptionInputSchema`). */
  declaredAt: number,
  /** The audit entry, written with the exception in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  await requireChair(storage, evaluation, actor, 'record an exception for a conflict');
  if (evaluation.state === 'signed_off' || evaluation.state === 'setup') {
    throw conflict('Exceptions are recorded while the evaluation is being scored or moderated.');
  }
  if (memberId === actor.userId) {
    throw new AppError(
      ErrorId.forbidden,
      'The chair cannot record an exception for their own conflict. Ask an owner to appoint another chair.',
    );
  }
  const logged = audit({ userId: memberId, mitigation });
  if (
    !(await storage.evaluations.allowConflict(
      document.id,
      memberId,
      mitigation,
      actor.userId,
      Date.now(),
      { audit: entries(logged), declaredAt },
    ))
  ) {
    const current = (await storage.evaluations.declarations(document.id)).find(
      (d) => d.userId === memberId,
    );
    if (current?.conflict && current.declaredAt !== declaredAt) {
      throw conflict(
        'They have declared again since this page was loaded. Read their new declaration, then record the exception if it still applies.',
      );
    }
    throw new AppError(
      ErrorId.notFound,
      'That person has not declared a conflict. Reload the page.',
    );
  }
}

/**
 * The chair reveals the bidders' names of an evaluation scored without them (while scoring
 * or moderating). Everyone on the panel then declares their interests again, with the
 * names, before they go on: their first declaration stays on record.
 */
export async function revealBidderNames(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  /** The audit entry, written with the reveal in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  // Whether there is anything to reveal first: after revealing, the chair's own declaration
  // is out of date until they declare again.
  if (panelRoleOf(evaluation, actor.userId) !== 'chair') {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair of the panel can reveal the bidders’ names.',
    );
  }
  if (!evaluation.setup.anonymous) {
    throw conflict(
      'This evaluation is scored with the bidders’ names, so there is nothing to reveal.',
    );
  }
  if (evaluation.namesRevealedAt !== null) {
    throw conflict('The bidders’ names are already revealed.');
  }
  await requireChair(storage, evaluation, actor, 'reveal the bidders’ names');
  if (
    !(await storage.evaluations.revealNames(document.id, Date.now(), { audit: entries(audit()) }))
  ) {
    throw conflict(
      evaluation.state === 'setup'
        ? 'The names are revealed once scoring has started.'
        : 'The evaluation has been signed off, so the names can no longer be revealed here.',
    );
  }
}
