import type pg from 'pg';
import type { PreferenceStore } from '../types.ts';
import { first } from './db.ts';

export function postgresPreferenceStore(pool: pg.Pool): PreferenceStore {
  return {
    async get(userId) {
      const row = await first<{ email_mentions: boolean }>(
        pool,
        'SELECT email_mentions FROM user_preferences WHERE user_id = $1',
        [userId],
      );
      return { emailMentions: row ? row.email_mentions : true };
    },
    async set(userId, preferences, at) {
      await pool.query(
        `INSERT INTO user_preferences (user_id, email_mentions, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET email_mentions = EXCLUDED.email_mentions,
           updated_at = EXCLUDED.updated_at`,
        [userId, preferences.emailMentions, at],
      );
    },
    async eraseForUser(userId) {
      await pool.query('DELETE FROM user_preferences WHERE user_id = $1', [userId]);
    },
  };
}
