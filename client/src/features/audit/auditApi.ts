import type { AuditAction } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  targetName: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable().catch(null),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditFilter {
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  before?: number | undefined;
  limit?: number;
}

export async function listAudit(workspaceId: string, filter: AuditFilter): Promise<AuditEntry[]> {
  const query = new URLSearchParams();
  if (filter.action) query.set('action', filter.action);
  if (filter.actorId) query.set('actorId', filter.actorId);
  if (filter.before !== undefined) query.set('before', String(filter.before));
  if (filter.limit !== undefined) query.set('limit', String(filter.limit));
  const path = `/workspaces/${encodeURIComponent(workspaceId)}/audit?${query.toString()}`;
  const response = await api(
    'GET',
    path,
    undefined,
    z.object({ entries: z.array(auditEntrySchema) }),
  );
  return response.entries;
}
