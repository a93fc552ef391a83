import type pg from 'pg';
import { longestWindow, nextSendAt } from '../sendLimits.ts';
import type { EmailConfirmationStore } from '../types.ts';
import { first, rows, transaction } from './db.ts';

export function postgresEmailConfirmationStore(pool: pg.Pool): EmailConfirmationStore {
  return {
    async issue(record, limits) {
      return transaction(pool, async (c) => {
        // One request per account at a time, whichever process it reached: without the
        // lock, two at once would both count the same earlier tokens and both pass.
        await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [record.userId]);
        const now = record.createdAt;
        const since = now - longestWindow(limits);
        // Tokens that no longer count towards a limit and can no longer be used.
        await c.query(
          `DELETE FROM email_confirmations
           WHERE user_id = $1 AND created_at <= $2 AND (used_at IS NOT NULL OR expires_at <= $3)`,
          [record.userId, since, now],
        );
        const times = (
          await rows<{ created_at: number }>(
            c,
            'SELECT created_at FROM email_confirmations WHERE user_id = $1 AND created_at > $2',
            [record.userId, since],
          )
        ).map((r) => r.created_at);
        const retryAt = nextSendAt(times, limits, now);
        if (retryAt !== null) return { issued: false as const, retryAt };
        await c.query(
          `INSERT INTO email_confirmations (token_hash, user_id, email, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            Buffer.from(record.tokenHash),
            record.userId,
            record.email,
            record.createdAt,
            record.expiresAt,
          ],
        );
        return { issued: true as const };
      });
    },
    async consume(tokenHash, now) {
      // One statement. `used` is the conditional write that decides: a second use at the
      // same moment waits for the first's row lock, then finds the token used (READ
      // COMMITTED checks the condition again on the new row) and changes nothing.
      const row = await first<{ user_id: string; email: string }>(
        pool,
        `WITH used AS (
           UPDATE email_confirmations c SET used_at = $2
           FROM users u
           WHERE c.token_hash = $1 AND c.used_at IS NULL AND c.expires_at > $2
             AND u.id = c.user_id AND u.email = c.email AND u.deleted_at IS NULL
           RETURNING c.user_id, c.email
         ), confirmed AS (
           UPDATE users u SET email_confirmed_at = coalesce(u.email_confirmed_at, $2)
           FROM used WHERE u.id = used.user_id AND u.email = used.email
         ), spent AS (
           UPDATE email_confirmations c SET used_at = $2
           FROM used WHERE c.user_id = used.user_id AND c.used_at IS NULL AND c.token_hash <> $1
         )
         SELECT user_id, email FROM used`,
        [Buffer.from(tokenHash), now],
      );
      return row ? { userId: row.user_id, email: row.email } : null;
    },
    async eraseForUser(userId) {
      await pool.query('DELETE FROM email_confirmations WHERE user_id = $1', [userId]);
    },
  };
}
