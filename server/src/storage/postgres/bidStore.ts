import type pg from 'pg';
import {
  type BidDocumentRow,
  bidDocumentColumns,
  type ClarificationAnswerRow,
  type ClarificationRow,
  setupHasBid,
  toBidDocument,
  toClarification,
  toClarificationAnswer,
} from '../bidRows.ts';
import type { BidStore } from '../types.ts';
import { appendAudit } from './auditWrites.ts';
import { changes, first, type Queryable, rows, transaction } from './db.ts';

/**
 * The evaluation's stage and set-up, its row locked until the transaction ends: a write
 * to a bid and a set-up save or change of stage (by any server process) run one after
 * the other, so no file lands after scoring starts or on a bid just removed.
 */
const lockEvaluation = (c: Queryable, documentId: string) =>
  first<{ state: string; setup: string }>(
    c,
    'SELECT state, setup FROM evaluations WHERE document_id = $1 FOR UPDATE',
    [documentId],
  );

const clarifying = (state: string | undefined) => state === 'scoring' || state === 'moderation';

/**
 * Bids' documents and clarifications in PostgreSQL. Each guarded write runs in one
 * transaction with its audit entries, written only once the change is made.
 */
export function postgresBidStore(pool: pg.Pool): BidStore {
  return {
    async addDocument(r, bytes, maxFiles, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const evaluation = await lockEvaluation(c, r.documentId);
        if (evaluation?.state !== 'setup') return 'closed' as const;
        if (!setupHasBid(evaluation.setup, r.bidId)) return 'no_bid' as const;
        const count = await first<{ n: number }>(
          c,
          'SELECT COUNT(*) AS n FROM bid_documents WHERE document_id = $1 AND bid_id = $2',
          [r.documentId, r.bidId],
        );
        if ((count?.n ?? 0) >= maxFiles) return 'full' as const;
        await c.query(
          `INSERT INTO bid_documents
             (id, document_id, bid_id, name, kind, size, sha256, uploaded_by, uploaded_at, bytes,
              seen_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            r.id,
            r.documentId,
            r.bidId,
            r.name,
            r.kind,
            r.size,
            r.sha256,
            r.uploadedBy,
            r.uploadedAt,
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            r.seenBy === null ? null : JSON.stringify(r.seenBy),
          ],
        );
        await appendAudit(c, audit);
        return 'saved' as const;
      });
    },
    async documents(documentId) {
      const found = await rows<BidDocumentRow>(
        pool,
        `SELECT ${bidDocumentColumns} FROM bid_documents WHERE document_id = $1
         ORDER BY uploaded_at, id`,
        [documentId],
      );
      return found.map(toBidDocument);
    },
    async documentBytes(documentId, id) {
      const row = await first<BidDocumentRow & { bytes: Buffer }>(
        pool,
        `SELECT ${bidDocumentColumns}, bytes FROM bid_documents WHERE document_id = $1 AND id = $2`,
        [documentId, id],
      );
      return row ? { record: toBidDocument(row), bytes: new Uint8Array(row.bytes) } : null;
    },
    async removeDocument(documentId, id, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        if ((await lockEvaluation(c, documentId))?.state !== 'setup') return 'closed' as const;
        const removed = await changes(
          c,
          'DELETE FROM bid_documents WHERE document_id = $1 AND id = $2',
          [documentId, id],
        );
        if (removed === 0) return 'missing' as const;
        await appendAudit(c, audit);
        return 'removed' as const;
      });
    },
    async ask(r, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const evaluation = await lockEvaluation(c, r.documentId);
        if (!evaluation || !clarifying(evaluation.state)) return 'closed' as const;
        if (!setupHasBid(evaluation.setup, r.bidId)) return 'no_bid' as const;
        await c.query(
          `INSERT INTO bid_clarifications (id, document_id, bid_id, question, asked_by, asked_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [r.id, r.documentId, r.bidId, r.question, r.askedBy, r.askedAt],
        );
        await appendAudit(c, audit);
        return 'saved' as const;
      });
    },
    async answer(r, replaces, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        if (!clarifying((await lockEvaluation(c, r.documentId))?.state)) return 'closed' as const;
        const question = await first(
          c,
          'SELECT 1 FROM bid_clarifications WHERE document_id = $1 AND id = $2',
          [r.documentId, r.clarificationId],
        );
        if (!question) return 'missing' as const;
        const current = await first<{ id: string }>(
          c,
          `SELECT id FROM bid_clarification_answers
           WHERE document_id = $1 AND clarification_id = $2
           ORDER BY recorded_at DESC, seq DESC LIMIT 1`,
          [r.documentId, r.clarificationId],
        );
        if ((current?.id ?? null) !== replaces) return 'stale' as const;
        await c.query(
          `INSERT INTO bid_clarification_answers
             (id, clarification_id, document_id, answer, received_on, reason, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            r.id,
            r.clarificationId,
            r.documentId,
            r.answer,
            r.receivedOn,
            r.reason,
            r.recordedBy,
            r.recordedAt,
          ],
        );
        await appendAudit(c, audit);
        return 'saved' as const;
      });
    },
    async clarifications(documentId) {
      const found = await rows<ClarificationRow>(
        pool,
        'SELECT * FROM bid_clarifications WHERE document_id = $1 ORDER BY asked_at, seq',
        [documentId],
      );
      return found.map(toClarification);
    },
    async answers(documentId) {
      const found = await rows<ClarificationAnswerRow>(
        pool,
        `SELECT * FROM bid_clarification_answers WHERE document_id = $1
         ORDER BY recorded_at, seq`,
        [documentId],
      );
      return found.map(toClarificationAnswer);
    },
  };
}
