import type {
  AgreedScore,
  Declaration,
  DeclarationMade,
  EvaluationSetup,
  PanelMember,
  ScoreEntry,
} from '@chorus/shared';
import type Database from 'better-sqlite3';
import {
  type AgreedRow,
  type DeclarationMadeRow,
  type DeclarationRow,
  type EntryRow,
  type EvaluationRow,
  type RoundRow,
  toAgreed,
  toDeclaration,
  toDeclarationMade,
  toEntry,
  toEvaluation,
  toRound,
} from '../rows.ts';
import type { AuditEntry, DeclarationWrite, EvaluationStore } from '../types.ts';
import { prepareAuditAppend } from './auditWrites.ts';

type Audit = readonly AuditEntry[];

/**
 * Procurement evaluations in SQLite. Each write runs in one transaction with its audit
 * entries, written only once the change is made: a change is never on record without its
 * entry, nor an entry without its change.
 */
export function sqliteEvaluationStore(db: Database.Database): EvaluationStore {
  const stmt = {
    get: db.prepare<[string], EvaluationRow>('SELECT * FROM evaluations WHERE document_id = ?'),
    upsert: db.prepare(
      `INSERT INTO evaluations (document_id, state, setup, panel, updated_at)
       VALUES (?, 'setup', ?, ?, ?)
       ON CONFLICT (document_id) DO UPDATE SET
         setup = excluded.setup, panel = excluded.panel,
         -- Strictly increasing, so a compare-and-set on it sees every change.
         updated_at = MAX(excluded.updated_at, evaluations.updated_at + 1)
       WHERE evaluations.state = 'setup'`,
    ),
    // The files of bids the set-up no longer has: confidential, and unreachable once their
    // bid is gone (a bid added again gets a new id), so they are not kept.
    dropRemovedBidFiles: db.prepare(
      `DELETE FROM bid_documents WHERE document_id = ?
       AND bid_id NOT IN (SELECT json_extract(value, '$.id') FROM json_each(?))`,
    ),
    changePanel: db.prepare(
      `UPDATE evaluations SET panel = ?, updated_at = MAX(?, updated_at + 1)
       WHERE document_id = ? AND state != 'setup'`,
    ),
    revealNames: db.prepare(
      `UPDATE evaluations SET names_revealed_at = ?, updated_at = MAX(?, updated_at + 1)
       WHERE document_id = ? AND state IN ('scoring', 'moderation')
         AND names_revealed_at IS NULL`,
    ),
    transition: db.prepare(
      `UPDATE evaluations
       SET state = ?, updated_at = MAX(?, updated_at + 1),
         override_reason = COALESCE(?, override_reason)
       WHERE document_id = ? AND state = ? AND (? IS NULL OR updated_at = ?)`,
    ),
    submitted: db.prepare<[string, string], { n: number }>(
      'SELECT 1 AS n FROM evaluation_submissions WHERE document_id = ? AND user_id = ?',
    ),
    putEntry: db.prepare(
      `INSERT INTO evaluation_entries
         (document_id, user_id, bid_id, criterion_id, score, rationale, abstain_reason, saved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (document_id, user_id, bid_id, criterion_id) DO UPDATE SET
         score = excluded.score, rationale = excluded.rationale,
         abstain_reason = excluded.abstain_reason, saved_at = excluded.saved_at`,
    ),
    submit: db.prepare(
      `INSERT INTO evaluation_submissions (document_id, user_id, submitted_at) VALUES (?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    entriesOf: db.prepare<[string, string], EntryRow>(
      `SELECT * FROM evaluation_entries WHERE document_id = ? AND user_id = ?
       ORDER BY bid_id, criterion_id`,
    ),
    allEntries: db.prepare<[string], EntryRow>(
      'SELECT * FROM evaluation_entries WHERE document_id = ? ORDER BY user_id, bid_id, criterion_id',
    ),
    submissions: db.prepare<[string], { user_id: string; submitted_at: number }>(
      'SELECT user_id, submitted_at FROM evaluation_submissions WHERE document_id = ? ORDER BY submitted_at',
    ),
    putAgreed: db.prepare(
      `INSERT INTO evaluation_agreed
         (document_id, round, bid_id, criterion_id, score, rationale, reason, agreed_by, agreed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (document_id, round, bid_id, criterion_id) DO UPDATE SET
         score = excluded.score, rationale = excluded.rationale, reason = excluded.reason,
         agreed_by = excluded.agreed_by, agreed_at = excluded.agreed_at`,
    ),
    agreedAt: db.prepare<[string, number, string, string], { agreed_at: number }>(
      `SELECT agreed_at FROM evaluation_agreed
       WHERE document_id = ? AND round = ? AND bid_id = ? AND criterion_id = ?`,
    ),
    startRound: db.prepare(
      `UPDATE evaluations SET round = round + 1, state = 'moderation', updated_at = MAX(?, updated_at + 1)
       WHERE document_id = ? AND state IN ('moderation', 'signed_off')`,
    ),
    insertRound: db.prepare(
      `INSERT INTO evaluation_rounds (document_id, round, reason, started_by, started_at, after_sign_off)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    rounds: db.prepare<[string], RoundRow>(
      'SELECT * FROM evaluation_rounds WHERE document_id = ? ORDER BY round',
    ),
    agreed: db.prepare<[string], AgreedRow>(
      `SELECT a.* FROM evaluation_agreed a JOIN evaluations e ON e.document_id = a.document_id
       WHERE a.document_id = ? AND a.round = e.round ORDER BY a.bid_id, a.criterion_id`,
    ),
    agreedEarlier: db.prepare<[string], AgreedRow>(
      `SELECT a.* FROM evaluation_agreed a JOIN evaluations e ON e.document_id = a.document_id
       WHERE a.document_id = ? AND a.round < e.round ORDER BY a.round, a.bid_id, a.criterion_id`,
    ),
    declare: db.prepare(
      `INSERT INTO evaluation_declarations
         (document_id, user_id, conflict, details, declared_at, lots, first_declared_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (document_id, user_id) DO UPDATE SET
         conflict = excluded.conflict, details = excluded.details, lots = excluded.lots,
         declared_at = excluded.declared_at,
         exception_mitigation = NULL, exception_by = NULL, exception_at = NULL`,
    ),
    keepDeclaration: db.prepare(
      `INSERT INTO evaluation_declaration_history
         (document_id, user_id, confidential, conflict, details, lots, declared_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    allowConflict: db.prepare(
      `UPDATE evaluation_declarations
       SET exception_mitigation = ?, exception_by = ?, exception_at = ?
       WHERE document_id = ? AND user_id = ? AND conflict = 1
         AND (? IS NULL OR declared_at = ?)`,
    ),
    // The member's latest declaration made is their current one, which the exception is for.
    keepException: db.prepare(
      `UPDATE evaluation_declaration_history
       SET exception_mitigation = ?, exception_by = ?, exception_at = ?
       WHERE id = (SELECT MAX(id) FROM evaluation_declaration_history
                   WHERE document_id = ? AND user_id = ?)`,
    ),
    declarations: db.prepare<[string], DeclarationRow>(
      'SELECT * FROM evaluation_declarations WHERE document_id = ? ORDER BY declared_at',
    ),
    declarationHistory: db.prepare<[string], DeclarationMadeRow>(
      'SELECT * FROM evaluation_declaration_history WHERE document_id = ? ORDER BY id',
    ),
  };

  const stateOf = (documentId: string) => stmt.get.get(documentId)?.state;
  const appendAudit = prepareAuditAppend(db);

  const saveSetup = db.transaction(
    (
      documentId: string,
      setup: EvaluationSetup,
      panel: readonly PanelMember[],
      at: number,
      audit: Audit,
    ) => {
      const saved =
        stmt.upsert.run(documentId, JSON.stringify(setup), JSON.stringify(panel), at).changes > 0;
      if (!saved) return false;
      stmt.dropRemovedBidFiles.run(documentId, JSON.stringify(setup.bids));
      appendAudit(audit);
      return true;
    },
  );
  const changePanel = db.transaction(
    (documentId: string, panel: readonly PanelMember[], at: number, audit: Audit) => {
      if (stmt.changePanel.run(JSON.stringify(panel), at, documentId).changes === 0) return false;
      appendAudit(audit);
      return true;
    },
  );
  const revealNames = db.transaction((documentId: string, at: number, audit: Audit) => {
    if (stmt.revealNames.run(at, at, documentId).changes === 0) return false;
    appendAudit(audit);
    return true;
  });

  const putEntry = db.transaction(
    (documentId: string, userId: string, e: ScoreEntry, at: number) => {
      if (stateOf(documentId) !== 'scoring') return 'closed' as const;
      if (stmt.submitted.get(documentId, userId)) return 'submitted' as const;
      stmt.putEntry.run(
        documentId,
        userId,
        e.bidId,
        e.criterionId,
        e.kind === 'score' ? e.score : null,
        e.kind === 'score' ? e.rationale : null,
        e.kind === 'abstain' ? e.reason : null,
        at,
      );
      return 'saved' as const;
    },
  );
  const submit = db.transaction((documentId: string, userId: string, at: number, audit: Audit) => {
    if (stateOf(documentId) !== 'scoring') return false;
    // Submitted before: the first time stays, and there is nothing new to record.
    if (stmt.submit.run(documentId, userId, at).changes > 0) appendAudit(audit);
    return true;
  });

  const putAgreed = db.transaction(
    (
      documentId: string,
      a: AgreedScore,
      userId: string,
      at: number,
      basedOn: number | null,
      audit: Audit,
    ) => {
      const evaluation = stmt.get.get(documentId);
      if (evaluation?.state !== 'moderation') return 'closed' as const;
      const { round } = evaluation;
      const current =
        stmt.agreedAt.get(documentId, round, a.bidId, a.criterionId)?.agreed_at ?? null;
      if (current !== basedOn) return 'stale' as const;
      stmt.putAgreed.run(
        documentId,
        round,
        a.bidId,
        a.criterionId,
        a.score,
        a.rationale,
        a.reason,
        userId,
        // Strictly increasing per pair, so `basedOn` tells every save apart.
        current !== null && at <= current ? current + 1 : at,
      );
      appendAudit(audit);
      return 'saved' as const;
    },
  );

  const startRound = db.transaction(
    (
      documentId: string,
      reason: string,
      by: string,
      at: number,
      options: Parameters<EvaluationStore['startRound']>[4] = {},
    ): number | null => {
      const { ifUpdatedAt } = options;
      const before = stmt.get.get(documentId);
      if (!before || (before.state !== 'moderation' && before.state !== 'signed_off')) return null;
      if (ifUpdatedAt !== undefined && before.updated_at !== ifUpdatedAt) return null;
      stmt.startRound.run(at, documentId);
      const round = before.round + 1;
      const afterSignOff = before.state === 'signed_off';
      stmt.insertRound.run(documentId, round, reason, by, at, afterSignOff ? 1 : 0);
      appendAudit(options.audit?.({ round, afterSignOff }) ?? []);
      return round;
    },
  );

  const transition = db.transaction(
    (
      documentId: string,
      from: string,
      to: string,
      at: number,
      options: Parameters<EvaluationStore['transition']>[4] = {},
    ) => {
      const ifUpdatedAt = options.ifUpdatedAt ?? null;
      const reason = options.overrideReason ?? null;
      const moved =
        stmt.transition.run(to, at, reason, documentId, from, ifUpdatedAt, ifUpdatedAt).changes > 0;
      if (!moved) return false;
      appendAudit(options.audit ?? []);
      return true;
    },
  );

  const declare = db.transaction(
    (documentId: string, userId: string, d: DeclarationWrite, at: number, audit: Audit) => {
      const state = stateOf(documentId);
      if (state !== 'scoring' && state !== 'moderation') return 'closed' as const;
      const lots = d.lots ? JSON.stringify(d.lots) : null;
      const conflict = d.conflict ? 1 : 0;
      stmt.declare.run(documentId, userId, conflict, d.details, at, lots, at);
      stmt.keepDeclaration.run(
        documentId,
        userId,
        d.confidential ? 1 : 0,
        conflict,
        d.details,
        lots,
        at,
      );
      appendAudit(audit);
      return 'saved' as const;
    },
  );
  const allowConflict = db.transaction(
    (
      documentId: string,
      userId: string,
      mitigation: string,
      by: string,
      at: number,
      declaredAt: number | null,
      audit: Audit,
    ) => {
      const run = stmt.allowConflict.run(
        mitigation,
        by,
        at,
        documentId,
        userId,
        declaredAt,
        declaredAt,
      );
      if (run.changes === 0) {
        return false;
      }
      stmt.keepException.run(mitigation, by, at, documentId, userId);
      appendAudit(audit);
      return true;
    },
  );

  return {
    async get(documentId) {
      const row = stmt.get.get(documentId);
      return row ? toEvaluation(row) : null;
    },
    async saveSetup(documentId, setup, panel, at, { audit = [] } = {}) {
      return saveSetup(documentId, setup, panel, at, audit);
    },
    async changePanel(documentId, panel, at, { audit = [] } = {}) {
      return changePanel(documentId, panel, at, audit);
    },
    async revealNames(documentId, at, { audit = [] } = {}) {
      return revealNames(documentId, at, audit);
    },
    async transition(documentId, from, to, at, options = {}) {
      return transition(documentId, from, to, at, options);
    },
    async putEntry(documentId, userId, entry, at) {
      return putEntry(documentId, userId, entry, at);
    },
    async submit(documentId, userId, at, { audit = [] } = {}) {
      return submit(documentId, userId, at, audit);
    },
    async entries(documentId, userId) {
      const rows =
        userId === undefined
          ? stmt.allEntries.all(documentId)
          : stmt.entriesOf.all(documentId, userId);
      return rows.map(toEntry);
    },
    async submissions(documentId) {
      return stmt.submissions
        .all(documentId)
        .map((r) => ({ userId: r.user_id, submittedAt: r.submitted_at }));
    },
    async putAgreed(documentId, agreed, userId, at, basedOn, { audit = [] } = {}) {
      return putAgreed(documentId, agreed, userId, at, basedOn, audit);
    },
    async startRound(documentId, reason, by, at, options = {}) {
      return startRound(documentId, reason, by, at, options);
    },
    async rounds(documentId) {
      return stmt.rounds.all(documentId).map(toRound);
    },
    async agreedScores(documentId, options = {}) {
      const rows = options.earlierRounds
        ? stmt.agreedEarlier.all(documentId)
        : stmt.agreed.all(documentId);
      return rows.map(toAgreed);
    },
    async declare(documentId, userId, declaration, at, { audit = [] } = {}) {
      return declare(documentId, userId, declaration, at, audit);
    },
    async allowConflict(documentId, userId, mitigation, by, at, { audit = [], declaredAt } = {}) {
      return allowConflict(documentId, userId, mitigation, by, at, declaredAt ?? null, audit);
    },
    async declarations(documentId): Promise<Declaration[]> {
      return stmt.declarations.all(documentId).map(toDeclaration);
    },
    async declarationHistory(documentId): Promise<DeclarationMade[]> {
      return stmt.declarationHistory.all(documentId).map(toDeclarationMade);
    },
  };
}
