import type Database from 'better-sqlite3';
import type { MentionEmailRecord, MentionEmailStore } from '../types.ts';

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

export function sqliteMentionEmailStore(db: Database.Database): MentionEmailStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO mention_emails (user_id, comment_id, document_id, due_at)
     VALUES (?, ?, ?, ?)`,
  );
  const schedule = db.transaction(
    (
      mentions: readonly { userId: string; commentId: string; documentId: string }[],
      at: number,
    ) => {
      for (const m of mentions) insert.run(m.userId, m.commentId, m.documentId, at);
    },
  );
  // One statement: the people with a mention due and free (and a confirmed address: nobody
  // else is emailed), then all their free waiting mentions, claimed only if still free when
  // written (the condition is in the UPDATE).
  const claim = db.prepare<[{ token: string; until: number; now: number; limit: number }], Row>(
    `UPDATE mention_emails
     SET claim_token = @token, claimed_until = @until, attempts = attempts + 1
     WHERE state = 'pending' AND (claimed_until IS NULL OR claimed_until <= @now)
       AND user_id IN (
         SELECT DISTINCT user_id FROM mention_emails
         WHERE state = 'pending' AND due_at <= @now
           AND (claimed_until IS NULL OR claimed_until <= @now)
           AND user_id IN (SELECT id FROM users WHERE email_confirmed_at IS NOT NULL)
         LIMIT @limit)
     RETURNING user_id, comment_id, document_id, due_at, attempts`,
  );
  const finish = db.prepare<[string, number, string, string, string]>(
    `UPDATE mention_emails SET state = ?, settled_at = ?, claim_token = NULL, claimed_until = NULL
     WHERE user_id = ? AND claim_token = ? AND comment_id IN (SELECT value FROM json_each(?))`,
  );
  const retry = db.prepare<[number, string, string, string]>(
    `UPDATE mention_emails SET due_at = ?, claim_token = NULL, claimed_until = NULL
     WHERE user_id = ? AND claim_token = ? AND comment_id IN (SELECT value FROM json_each(?))`,
  );
  const stateOf = db.prepare<[string, string], { state: string }>(
    'SELECT state FROM mention_emails WHERE user_id = ? AND comment_id = ?',
  );
  const dropUnconfirmed = db.prepare<[number, number, number]>(
    `UPDATE mention_emails SET state = 'dropped', settled_at = ?
     WHERE state = 'pending' AND due_at < ? AND (claimed_until IS NULL OR claimed_until <= ?)
       AND user_id NOT IN (SELECT id FROM users WHERE email_confirmed_at IS NOT NULL)`,
  );
  const erase = db.prepare('DELETE FROM mention_emails WHERE user_id = ?');
  return {
    async schedule(mentions, dueAt) {
      schedule(mentions, dueAt);
    },
    async claimDue(now, { token, until }, limit) {
      return claim.all({ token, until, now, limit }).map(record);
    },
    async settle(userId, commentIds, token, outcome) {
      const ids = JSON.stringify(commentIds);
      if (outcome.state === 'pending')
        return retry.run(outcome.retryAt, userId, token, ids).changes;
      return finish.run(outcome.state, outcome.at, userId, token, ids).changes;
    },
    async dropUnconfirmed(dueBefore, at) {
      return dropUnconfirmed.run(at, dueBefore, at).changes;
    },
    async stateOf(userId, commentId) {
      return stateOf.get(userId, commentId)?.state ?? null;
    },
    async eraseForUser(userId) {
      erase.run(userId);
    },
  };
}
