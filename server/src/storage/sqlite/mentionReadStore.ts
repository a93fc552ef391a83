import type Database from 'better-sqlite3';
import type { MentionReadStore } from '../types.ts';

export function sqliteMentionReadStore(db: Database.Database): MentionReadStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO mention_reads (user_id, comment_id, document_id, read_at)
     VALUES (?, ?, ?, ?)`,
  );
  // The ids travel as one JSON list, so any number of them is one statement.
  const readOf = db.prepare<[string, string], { comment_id: string }>(
    `SELECT comment_id FROM mention_reads
     WHERE user_id = ? AND comment_id IN (SELECT value FROM json_each(?))`,
  );
  const erase = db.prepare('DELETE FROM mention_reads WHERE user_id = ?');
  const markRead = db.transaction(
    (userId: string, reads: readonly { commentId: string; documentId: string }[], at: number) => {
      for (const r of reads) insert.run(userId, r.commentId, r.documentId, at);
    },
  );
  return {
    async markRead(userId, reads, at) {
      markRead(userId, reads, at);
    },
    async readOf(userId, commentIds) {
      if (commentIds.length === 0) return new Set();
      return new Set(readOf.all(userId, JSON.stringify(commentIds)).map((r) => r.comment_id));
    },
    async eraseForUser(userId) {
      erase.run(userId);
    },
  };
}
