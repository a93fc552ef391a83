import type pg from 'pg';
import type { MentionEmailRecord, MentionEmailStore } from '../types.ts';
import { changes, first, rows } from './db.ts';

interface Row {
  user_id: string;
  comment_id: string;
  document_id: string;
  due_at: number;
  attempts: number;
}

const record = (r: Row): MentionEmailRecord => ({
  userId: r.user_id,
  commentId: r.comment_id,
  documentId: r.document_id,
  dueAt: r.due_at,
  attempts: r.attempts,
});

export function postgresMentionEmailStore(pool: pg.Pool): MentionEmailStore {
  return {
    async schedule(mentions, dueAt) {
      if (mentions.length === 0) return;
      await pool.query(
        `INSERT INTO mention_emails (user_id, comment_id, document_id, due_at)
         SELECT m.user_id, m.comment_id, m.document_id, $4
         FROM unnest($1::text[], $2::text[], $3::text[]) AS m(user_id, comment_id, document_id)
         ON CONFLICT (user_id, comment_id) DO NOTHING`,
        [
          mentions.map((m) => m.userId),
          mentions.map((m) => m.commentId),
          mentions.map((m) => m.documentId),
          dueAt,
        ],
      );
    },
    async claimDue(now, { token, until }, limit) {
      // Only people whose address is confirmed: nobody else is emailed.
      // Two processes may pick the same people in the subquery; the second's UPDATE waits
      // for the first's row locks and then checks the condition again on the claimed rows
      // (READ COMMITTED), finds them taken, and leaves them.
      const claimed = await rows<Row>(
        pool,
        `UPDATE mention_emails
         SET claim_token = $1, claimed_until = $2, attempts = attempts + 1
         WHERE state = 'pending' AND (claimed_until IS NULL OR claimed_until <= $3)
           AND user_id IN (
             SELECT DISTINCT user_id FROM mention_emails
             WHERE state = 'pending' AND due_at <= $3
               AND (claimed_until IS NULL OR claimed_until <= $3)
               AND user_id IN (SELECT id FROM users WHERE email_confirmed_at IS NOT NULL)
             LIMIT $4)
         RETURNING user_id, comment_id, document_id, due_at, attempts`,
        [token, until, now, limit],
      );
      return claimed.map(record);
    },
    async settle(userId, commentIds, token, outcome) {
      if (outcome.state === 'pending') {
        return changes(
          pool,
          `UPDATE mention_emails SET due_at = $1, claim_token = NULL, claimed_until = NULL
           WHERE user_id = $2 AND claim_token = $3 AND comment_id = ANY($4::text[])`,
          [outcome.retryAt, userId, token, [...commentIds]],
        );
      }
      return changes(
        pool,
        `UPDATE mention_emails
         SET state = $1, settled_at = $2, claim_token = NULL, claimed_until = NULL
         WHERE user_id = $3 AND claim_token = $4 AND comment_id = ANY($5::text[])`,
        [outcome.state, outcome.at, userId, token, [...commentIds]],
      );
    },
    async dropUnconfirmed(dueBefore, at) {
      return changes(
        pool,
        `UPDATE mention_emails SET state = 'dropped', settled_at = $1
         WHERE state = 'pending' AND due_at < $2 AND (claimed_until IS NULL OR claimed_until <= $1)
           AND user_id NOT IN (SELECT id FROM users WHERE email_confirmed_at IS NOT NULL)`,
        [at, dueBefore],
      );
    },
    async stateOf(userId, commentId) {
      const row = await first<{ state: string }>(
        pool,
        'SELECT state FROM mention_emails WHERE user_id = $1 AND comment_id = $2',
        [userId, commentId],
      );
      return row?.state ?? null;
    },
    async eraseForUser(userId) {
      await pool.query('DELETE FROM mention_emails WHERE user_id = $1', [userId]);
    },
  };
}
