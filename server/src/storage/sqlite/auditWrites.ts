import type Database from 'better-sqlite3';
import type { AuditEntry } from '../types.ts';

/**
 * Writes audit entries, inside whatever transaction is open: the audit log's own append and
 * the stores that write a change together with its entry share this one statement.
 */
export function prepareAuditAppend(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_id, workspace_id, action, target, details, ip)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return (entries: readonly AuditEntry[]): void => {
    for (const e of entries) {
      insert.run(
        e.at,
        e.actorId,
        e.workspaceId,
        e.action,
        e.target,
        JSON.stringify(e.details),
        e.ip,
      );
    }
  };
}
