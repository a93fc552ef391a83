import type { Context } from 'hono';
import { authorizeDocument } from '../../http/authorize.ts';
import { clientIp } from '../../http/clientIp.ts';
import type { AppEnv } from '../../http/env.ts';
import { type AuditInput, auditEntry, recordAudit } from '../../services/audit.ts';
import type { AuditEntry } from '../../storage/types.ts';

/**
 * The caller, the document and their permission on it: every evaluation and bid route starts
 * here. `entry` audits a change: the store writes it in the same transaction as the change.
 * `audit` appends an entry on its own, for what changes nothing (a download, an export).
 */
export async function evaluationContext(c: Context<AppEnv>) {
  const { document, user, permission } = await authorizeDocument(c, 'document.view');
  const input = (action: AuditInput['action'], details: Record<string, unknown>): AuditInput => ({
    actorId: user.id,
    workspaceId: document.workspaceId,
    action,
    target: document.id,
    details,
    ip: clientIp(c),
  });
  return {
    storage: c.var.services.storage,
    document,
    actor: { userId: user.id, permission },
    audit: (action: AuditInput['action'], details: Record<string, unknown> = {}) =>
      recordAudit(c.var.services.storage, input(action, details)),
    /** An entry for a store to write with the change it records (one transaction). */
    entry:
      (action: AuditInput['action']) =>
      (details: Record<string, unknown> = {}): AuditEntry =>
        auditEntry(input(action, details)),
  };
}
