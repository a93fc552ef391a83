import type { AuditEntry } from '../types.ts';
import type { Queryable } from './db.ts';

/**
 * Writes audit entries on a pool or inside a transaction's client: the audit log's own
 * append and the stores that write a change together with its entry share this one query.
 */
export async function appendAudit(q: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  for (const e of entries) {
    await q.query(
      `INSERT INTO audit_log (at, actor_id, workspace_id, action, target, details, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.at, e.actorId, e.workspaceId, e.action, e.target, JSON.stringify(e.details), e.ip],
    );
  }
}
