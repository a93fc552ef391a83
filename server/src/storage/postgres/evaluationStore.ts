import type { AgreedScore, Declaration, DeclarationMade, ScoreEntry } from '@chorus/shared';
import type pg from 'pg';
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
import type { EvaluationStore } from '../types.ts';
import { appendAudit } from './auditWrites.ts';
import { changes, first, type Queryable, rows, transaction } from './db.ts';

/**
 * The evaluation row, locked until the transaction ends. Every guarded write reads the
 * stage through this, so a write and a change of stage (taken by several server processes
 * at once) run one after the other: a score can never land after moderation has opened.
 */
const lockEvaluation = (c: Queryable, documentId: string) =>
  first<EvaluationRow>(c, 'SELECT * FROM evaluations WHERE document_id = $1 FOR UPDATE', [
    documentId,
  ]);

/**
 * Procurement evaluations in PostgreSQL. Each write runs in one transaction with its audit
 * entries, written only once the change is made: a change is never on record without its
 * entry, nor an entry without its change.
 */
export function postgresEvaluationStore(pool: pg.Pool): EvaluationStore {
  return {
    async get(documentId) {
      const row = await first<EvaluationRow>(
        pool,
        'SELECT * FROM evaluations WHERE document_id = $1',
        [documentId],
      );
      return row ? toEvaluation(row) : null;
    },
    async saveSetup(documentId, setup, panel, at, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const saved = await changes(
          c,
          `INSERT INTO evaluations (document_id, state, setup, panel, updated_at)
         VALUES ($1, 'setup', $2, $3, $4)
         ON CONFLICT (document_id) DO UPDATE SET
           setup = excluded.setup, panel = excluded.panel,
           -- Strictly increasing, so a compare-and-set on it sees every change.
           updated_at = GREATEST(excluded.updated_at, evaluations.updated_at + 1)
         WHERE evaluations.state = 'setup'`,
          [documentId, JSON.stringify(setup), JSON.stringify(panel), at],
        );
        if (saved === 0) return false;
        // The files of bids the set-up no longer has: confidential, and unreachable once
        // their bid is gone (a bid added again gets a new id), so they are not kept.
        await c.query(
          'DELETE FROM bid_documents WHERE document_id = $1 AND NOT (bid_id = ANY($2::text[]))',
          [documentId, setup.bids.map((b) => b.id)],
        );
        await appendAudit(c, audit);
        return true;
      });
    },
    async changePanel(documentId, panel, at, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const changed = await changes(
          c,
          `UPDATE evaluations SET panel = $1, updated_at = GREATEST($2, updated_at + 1)
           WHERE document_id = $3 AND state != 'setup'`,
          [JSON.stringify(panel), at, documentId],
        );
        if (changed === 0) return false;
        await appendAudit(c, audit);
        return true;
      });
    },
    async revealNames(documentId, at, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const revealed = await changes(
          c,
          `UPDATE evaluations SET names_revealed_at = $1, updated_at = GREATEST($1, updated_at + 1)
           WHERE document_id = $2 AND state IN ('scoring', 'moderation')
             AND names_revealed_at IS NULL`,
          [at, documentId],
        );
        if (revealed === 0) return false;
        await appendAudit(c, audit);
        return true;
      });
    },
    async transition(documentId, from, to, at, options = {}) {
      return transaction(pool, async (c) => {
        const moved = await changes(
          c,
          `UPDATE evaluations
           SET state = $1, updated_at = GREATEST($2, updated_at + 1),
             override_reason = COALESCE($3, override_reason)
           WHERE document_id = $4 AND state = $5 AND ($6::bigint IS NULL OR updated_at = $6)`,
          [to, at, options.overrideReason ?? null, documentId, from, options.ifUpdatedAt ?? null],
        );
        if (moved === 0) return false;
        await appendAudit(c, options.audit ?? []);
        return true;
      });
    },
    async putEntry(documentId, userId, e: ScoreEntry, at) {
      return transaction(pool, async (c) => {
        if ((await lockEvaluation(c, documentId))?.state !== 'scoring') return 'closed' as const;
        const submitted = await first(
          c,
          'SELECT 1 FROM evaluation_submissions WHERE document_id = $1 AND user_id = $2',
          [documentId, userId],
        );
        if (submitted) return 'submitted' as const;
        await c.query(
          `INSERT INTO evaluation_entries
             (document_id, user_id, bid_id, criterion_id, score, rationale, abstain_reason, saved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (document_id, user_id, bid_id, criterion_id) DO UPDATE SET
             score = excluded.score, rationale = excluded.rationale,
             abstain_reason = excluded.abstain_reason, saved_at = excluded.saved_at`,
          [
            documentId,
            userId,
            e.bidId,
            e.criterionId,
            e.kind === 'score' ? e.score : null,
            e.kind === 'score' ? e.rationale : null,
            e.kind === 'abstain' ? e.reason : null,
            at,
          ],
        );
        return 'saved' as const;
      });
    },
    async submit(documentId, userId, at, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        if ((await lockEvaluation(c, documentId))?.state !== 'scoring') return false;
        const submitted = await changes(
          c,
          `INSERT INTO evaluation_submissions (document_id, user_id, submitted_at)
           VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [documentId, userId, at],
        );
        // Submitted before: the first time stays, and there is nothing new to record.
        if (submitted > 0) await appendAudit(c, audit);
        return true;
      });
    },
    async entries(documentId, userId) {
      const found =
        userId === undefined
          ? await rows<EntryRow>(
              pool,
              `SELECT * FROM evaluation_entries WHERE document_id = $1
               ORDER BY user_id, bid_id, criterion_id`,
              [documentId],
            )
          : await rows<EntryRow>(
              pool,
              `SELECT * FROM evaluation_entries WHERE document_id = $1 AND user_id = $2
               ORDER BY bid_id, criterion_id`,
              [documentId, userId],
            );
      return found.map(toEntry);
    },
    async submissions(documentId) {
      const found = await rows<{ user_id: string; submitted_at: number }>(
        pool,
        `SELECT user_id, submitted_at FROM evaluation_submissions WHERE document_id = $1
         ORDER BY submitted_at`,
        [documentId],
      );
      return found.map((r) => ({ userId: r.user_id, submittedAt: r.submitted_at }));
    },
    async putAgreed(documentId, a: AgreedScore, userId, at, basedOn, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const evaluation = await lockEvaluation(c, documentId);
        if (evaluation?.state !== 'moderation') return 'closed' as const;
        const { round } = evaluation;
        const current =
          (
            await first<{ agreed_at: number }>(
              c,
              `SELECT agreed_at FROM evaluation_agreed
               WHERE document_id = $1 AND round = $2 AND bid_id = $3 AND criterion_id = $4`,
              [documentId, round, a.bidId, a.criterionId],
            )
          )?.agreed_at ?? null;
        if (current !== basedOn) return 'stale' as const;
        await c.query(
          `INSERT INTO evaluation_agreed
             (document_id, round, bid_id, criterion_id, score, rationale, reason, agreed_by, agreed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (document_id, round, bid_id, criterion_id) DO UPDATE SET
             score = excluded.score, rationale = excluded.rationale, reason = excluded.reason,
             agreed_by = excluded.agreed_by, agreed_at = excluded.agreed_at`,
          [
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
          ],
        );
        await appendAudit(c, audit);
        return 'saved' as const;
      });
    },
    async agreedScores(documentId, options = {}) {
      const found = await rows<AgreedRow>(
        pool,
        options.earlierRounds
          ? `SELECT a.* FROM evaluation_agreed a JOIN evaluations e ON e.document_id = a.document_id
             WHERE a.document_id = $1 AND a.round < e.round ORDER BY a.round, a.bid_id, a.criterion_id`
          : `SELECT a.* FROM evaluation_agreed a JOIN evaluations e ON e.document_id = a.document_id
             WHERE a.document_id = $1 AND a.round = e.round ORDER BY a.bid_id, a.criterion_id`,
        [documentId],
      );
      return found.map(toAgreed);
    },
    async startRound(documentId, reason, by, at, options = {}) {
      return transaction(pool, async (c) => {
        const before = await lockEvaluation(c, documentId);
        if (!before || (before.state !== 'moderation' && before.state !== 'signed_off')) {
          return null;
        }
        if (options.ifUpdatedAt !== undefined && before.updated_at !== options.ifUpdatedAt) {
          return null;
        }
        const round = before.round + 1;
        const afterSignOff = before.state === 'signed_off';
        await c.query(
          `UPDATE evaluations SET round = $1, state = 'moderation',
             updated_at = GREATEST($2, updated_at + 1)
           WHERE document_id = $3`,
          [round, at, documentId],
        );
        await c.query(
          `INSERT INTO evaluation_rounds
             (document_id, round, reason, started_by, started_at, after_sign_off)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [documentId, round, reason, by, at, afterSignOff],
        );
        await appendAudit(c, options.audit?.({ round, afterSignOff }) ?? []);
        return round;
      });
    },
    async rounds(documentId) {
      const found = await rows<RoundRow>(
        pool,
        'SELECT * FROM evaluation_rounds WHERE document_id = $1 ORDER BY round',
        [documentId],
      );
      return found.map(toRound);
    },
    async declare(documentId, userId, d, at, { audit = [] } = {}) {
      return transaction(pool, async (c) => {
        const state = (await lockEvaluation(c, documentId))?.state;
        if (state !== 'scoring' && state !== 'moderation') return 'closed' as const;
        const lots = d.lots ? JSON.stringify(d.lots) : null;
        await c.query(
          `INSERT INTO evaluation_declarations
             (document_id, user_id, conflict, details, declared_at, lots, first_declared_at)
           VALUES ($1, $2, $3, $4, $5, $6, $5)
           ON CONFLICT (document_id, user_id) DO UPDATE SET
             conflict = excluded.conflict, details = excluded.details, lots = excluded.lots,
             declared_at = excluded.declared_at,
             exception_mitigation = NULL, exception_by = NULL, exception_at = NULL`,
          [documentId, userId, d.conflict, d.details, at, lots],
        );
        await c.query(
          `INSERT INTO evaluation_declaration_history
             (document_id, user_id, confidential, conflict, details, lots, declared_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [documentId, userId, d.confidential, d.conflict, d.details, lots, at],
        );
        await appendAudit(c, audit);
        return 'saved' as const;
      });
    },
    async allowConflict(documentId, userId, mitigation, by, at, { audit = [], declaredAt } = {}) {
      return transaction(pool, async (c) => {
        // The declaration's time in the same statement: a member who declared again since
        // (even at this moment) does not get an exception meant for their earlier one.
        const allowed = await changes(
          c,
          `UPDATE evaluation_declarations
           SET exception_mitigation = $1, exception_by = $2, exception_at = $3
           WHERE document_id = $4 AND user_id = $5 AND conflict
             AND ($6::BIGINT IS NULL OR declared_at = $6::BIGINT)`,
          [mitigation, by, at, documentId, userId, declaredAt ?? null],
        );
        if (allowed === 0) return false;
        // The member's latest declaration made is their current one, which it is for.
        await c.query(
          `UPDATE evaluation_declaration_history
           SET exception_mitigation = $1, exception_by = $2, exception_at = $3
           WHERE seq = (SELECT MAX(seq) FROM evaluation_declaration_history
                        WHERE document_id = $4 AND user_id = $5)`,
          [mitigation, by, at, documentId, userId],
        );
        await appendAudit(c, audit);
        return true;
      });
    },
    async declarations(documentId): Promise<Declaration[]> {
      const found = await rows<DeclarationRow>(
        pool,
        'SELECT * FROM evaluation_declarations WHERE document_id = $1 ORDER BY declared_at',
        [documentId],
      );
      return found.map(toDeclaration);
    },
    async declarationHistory(documentId): Promise<DeclarationMade[]> {
      const found = await rows<DeclarationMadeRow>(
        pool,
        'SELECT * FROM evaluation_declaration_history WHERE document_id = $1 ORDER BY seq',
        [documentId],
      );
      return found.map(toDeclarationMade);
    },
  };
}
