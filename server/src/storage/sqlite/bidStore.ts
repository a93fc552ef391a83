import type Database from 'better-sqlite3';
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
import type { AuditEntry, BidStore } from '../types.ts';
import { prepareAuditAppend } from './auditWrites.ts';

type Audit = readonly AuditEntry[];

/**
 * Bids' documents and clarifications in SQLite. Each guarded write runs in one transaction
 * with its audit entries, written only once the change is made.
 */
export function sqliteBidStore(db: Database.Database): BidStore {
  const stmt = {
    evaluation: db.prepare<[string], { state: string; setup: string }>(
      'SELECT state, setup FROM evaluations WHERE document_id = ?',
    ),
    countFiles: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM bid_documents WHERE document_id = ? AND bid_id = ?',
    ),
    insertFile: db.prepare(
      `INSERT INTO bid_documents
         (id, document_id, bid_id, name, kind, size, sha256, uploaded_by, uploaded_at, bytes,
          seen_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    files: db.prepare<[string], BidDocumentRow>(
      `SELECT ${bidDocumentColumns} FROM bid_documents WHERE document_id = ?
       ORDER BY uploaded_at, id`,
    ),
    file: db.prepare<[string, string], BidDocumentRow & { bytes: Buffer }>(
      `SELECT ${bidDocumentColumns}, bytes FROM bid_documents WHERE document_id = ? AND id = ?`,
    ),
    deleteFile: db.prepare('DELETE FROM bid_documents WHERE document_id = ? AND id = ?'),
    insertQuestion: db.prepare(
      `INSERT INTO bid_clarifications (id, document_id, bid_id, question, asked_by, asked_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    question: db.prepare<[string, string], { id: string }>(
      'SELECT id FROM bid_clarifications WHERE document_id = ? AND id = ?',
    ),
    currentAnswer: db.prepare<[string, string], { id: string }>(
      `SELECT id FROM bid_clarification_answers WHERE document_id = ? AND clarification_id = ?
       ORDER BY recorded_at DESC, rowid DESC LIMIT 1`,
    ),
    insertAnswer: db.prepare(
      `INSERT INTO bid_clarification_answers
         (id, clarification_id, document_id, answer, received_on, reason, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    questions: db.prepare<[string], ClarificationRow>(
      'SELECT * FROM bid_clarifications WHERE document_id = ? ORDER BY asked_at, rowid',
    ),
    answers: db.prepare<[string], ClarificationAnswerRow>(
      'SELECT * FROM bid_clarification_answers WHERE document_id = ? ORDER BY recorded_at, rowid',
    ),
  };
  const clarifying = (state: string | undefined) => state === 'scoring' || state === 'moderation';
  const appendAudit = prepareAuditAppend(db);

  const addDocument = db.transaction(
    (
      r: Parameters<BidStore['addDocument']>[0],
      bytes: Uint8Array,
      maxFiles: number,
      audit: Audit,
    ) => {
      const evaluation = stmt.evaluation.get(r.documentId);
      if (evaluation?.state !== 'setup') return 'closed' as const;
      if (!setupHasBid(evaluation.setup, r.bidId)) return 'no_bid' as const;
      if ((stmt.countFiles.get(r.documentId, r.bidId)?.n ?? 0) >= maxFiles) return 'full' as const;
      stmt.insertFile.run(
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
      );
      appendAudit(audit);
      return 'saved' as const;
    },
  );
  const removeDocument = db.transaction((documentId: string, id: string, audit: Audit) => {
    if (stmt.evaluation.get(documentId)?.state !== 'setup') return 'closed' as const;
    if (stmt.deleteFile.run(documentId, id).changes === 0) return 'missing' as const;
    appendAudit(audit);
    return 'removed' as const;
  });
  const ask = db.transaction((r: Parameters<BidStore['ask']>[0], audit: Audit) => {
    const evaluation = stmt.evaluation.get(r.documentId);
    if (!clarifying(evaluation?.state) || !evaluation) return 'closed' as const;
    if (!setupHasBid(evaluation.setup, r.bidId)) return 'no_bid' as const;
    stmt.insertQuestion.run(r.id, r.documentId, r.bidId, r.question, r.askedBy, r.askedAt);
    appendAudit(audit);
    return 'saved' as const;
  });
  const answer = db.transaction(
    (r: Parameters<BidStore['answer']>[0], replaces: string | null, audit: Audit) => {
      if (!clarifying(stmt.evaluation.get(r.documentId)?.state)) return 'closed' as const;
      if (!stmt.question.get(r.documentId, r.clarificationId)) return 'missing' as const;
      const current = stmt.currentAnswer.get(r.documentId, r.clarificationId)?.id ?? null;
      if (current !== replaces) return 'stale' as const;
      stmt.insertAnswer.run(
        r.id,
        r.clarificationId,
        r.documentId,
        r.answer,
        r.receivedOn,
        r.reason,
        r.recordedBy,
        r.recordedAt,
      );
      appendAudit(audit);
      return 'saved' as const;
    },
  );

  return {
    async addDocument(record, bytes, maxFiles, { audit = [] } = {}) {
      return addDocument(record, bytes, maxFiles, audit);
    },
    async documents(documentId) {
      return stmt.files.all(documentId).map(toBidDocument);
    },
    async documentBytes(documentId, id) {
      const row = stmt.file.get(documentId, id);
      return row ? { record: toBidDocument(row), bytes: new Uint8Array(row.bytes) } : null;
    },
    async removeDocument(documentId, id, { audit = [] } = {}) {
      return removeDocument(documentId, id, audit);
    },
    async ask(record, { audit = [] } = {}) {
      return ask(record, audit);
    },
    async answer(record, replaces, { audit = [] } = {}) {
      return answer(record, replaces, audit);
    },
    async clarifications(documentId) {
      return stmt.questions.all(documentId).map(toClarification);
    },
    async answers(documentId) {
      return stmt.answers.all(documentId).map(toClarificationAnswer);
    },
  };
}
