/**
 * A bid's documents: who may see the bids, adding and removing files while setting up,
 * downloading them, and the bids' view (files and clarifications) for the panel.
 */
import { createHash } from 'node:crypto';
import {
  anonymousBidName,
  type Bid,
  type BidsView,
  bidDocumentLimits,
  checkBidDocumentBytes,
  checkBidDocumentName,
  ErrorId,
  isScoringRole,
  mayJudgeBid,
  namesHidden,
  type ScoringRole,
  scoringPanelRoles,
  withoutBidderNames,
} from '@chorus/shared';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { BidDocumentRecord, DocumentRecord, Storage } from '../../storage/types.ts';
import {
  type AuditOf,
  conflict,
  declarationOf,
  declareAgain,
  type EvaluationActor,
  entries,
  forPanel,
  isManager,
  keptOutOfAll,
  panelRoleOf,
  requireBid,
  seesWhole,
} from './guards.ts';

export const noSuchBid = () =>
  new AppError(ErrorId.notFound, 'That bid is not part of this evaluation. Reload the page.');
const noSuchFile = () =>
  new AppError(
    ErrorId.notFound,
    'That document is not one of this bid’s documents (it may have been removed). Reload the page.',
  );

/** Clarifications are asked and answered from the start of scoring until sign-off. */
export const clarifying = (state: string) => state === 'scoring' || state === 'moderation';

/**
 * The evaluation, if the caller may see its bids now. While it is being set up only the
 * chair and the owners, who set it up, see them (panel members declare once scoring starts
 * and the bidders are fixed). From then on, like scores: a panel member only with a clear
 * declaration (none, or a conflict the chair allowed), whatever else they are, the chair
 * included; an owner who is not on the panel follows the evaluation as its owner. A
 * conflict with some lots keeps its member from those lots' bids only (`seesBid`).
 */
export async function bidsFor(storage: Storage, document: DocumentRecord, actor: EvaluationActor) {
  const evaluation = await forPanel(storage, document, actor);
  const manager = isManager(evaluation, actor);
  // A file kept for some scoring groups (a pricing schedule for finance evaluators, say) is
  // not there for the others; the chair, facilitator, observers and owners see every file.
  const role = seesWhole(evaluation, actor) ? null : panelRoleOf(evaluation, actor.userId);
  const seesFile = (f: Pick<BidDocumentRecord, 'seenBy'>) =>
    !isScoringRole(role) || f.seenBy === null || f.seenBy.includes(role);
  if (evaluation.state === 'setup') {
    if (!manager) {
      throw new AppError(
        ErrorId.forbidden,
        'The chair is still setting up the evaluation. The panel sees the bids once scoring starts and they have signed their declaration of interests.',
      );
    }
  } else if (panelRoleOf(evaluation, actor.userId) !== null) {
    const { declaration, outdated } = await declarationOf(storage, evaluation, actor.userId);
    if (outdated) throw declareAgain();
    if (!declaration || keptOutOfAll(evaluation, declaration)) {
      throw new AppError(
        ErrorId.forbidden,
        declaration
          ? 'You declared a conflict of interest, so you cannot see the bids unless the chair records an exception and how the conflict is mitigated.'
          : 'Sign your declaration of interests and confidentiality first: the bids are shown only after it.',
      );
    }
    return {
      evaluation,
      manager,
      seesBid: (bid: Bid) => mayJudgeBid(evaluation.setup, declaration, bid),
      seesFile,
      /** Refuses a bid of a lot the caller's declared conflict keeps them out of (403). */
      requireSeen: (bidId: string) => requireBid(evaluation, declaration, bidId),
    };
  }
  return {
    evaluation,
    manager,
    seesBid: (_bid: Bid) => true,
    seesFile,
    requireSeen: (_bidId: string) => {},
  };
}

/** The chair or an owner adds a file to a bid while the evaluation is being set up. */
export async function addBidDocument(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  upload: {
    bidId: string;
    name: string;
    bytes: Uint8Array;
    /** The scoring groups who may open it; null for every group. */
    seenBy: ScoringRole[] | null;
  },
  /** The audit entry, written with the file in one transaction. */
  audit: AuditOf = () => null,
): Promise<BidDocumentRecord> {
  const { evaluation, manager } = await bidsFor(storage, document, actor);
  if (!manager) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair or an owner of the document can add a bid’s documents.',
    );
  }
  if (evaluation.state !== 'setup') throw fixed();
  if (!evaluation.setup.bids.some((b) => b.id === upload.bidId)) throw noSuchBid();
  const name = checkBidDocumentName(upload.name);
  if (!name.ok) throw new AppError(ErrorId.badRequest, name.message);
  const content = checkBidDocumentBytes(name.value.kind, upload.bytes);
  if (!content.ok) throw new AppError(ErrorId.badRequest, content.message);
  const record: BidDocumentRecord = {
    id: newId(),
    documentId: document.id,
    bidId: upload.bidId,
    name: name.value.name,
    kind: name.value.kind,
    size: upload.bytes.length,
    sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    uploadedBy: actor.userId,
    uploadedAt: Date.now(),
    // Every group named is every group: stored as null, like a file uploaded without a choice.
    seenBy:
      upload.seenBy === null || upload.seenBy.length === scoringPanelRoles.length
        ? null
        : upload.seenBy,
  };
  if (record.seenBy?.length === 0) {
    throw new AppError(
      ErrorId.badRequest,
      'Choose at least one panel group who may open the file.',
    );
  }
  // Which exact file the panel had (its hash), never anything of its contents.
  const logged = audit({
    bidId: record.bidId,
    fileId: record.id,
    name: record.name,
    kind: record.kind,
    size: record.size,
    sha256: record.sha256,
    seenBy: record.seenBy,
  });
  const { maxFilesPerBid } = bidDocumentLimits;
  switch (
    await storage.bids.addDocument(record, upload.bytes, maxFilesPerBid, {
      audit: entries(logged),
    })
  ) {
    case 'saved':
      return record;
    case 'closed':
      throw fixed();
    case 'no_bid':
      throw noSuchBid();
    case 'full':
      throw new AppError(
        ErrorId.badRequest,
        `This bid already has ${maxFilesPerBid} documents, the most a bid can have. Remove one it no longer needs, or combine several into one PDF, then upload again.`,
      );
  }
}

const fixed = () =>
  conflict(
    'Scoring has started, so the bids and their documents are fixed: documents can be added or removed only while setting up.',
  );

/** A file of a bid the set-up still has (a removed bid's files are neither listed nor served). */
async function currentFile(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  bidId: string,
  fileId: string,
) {
  const access = await bidsFor(storage, document, actor);
  if (!access.evaluation.setup.bids.some((b) => b.id === bidId)) throw noSuchBid();
  access.requireSeen(bidId);
  const found = await storage.bids.documentBytes(document.id, fileId);
  if (!found || found.record.bidId !== bidId || !access.seesFile(found.record)) {
    throw noSuchFile();
  }
  return { ...access, ...found };
}

/** The chair or an owner removes a file while setting up; returns what was removed. */
export async function removeBidDocument(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  bidId: string,
  fileId: string,
  /** The audit entry, written with the removal in one transaction. */
  audit: AuditOf = () => null,
): Promise<BidDocumentRecord> {
  const { manager, evaluation, record } = await currentFile(
    storage,
    document,
    actor,
    bidId,
    fileId,
  );
  if (!manager) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the chair or an owner of the document can remove a bid’s documents.',
    );
  }
  if (evaluation.state !== 'setup') throw fixed();
  const logged = audit({ bidId, fileId, name: record.name });
  switch (await storage.bids.removeDocument(document.id, fileId, { audit: entries(logged) })) {
    case 'removed':
      return record;
    case 'closed':
      throw fixed();
    case 'missing':
      throw noSuchFile();
  }
}

/** A file's record and bytes, for someone who may see the bids. */
export async function readBidDocument(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
  bidId: string,
  fileId: string,
): Promise<{ record: BidDocumentRecord; bytes: Uint8Array<ArrayBuffer>; shownName: string }> {
  const { record, bytes, evaluation } = await currentFile(storage, document, actor, bidId, fileId);
  const hidden =
    !seesWhole(evaluation, actor) && namesHidden(evaluation.setup, evaluation.namesRevealedAt);
  if (!hidden) return { record, bytes, shownName: record.name };
  const files = (await storage.bids.documents(document.id)).filter((f) => f.bidId === bidId);
  const bidIndex = evaluation.setup.bids.findIndex((b) => b.id === bidId);
  return {
    record,
    bytes,
    shownName: anonymousFileName(
      bidIndex,
      files.findIndex((f) => f.id === fileId),
      record.kind,
    ),
  };
}

/**
 * A file's name while the bidders' names are hidden: a name given on upload often names the
 * bidder ("Northside method statement.pdf"), so the panel sees "Bid A, document 1.pdf".
 */
const anonymousFileName = (bidIndex: number, fileIndex: number, kind: string) =>
  `${anonymousBidName(bidIndex)}, document ${fileIndex + 1}.${kind}`;

/** Each bid with its files and clarifications (who asked, who recorded each answer, when). */
export async function bidsView(
  storage: Storage,
  document: DocumentRecord,
  actor: EvaluationActor,
): Promise<BidsView> {
  const { evaluation, manager, seesBid, seesFile } = await bidsFor(storage, document, actor);
  const hidden =
    !seesWhole(evaluation, actor) && namesHidden(evaluation.setup, evaluation.namesRevealedAt);
  const bidIndex = new Map(evaluation.setup.bids.map((b, i) => [b.id, i]));
  const members = await storage.workspaces.listMembers(document.workspaceId);
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const named = (id: string) => nameOf.get(id) ?? 'A former member';
  const files = await storage.bids.documents(document.id);
  const questions = await storage.bids.clarifications(document.id);
  const answers = await storage.bids.answers(document.id);
  return {
    // While the names are hidden the panel sees "Bid A"...; those who set it up know them.
    bids: (hidden ? withoutBidderNames(evaluation.setup.bids) : evaluation.setup.bids)
      .filter(seesBid)
      .map((bid) => ({
        bidId: bid.id,
        bidder: bid.bidder,
        documents: files
          .filter((f) => f.bidId === bid.id && seesFile(f))
          .map((f, n) => ({
            id: f.id,
            name: hidden ? anonymousFileName(bidIndex.get(bid.id) ?? 0, n, f.kind) : f.name,
            ...(manager ? { seenBy: f.seenBy ? [...f.seenBy] : null } : {}),
            kind: f.kind,
            size: f.size,
            sha256: f.sha256,
            uploadedByName: named(f.uploadedBy),
            uploadedAt: f.uploadedAt,
          })),
        clarifications: questions
          .filter((q) => q.bidId === bid.id)
          .map((q) => ({
            id: q.id,
            question: q.question,
            askedByName: named(q.askedBy),
            askedAt: q.askedAt,
            answers: answers
              .filter((a) => a.clarificationId === q.id)
              .map((a) => ({
                id: a.id,
                answer: a.answer,
                receivedOn: a.receivedOn,
                reason: a.reason,
                recordedByName: named(a.recordedBy),
                recordedAt: a.recordedAt,
              })),
          })),
      })),
    me: {
      canChangeDocuments: manager && evaluation.state === 'setup',
      canAsk: clarifying(evaluation.state),
      canAnswer: manager && clarifying(evaluation.state),
    },
  };
}
