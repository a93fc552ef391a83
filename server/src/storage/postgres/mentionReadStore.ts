import type pg from 'pg';
import type { MentionReadStore } from '../types.ts';
import { rows } from './db.ts';

export function postgresMentionReadStore(pool: pg.Pool): MentionReadStore {
  return {
    async markRead(userId, reads, at) {
      if (reads.length === 0) return;
      // One statement: its own transaction.
      await pool.query(
        `INSERT INTO mention_reads (user_id, comment_id, document_id, read_at)
         SELECT $1, r.comment_id, r.document_id, $4
         FROM unnest($2::text[], $3::text[]) AS r(comment_id, document_id)
         ON CONFLICT (user_id, comment_id) DO NOTHING`,
        [userId, reads.map((r) => r.commentId), reads.map((r) => r.documentId), at],
      );
    },
    async readOf(userId, commentIds) {
      if (commentIds.length === 0) return new Set();
      const found = await rows<{ comment_id: string }>(
        pool,
        'SELECT comment_id FROM mention_reads WHERE user_id = $1 AND comment_id = ANY($2::text[])',
        [userId, [...commentIds]],
      );
      return new Set(found.map((r) => r.comment_id));
    },
    async eraseForUser(userId) {
      await pool.query('DELETE FROM mention_reads WHERE user_id = $1', [userId]);
    },
  };
}
