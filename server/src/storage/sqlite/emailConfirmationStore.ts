import type Database from 'better-sqlite3';
import { addressHash, laterOf, longestWindow, nextSendAt } from '../sendLimits.ts';
import type { EmailConfirmationRecord, EmailConfirmationStore, SendLimit } from '../types.ts';

export function sqliteEmailConfirmationStore(db: Database.Database): EmailConfirmationStore {
  const recent = db.prepare<[string, number], { created_at: number }>(
    'SELECT created_at FROM email_confirmations WHERE user_id = ? AND created_at > ?',
  );
  // Tokens that no longer count towards a limit and can no longer be used.
  const prune = db.prepare<[string, number, number]>(
    `DELETE FROM email_confirmations
     WHERE user_id = ? AND created_at <= ? AND (used_at IS NOT NULL OR expires_at <= ?)`,
  );
  // Sends to an address whatever account it belonged to (a deleted one's too).
  const sentToAddress = db.prepare<[Buffer, number], { sent_at: number }>(
    'SELECT sent_at FROM confirmation_sends WHERE address_hash = ? AND sent_at > ?',
  );
  // Every address's sends too old to count: a deleted account's address hash is not kept
  // longer than it matters.
  const pruneSends = db.prepare<[number]>('DELETE FROM confirmation_sends WHERE sent_at <= ?');
  const logSend = db.prepare<[Buffer, number]>(
    'INSERT INTO confirmation_sends (address_hash, sent_at) VALUES (?, ?)',
  );
  const insert = db.prepare(
    `INSERT INTO email_confirmations (token_hash, user_id, email, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  // better-sqlite3 runs a transaction to its end before anything else touches the
  // database, and only this process writes it: the count and the insert cannot interleave.
  const issue = db.transaction((record: EmailConfirmationRecord, limits: readonly SendLimit[]) => {
    const now = record.createdAt;
    const since = now - longestWindow(limits);
    const address = addressHash(record.email);
    prune.run(record.userId, since, now);
    pruneSends.run(since);
    const times = recent.all(record.userId, since).map((r) => r.created_at);
    const toAddress = sentToAddress.all(address, since).map((r) => r.sent_at);
    const retryAt = laterOf(nextSendAt(times, limits, now), nextSendAt(toAddress, limits, now));
    if (retryAt !== null) return { issued: false as const, retryAt };
    logSend.run(address, now);
    insert.run(
      Buffer.from(record.tokenHash),
      record.userId,
      record.email,
      record.createdAt,
      record.expiresAt,
    );
    return { issued: true as const };
  });
  // The one conditional write that decides: a token still unused, unexpired, and sent to
  // the address the account still has. Of two uses, the second finds it used.
  const use = db.prepare<[{ now: number; hash: Buffer }], { user_id: string; email: string }>(
    `UPDATE email_confirmations SET used_at = @now
     WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
       AND email = (SELECT u.email FROM users u
                    WHERE u.id = email_confirmations.user_id AND u.deleted_at IS NULL)
     RETURNING user_id, email`,
  );
  const confirm = db.prepare<[number, string, string]>(
    `UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, ?)
     WHERE id = ? AND email = ?`,
  );
  const spendOthers = db.prepare<[number, string]>(
    'UPDATE email_confirmations SET used_at = ? WHERE user_id = ? AND used_at IS NULL',
  );
  const consume = db.transaction((hash: Buffer, now: number) => {
    const used = use.get({ now, hash });
    if (!used) return null;
    confirm.run(now, used.user_id, used.email);
    spendOthers.run(now, used.user_id);
    return { userId: used.user_id, email: used.email };
  });
  const confirmedBy = db.prepare<[Buffer], { user_id: string; email: string }>(
    `SELECT c.user_id, c.email FROM email_confirmations c JOIN users u ON u.id = c.user_id
     WHERE c.token_hash = ? AND c.used_at IS NOT NULL AND u.deleted_at IS NULL
       AND u.email = c.email AND u.email_confirmed_at IS NOT NULL`,
  );
  const erase = db.prepare('DELETE FROM email_confirmations WHERE user_id = ?');
  return {
    async issue(record, limits) {
      return issue(record, limits);
    },
    async consume(tokenHash, now) {
      return consume(Buffer.from(tokenHash), now);
    },
    async alreadyConfirmed(tokenHash) {
      const row = confirmedBy.get(Buffer.from(tokenHash));
      return row ? { userId: row.user_id, email: row.email } : null;
    },
    async eraseForUser(userId) {
      erase.run(userId);
    },
  };
}
