/** Rows of the bid tables as both SQL backends return them, and their records. */
import {
  type BidDocumentKind,
  bidDocumentKinds,
  type ScoringRole,
  scoringPanelRoles,
} from '@chorus/shared';
import type { BidDocumentRecord, ClarificationAnswerRecord, ClarificationRecord } from './types.ts';

export interface BidDocumentRow {
  id: string;
  document_id: string;
  bid_id: string;
  name: string;
  kind: string;
  size: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: number;
  seen_by: string | null;
}

/** The columns listed, never `bytes`: a listing must not read every file. */
export const bidDocumentColumns =
  'id, document_id, bid_id, name, kind, size, sha256, uploaded_by, uploaded_at, seen_by';

export interface ClarificationRow {
  id: string;
  document_id: string;
  bid_id: string;
  question: string;
  asked_by: string;
  asked_at: number;
}

export interface ClarificationAnswerRow {
  id: string;
  clarification_id: string;
  document_id: string;
  answer: string;
  received_on: string;
  reason: string;
  recorded_by: string;
  recorded_at: number;
}

const toKind = (kind: string): BidDocumentKind => {
  const found = bidDocumentKinds.find((k) => k === kind);
  if (!found) throw new Error(`Stored bid document of unknown kind ${kind}`);
  return found;
};

export const toBidDocument = (r: BidDocumentRow): BidDocumentRecord => ({
  id: r.id,
  documentId: r.document_id,
  bidId: r.bid_id,
  name: r.name,
  kind: toKind(r.kind),
  size: r.size,
  sha256: r.sha256,
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at,
  seenBy: toGroups(r.seen_by),
});

/** A stored list of groups, keeping only the names it may hold. */
const toGroups = (raw: string | null): ScoringRole[] | null => {
  if (raw === null) return null;
  const parsed = JSON.parse(raw) as unknown;
  return Array.isArray(parsed) ? scoringPanelRoles.filter((g) => parsed.includes(g)) : null;
};

export const toClarification = (r: ClarificationRow): ClarificationRecord => ({
  id: r.id,
  documentId: r.document_id,
  bidId: r.bid_id,
  question: r.question,
  askedBy: r.asked_by,
  askedAt: r.asked_at,
});

export const toClarificationAnswer = (r: ClarificationAnswerRow): ClarificationAnswerRecord => ({
  id: r.id,
  clarificationId: r.clarification_id,
  documentId: r.document_id,
  answer: r.answer,
  receivedOn: r.received_on,
  reason: r.reason,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
});

/** Whether a stored set-up (its JSON) has the bid: writes to a bid check it in their transaction. */
export function setupHasBid(setupJson: string, bidId: string): boolean {
  const setup: unknown = JSON.parse(setupJson);
  if (typeof setup !== 'object' || setup === null || !('bids' in setup)) return false;
  const { bids } = setup;
  return (
    Array.isArray(bids) &&
    bids.some((b: unknown) => typeof b === 'object' && b !== null && 'id' in b && b.id === bidId)
  );
}
