/** Set-up: criteria, bids and panel, the start of scoring (rule 6), and a new chair. */
import {
  ErrorId,
  type EvaluationSetup,
  type EvaluationSetupInput,
  isScoringRole,
  linesTotal,
  type PanelMember,
  setupProblems,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { DocumentRecord, Storage } from '../../storage/types.ts';
import { checkDocumentAccess } from '../access.ts';
import {
  type AuditOf,
  conflict,
  type EvaluationActor,
  entries,
  forPanel,
  isManager,
  panelRoleOf,
  stageMoved,
} from './guards.ts';

/** Saves criteria, bids and panel; only while setting up, by the chair or an owner. */
export async function saveEvaluationSetup(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  input: EvaluationSetupInput,
  /** The audit entry, written with the set-up in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  if (!isManager(evaluation, actor)) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair or an owner of the document can change the set-up.',
    );
  }
  if (evaluation.state !== 'setup') {
    throw conflict('Scoring has started, so the criteria, weights, bids and panel are fixed.');
  }
  for (const m of input.panel) {
    const access = await checkDocumentAccess(storage, m.userId, document.id, 'document.view');
    if (!access.ok) {
      throw new AppError(
        ErrorId.badRequest,
        'A panel member cannot open this document. Choose panel members from the list, or share the document with them first.',
      );
    }
  }
  // Ids the set-up already holds are kept (a bid's documents refer to its id); any other,
  // new or unknown, gets a fresh one, so an input cannot pick ids or claim another's.
  const kept = (ids: { id: string }[]) => {
    const known = new Set(ids.map((x) => x.id));
    const used = new Set<string>();
    return (id: string | undefined) => {
      const keep = id !== undefined && known.has(id) && !used.has(id);
      if (keep) used.add(id);
      return keep ? id : newId();
    };
  };
  const criterionId = kept(evaluation.setup.criteria);
  const bidId = kept(evaluation.setup.bids);
  const lotId = kept(evaluation.setup.lots ?? []);
  const lots = input.lots.map((l) => ({ ...l, id: lotId(l.id) }));
  const lineId = kept(evaluation.setup.priceLines ?? []);
  const priceLines = input.priceLines.map((l) => ({ ...l, id: lineId(l.id) }));
  const setup: EvaluationSetup = {
    method: input.method,
    anonymous: input.anonymous,
    lots,
    criteria: input.criteria.map((c) => ({ ...c, id: criterionId(c.id) })),
    // A bid names its lot by its place in the list (the schema checked it is there), and
    // prices the lines in their order; its total is then theirs, never typed.
    bids: input.bids.map(({ lot, linePrices, ...b }) => {
      const priced =
        priceLines.length > 0
          ? Object.fromEntries(
              priceLines.flatMap((line, i) => {
                const unit = linePrices?.[i];
                return unit == null ? [] : [[line.id, unit] as const];
              }),
            )
          : null;
      return {
        ...b,
        id: bidId(b.id),
        lotId: lot === null ? null : (lots[lot]?.id ?? null),
        ...(priced ? { linePrices: priced, price: linesTotal(priceLines, priced) } : {}),
      };
    }),
    ...(priceLines.length > 0 ? { priceLines } : {}),
  };
  // The record of how the criteria were set: titles, scales, weights and minimums.
  const logged = audit({
    criteria: input.criteria.map(
      (c) =>
        `${c.title} (${c.scale}, ${c.weight}%${c.threshold === null ? '' : `, minimum ${c.threshold}`})`,
    ),
    bids: input.bids.map((b) => b.bidder),
    ...(priceLines.length > 0
      ? { priceLines: priceLines.map((l) => `${l.name} (quantity ${l.quantity})`) }
      : {}),
    panel: input.panel,
  });
  const saved = await storage.evaluations.saveSetup(document.id, setup, input.panel, Date.now(), {
    audit: entries(logged),
  });
  if (!saved) throw stageMoved();
}

/** Starts individual scoring: criteria, weights, bids and panel freeze (rule 6). */
export async function startScoring(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  /** The audit entry, written with the move in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  if (!isManager(evaluation, actor)) {
    throw new AppError(ErrorId.forbidden, 'Only the chair or an owner can start scoring.');
  }
  if (evaluation.state !== 'setup') throw conflict('Scoring has already started.');
  const problems = setupProblems(evaluation.setup, evaluation.panel);
  if (problems.length > 0) {
    throw new AppError(ErrorId.badRequest, `Scoring cannot start yet. ${problems.join(' ')}`);
  }
  // Only on the set-up just checked: one saved meanwhile is checked again by a new request.
  const started = await storage.evaluations.transition(
    document.id,
    'setup',
    'scoring',
    Date.now(),
    { ifUpdatedAt: evaluation.updatedAt, audit: entries(audit()) },
  );
  if (!started) throw stageMoved();
}

/**
 * An owner of the document appoints a new chair after scoring has started, so an
 * evaluation does not stick when its chair leaves. The new chair must be able to open the
 * document and must not be scoring (a scorer cannot also run moderation); the previous
 * chair, if still on the panel, becomes an observer.
 */
export async function changeChair(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  /** Who chairs from now on, and why (the reason is kept in the audit log). */
  change: { userId: string; reason: string },
  /** The audit entry, written with the new panel in one transaction. */
  audit: AuditOf = () => null,
): Promise<void> {
  const newChairId = change.userId;
  const evaluation = await forPanel(storage, document, actor);
  if (actor.permission !== 'owner') {
    throw new AppError(ErrorId.forbidden, 'Only an owner of the document can appoint a new chair.');
  }
  if (evaluation.state === 'setup') {
    throw conflict('While setting up, choose the chair in the set-up’s panel instead.');
  }
  if (newChairId === actor.userId && panelRoleOf(evaluation, actor.userId) !== 'chair') {
    throw new AppError(
      ErrorId.badRequest,
      'Appoint someone else: an owner cannot make themselves the chair once scoring has started.',
    );
  }
  const declared = (await storage.evaluations.declarations(document.id)).find(
    (d) => d.userId === newChairId,
  );
  if (declared?.conflict) {
    throw new AppError(
      ErrorId.badRequest,
      'That person declared a conflict of interest, so they cannot chair this evaluation. Choose someone else.',
    );
  }
  if (isScoringRole(panelRoleOf(evaluation, newChairId))) {
    throw new AppError(
      ErrorId.badRequest,
      'That person scores on this panel, so they cannot also chair it. Choose someone else.',
    );
  }
  const access = await checkDocumentAccess(storage, newChairId, document.id, 'document.view');
  if (!access.ok) {
    throw new AppError(
      ErrorId.badRequest,
      'That person cannot open this document. Share it with them first, or choose someone else.',
    );
  }
  const panel: PanelMember[] = [
    ...evaluation.panel
      .filter((m) => m.userId !== newChairId)
      .map((m) => (m.panelRole === 'chair' ? { ...m, panelRole: 'observer' as const } : m)),
    { userId: newChairId, panelRole: 'chair' },
  ];
  const logged = audit({ userId: newChairId, reason: change.reason });
  if (
    !(await storage.evaluations.changePanel(document.id, panel, Date.now(), {
      audit: entries(logged),
    }))
  ) {
    throw conflict('The evaluation has moved on since you loaded it. Reload the page.');
  }
}
