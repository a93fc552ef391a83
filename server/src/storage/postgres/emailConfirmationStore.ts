import type pg from 'pg';
import { addressHash, laterOf, longestWindow, nextSendAt } from '../sendLimits.ts';
import type { EmailConfirmationStore } from '../types.ts';
import { first, rows, transaction } from './db.ts';

export function postgresEmailConfirmationStore(pool: pg.Pool): EmailConfirmationStore {
  return {
    async issue(record, limits) {
      return transaction(pool, async (c) => {
        // One request per account at a time, whichever process it reached: without the
        // lock, two at once would both count the same earlier tokens and both pass.
        await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [record.userId]);
        // And one per address: the row lock does not cover a new account with an address
        // a deleted one had, whose sends count on (confirmation_sends).
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `confirmation:${record.email.toLowerCase()}`,
        ]);
        const address = addressHash(record.email);
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
        // Every address's sends too old to count: a deleted account's address hash is not
        // kept longer than it matters. Rows another request is deleting are skipped (it
        // removes them), so two requests for different addresses never wait on each other.
        await c.query(
          `DELETE FROM confirmation_sends WHERE ctid IN (
             SELECT ctid FROM confirmation_sends WHERE sent_at <= $1 FOR UPDATE SKIP LOCKED)`,
          [since],
        );
        const toAddress = (
          await rows<{ sent_at: number }>(
            c,
            'SELECT sent_at FROM confirmation_sends WHERE address_hash = $1 AND sent_at > $2',
            [address, since],
          )
        ).map((r) => r.sent_at);
        const retryAt = laterOf(nextSendAt(times, limits, now), nextSendAt(toAddress, limits, now));
        if (retryAt !== null) return { issued: false as const, retryAt };
        await c.query('INSERT INTO confirmation_sends (address_hash, sent_at) VALUES ($1, $2)', [
          address,
          now,
        ]);
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
      const hash = Buffer.from(tokenHash);
      return transaction(pool, async (c) => {
        const token = await first<{ user_id: string }>(
          c,
          'SELECT user_id FROM email_confirmations WHERE token_hash = $1',
          [hash],
        );
        if (!token) return null;
        // The account's row first, as issue() does: the statement below locks this token
        // and then the account's others, so two tokens of one account used at once would
        // otherwise each hold one and wait for the other (a deadlock).
        await c.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [token.user_id]);
        // `used` is the conditional write that decides: a second use of the same token
        // waits on the account's row, then finds the token used and changes nothing.
        const row = await first<{ user_id: string; email: string }>(
          c,
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
          [hash, now],
        );
        return row ? { userId: row.user_id, email: row.email } : null;
      });
    },
    async alreadyConfirmed(tokenHash) {
      const row = await first<{ user_id: string; email: string }>(
        pool,
        `SELECT c.user_id, c.email FROM email_confirmations c JOIN users u ON u.id = c.user_id
         WHERE c.token_hash = $1 AND c.used_at IS NOT NULL AND u.deleted_at IS NULL
           AND u.email = c.email AND u.email_confirmed_at IS NOT NULL`,
        [Buffer.from(tokenHash)],
      );
      return row ? { userId: row.user_id, email: row.email } : null;
    },
    async eraseForUser(userId) {
      await pool.query('DELETE FROM email_confirmations WHERE user_id = $1', [userId]);
    },
  };
}
