import type { AuditAction } from '@chorus/shared';
import type { Logger } from '../logger.ts';
import type { AuditEntry, Storage } from '../storage/types.ts';

export interface AuditInput {
  actorId: string | null;
  workspaceId?: string | null;
  action: AuditAction;
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** The stored form of an entry, for a store that writes it with the change it records. */
export function auditEntry(entry: AuditInput, at = Date.now()): AuditEntry {
  return {
    at,
    actorId: entry.actorId,
    workspaceId: entry.workspaceId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  };
}

/** Appends one entry to the audit log. The log is append-only in the database too. */
export async function recordAudit(
  storage: Storage,
  entry: AuditInput,
  logger?: Logger,
): Promise<void> {
  try {
    await storage.audit.append(auditEntry(entry));
  } catch (err) {
    // Never lose the fact that auditing failed.
    logger?.log('error', 'audit.append_failed', { action: entry.action, error: String(err) });
    throw err;
  }
}
