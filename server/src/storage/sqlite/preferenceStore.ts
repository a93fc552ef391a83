import type Database from 'better-sqlite3';
import type { PreferenceStore } from '../types.ts';

export function sqlitePreferenceStore(db: Database.Database): PreferenceStore {
  const get = db.prepare<[string], { email_mentions: number }>(
    'SELECT email_mentions FROM user_preferences WHERE user_id = ?',
  );
  const set = db.prepare(
    `INSERT INTO user_preferences (user_id, email_mentions, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET email_mentions = excluded.email_mentions,
       updated_at = excluded.updated_at`,
  );
  const erase = db.prepare('DELETE FROM user_preferences WHERE user_id = ?');
  return {
    async get(userId) {
      const row = get.get(userId);
      return { emailMentions: row ? row.email_mentions === 1 : true };
    },
    async set(userId, preferences, at) {
      set.run(userId, preferences.emailMentions ? 1 : 0, at);
    },
    async eraseForUser(userId) {
      erase.run(userId);
    },
  };
}
