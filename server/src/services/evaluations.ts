/**
 * Procurement evaluations: who may do what at each stage, and what each person may see.
 * The integrity rules of PRODUCT.md live here (the storage layer makes each guarded write
 * atomic); routes only parse input and call these.
 *
 * Rule 1 (no evaluator sees another's scores before moderation) holds by construction:
 * individual scores are stored apart from the shared Yjs document, so no socket ever
 * carries them, and `evaluationView` returns only the caller's own until moderation opens.
 */
import {
  type AgreedScore,
  agreedResults,
  agreedScoreProblem,
  type BidResult,
  criterionScaleLabels,
  type Declaration,
  type DeclarationInput,
  declaredClear,
  ErrorId,
  type EvaluationSetup,
  type EvaluationSetupInput,
  entryProblem,
  evaluationResults,
  isScoringRole,
  missingEntries,
  moderatingPanelRoles,
  type PanelMember,
  type PanelRole,
  type Permission,
  panelRoleLabels,
  type ScoreEntry,
  scaleMax,
  scoresRevealed,
  setupProblems,
} from '@chorus/shared';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import type {
  DocumentRecord,
  EvaluationRecord,
  ModerationRound,
  Storage,
} from '../storage/types.ts';
import { checkDocumentAccess } from './access.ts';
import { toCsv } from './csv.ts';

/** An evaluation not yet set up reads as an empty one at its first stage. */
async function evaluationOf(storage: Storage, documentId: string): Promise<EvaluationRecord> {
  return (
    (await storage.evaluations.get(documentId)) ?? {
      documentId,
      state: 'setup',
      setup: { criteria: [], bids: [] },
      panel: [],
      updatedAt: 0,
      overrideReason: null,
      round: 1,
    }
  );
}

export interface EvaluationActor {
  userId: string;
  /** The caller's effective permission on the document. */
  permission: Permission;
}

const panelRoleOf = (e: EvaluationRecord, userId: string): PanelRole | null =>
  e.panel.find((m) => m.userId === userId)?.panelRole ?? null;

/** Owners of the document manage the evaluation with the chair. */
const isManager = (e: EvaluationRecord, actor: EvaluationActor) =>
  actor.permission === 'owner' || panelRoleOf(e, actor.userId) === 'chair';

function notProcurement(document: DocumentRecord): void {
  if (document.kind !== 'procurement_evaluation') {
    throw new AppError(
      ErrorId.notFound,
      'This document is not a procurement evaluation, so it has no scoring. Open a procurement evaluation instead.',
    );
  }
}

/** The panel and the document's owners see the evaluation; other readers of the document do not. */
async function forPanel(storage: Storage, document: DocumentRecord, actor: EvaluationActor) {
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

/**
 * The individual scores moderation works from: those of evaluators who submitted. Drafts of
 * someone who never submitted (moderation opened without them) are neither shown nor counted.
 */
async function revealedEntries(storage: Storage, documentId: string) {
  const submitted = new Set(
    (await storage.evaluations.submissions(documentId)).map((s) => s.userId),
  );
  // Someone who declared a conflict (even after submitting) counts only with an exception.
  const declarations = new Map(
    (await storage.evaluations.declarations(documentId)).map((d) => [d.userId, d]),
  );
  return (await storage.evaluations.entries(documentId)).filter((e) => {
    const declaration = declarations.get(e.userId);
    return submitted.has(e.userId) && !(declaration?.conflict && declaration.exception === null);
  });
}
/** Everything moderation shows; only ever called once the scores are revealed. */
async function moderationOf(
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

/** Refuses a panel member who has not declared, or declared a conflict without an exception. */
async function requireClear(storage: Storage, documentId: string, userId: string): Promise<void> {
  const declaration = (await storage.evaluations.declarations(documentId)).find(
    (d) => d.userId === userId,
  );
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
async function requireChair(
  storage: Storage,
  evaluation: EvaluationRecord,
  actor: EvaluationActor,
  action: string,
): Promise<void> {
  if (panelRoleOf(evaluation, actor.userId) !== 'chair') {
    throw new AppError(ErrorId.forbidden, `Only the chair of the panel can ${action}.`);
  }
  if (evaluation.state === 'setup') return;
  const declaration = (await storage.evaluations.declarations(evaluation.documentId)).find(
    (d) => d.userId === actor.userId,
  );
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

const conflict = (message: string) => new AppError(ErrorId.conflict, message);
const stageMoved = () =>
  conflict('The evaluation has moved on to another stage since you loaded it. Reload the page.');

/** Saves criteria, bids and panel; only while setting up, by the chair or an owner. */
export async function saveEvaluationSetup(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  input: EvaluationSetupInput,
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
  const setup: EvaluationSetup = {
    // Nothing refers to these ids until scoring starts, when they freeze.
    criteria: input.criteria.map((c) => ({ ...c, id: newId() })),
    bids: input.bids.map((b) => ({ ...b, id: newId() })),
  };
  if (!(await storage.evaluations.saveSetup(document.id, setup, input.panel, Date.now()))) {
    throw stageMoved();
  }
}

/** Starts individual scoring: criteria, weights, bids and panel freeze (rule 6). */
export async function startScoring(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
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
    {
      ifUpdatedAt: evaluation.updatedAt,
    },
  );
  if (!started) throw stageMoved();
}

/** Saves one of the caller's own scores or abstentions. */
export async function putScoreEntry(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  entry: ScoreEntry,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  if (!isScoringRole(panelRoleOf(evaluation, actor.userId))) {
    throw new AppError(
      ErrorId.forbidden,
      'Your panel role does not score. Evaluators, lay evaluators and finance evaluators score.',
    );
  }
  await requireClear(storage, document.id, actor.userId);
  const problem = entryProblem(evaluation.setup, entry);
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
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  if (!isScoringRole(panelRoleOf(evaluation, actor.userId))) {
    throw new AppError(
      ErrorId.forbidden,
      'Your panel role does not score, so there is nothing to submit.',
    );
  }
  await requireClear(storage, document.id, actor.userId);
  const missing = missingEntries(
    evaluation.setup,
    await storage.evaluations.entries(document.id, actor.userId),
  );
  if (missing.length > 0) {
    throw new AppError(
      ErrorId.badRequest,
      `Score or abstain on every criterion for every bid before you submit: ${missing.length} still ${missing.length === 1 ? 'needs' : 'need'} an answer.`,
    );
  }
  if (!(await storage.evaluations.submit(document.id, actor.userId, Date.now()))) {
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
  const declarations = await storage.evaluations.declarations(document.id);
  const conflicted = new Set(
    declarations.filter((d) => d.conflict && d.exception === null).map((d) => d.userId),
  );
  const waitedFor = evaluation.panel.filter(
    (m) => isScoringRole(m.panelRole) && !submitted.has(m.userId) && !conflicted.has(m.userId),
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
    { overrideReason: waitedFor > 0 ? reason : null, ifUpdatedAt: evaluation.updatedAt },
  );
  if (!opened) throw stageMoved();
  return { waitedFor };
}

/** Records the panel's agreed score for one bid and criterion (rule 4), during moderation. */
export async function recordAgreedScore(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  agreed: AgreedScore,
  /** When the agreed score being replaced was saved, as the caller last saw it (null: none). */
  basedOn: number | null,
): Promise<void> {
  const evaluation = await forPanel(storage, document, actor);
  const role = panelRoleOf(evaluation, actor.userId);
  if (role === null || !moderatingPanelRoles.includes(role)) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair, the facilitator and the evaluators record agreed scores.',
    );
  }
  await requireClear(storage, document.id, actor.userId);
  if (evaluation.state !== 'moderation') {
    throw conflict(
      evaluation.state === 'signed_off'
        ? 'The evaluation has been signed off, so agreed scores can no longer change.'
        : 'Agreed scores are recorded in moderation, which has not opened yet.',
    );
  }
  const problem = agreedScoreProblem(
    evaluation.setup,
    await revealedEntries(storage, document.id),
    agreed,
  );
  if (problem) throw new AppError(ErrorId.badRequest, problem);
  const saved = await storage.evaluations.putAgreed(
    document.id,
    { ...agreed, reason: agreed.reason?.trim() || null },
    actor.userId,
    Date.now(),
    basedOn,
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
  const missing = missingEntries(
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
    }))
  ) {
    throw stageMoved();
  }
}

/**
 * Every individual and agreed score as CSV, for the procurement record. Refused until
 * moderation opens: before then no export may show one evaluator's scores to anyone.
 */
export async function scoresCsv(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
): Promise<string> {
  const evaluation = await forPanel(storage, document, actor);
  if (!scoresRevealed(evaluation.state)) {
    throw conflict(
      'Scores can be exported once moderation opens. Until then nobody may see another evaluator’s scores.',
    );
  }
  if (panelRoleOf(evaluation, actor.userId) !== null) {
    await requireClear(storage, document.id, actor.userId);
  }
  const members = await storage.workspaces.listMembers(document.workspaceId);
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const { setup } = evaluation;
  const {
    entries,
    agreed,
    earlier,
    agreedResults: final,
  } = await moderationOf(storage, evaluation, nameOf);
  const rows: (string | number)[][] = [
    [
      'Bid',
      'Criterion',
      'How scored',
      'Weight %',
      'Who',
      'Panel role',
      'Score',
      'Out of',
      'Rationale',
      'Reason',
    ],
  ];
  for (const bid of setup.bids) {
    for (const c of setup.criteria) {
      const base = [bid.bidder, c.title, criterionScaleLabels[c.scale], c.weight];
      for (const e of entries.filter((x) => x.bidId === bid.id && x.criterionId === c.id)) {
        const role = panelRoleOf(evaluation, e.userId);
        rows.push([
          ...base,
          nameOf.get(e.userId) ?? 'A former member',
          role ? panelRoleLabels[role] : '',
          e.kind === 'score' ? e.score : 'Abstained',
          scaleMax(c.scale),
          e.kind === 'score' ? e.rationale : '',
          e.kind === 'abstain' ? e.reason : '',
        ]);
      }
      // Earlier rounds first, then the round that counts.
      const pair = (x: AgreedScore) => x.bidId === bid.id && x.criterionId === c.id;
      for (const a of [...earlier.filter(pair), ...agreed.filter(pair)]) {
        const superseded = a.round < evaluation.round ? ', superseded' : '';
        rows.push([
          ...base,
          `Agreed by the panel in round ${a.round}${superseded} (recorded by ${a.agreedByName})`,
          '',
          a.score,
          scaleMax(c.scale),
          a.rationale,
          a.reason ?? '',
        ]);
      }
    }
  }
  const declarations = await storage.evaluations.declarations(document.id);
  if (declarations.length > 0) {
    rows.push([]);
    rows.push([
      'Declaration of',
      'Conflict of interest',
      'Details',
      'Exception by the chair',
      'Mitigation',
    ]);
    for (const d of declarations) {
      rows.push([
        nameOf.get(d.userId) ?? 'A former member',
        d.conflict ? 'Declared a conflict' : 'None declared',
        d.details,
        d.exception ? (nameOf.get(d.exception.by) ?? 'A former member') : '',
        d.exception?.mitigation ?? '',
      ]);
    }
  }
  if (final) {
    rows.push([]);
    rows.push(['Bid', 'Weighted total out of 100', 'Rank', 'Below a minimum score on']);
    for (const r of final) {
      const bid = setup.bids.find((b) => b.id === r.bidId);
      rows.push([bid?.bidder ?? '', r.total, r.rank ?? 'Not ranked', r.failures.join('; ')]);
    }
  }
  return toCsv(rows);
}

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
  const saved = await storage.evaluations.declare(
    document.id,
    actor.userId,
    { conflict: input.conflict, details: input.conflict ? input.details : '' },
    Date.now(),
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
  if (
    !(await storage.evaluations.allowConflict(
      document.id,
      memberId,
      mitigation,
      actor.userId,
      Date.now(),
    ))
  ) {
    throw new AppError(
      ErrorId.notFound,
      'That person has not declared a conflict. Reload the page.',
    );
  }
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
  newChairId: string,
): Promise<void> {
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
  if (!(await storage.evaluations.changePanel(document.id, panel, Date.now()))) {
    throw conflict('The evaluation has moved on since you loaded it. Reload the page.');
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
    },
  );
  if (round === null) {
    throw evaluation.state === 'moderation' || evaluation.state === 'signed_off'
      ? stageMoved()
      : conflict('Another round can start once moderation has opened.');
  }
  return { round, correction: evaluation.state === 'signed_off' };
}
