import { type LeadRole, type LifecycleView, leadRoles } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const personSchema = z.object({ id: z.string(), name: z.string() });

const viewSchema = z.object({
  status: z.string(),
  statuses: z.array(z.object({ id: z.string(), name: z.string() })),
  rule: z.string(),
  leads: z.array(
    z.object({
      role: z.enum(leadRoles),
      roleName: z.string(),
      person: personSchema.nullable(),
      approvedAt: z.string().nullable(),
    }),
  ),
  candidates: z.record(z.string(), z.array(personSchema)),
  version: z.number(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
}) satisfies z.ZodType<LifecycleView>;

export type StatusView = z.infer<typeof viewSchema>;

const path = (documentId: string) => `/documents/${encodeURIComponent(documentId)}/status`;

export const getStatus = (documentId: string) =>
  api('GET', path(documentId), undefined, viewSchema);

export const moveStatus = (documentId: string, to: string, version: number) =>
  api('PUT', path(documentId), { to, version }, viewSchema);

export const nameLead = (
  documentId: string,
  role: LeadRole,
  accountId: string | null,
  version: number,
) => api('PUT', `${path(documentId)}/leads`, { role, accountId, version }, viewSchema);

export const approveAs = (documentId: string, role: LeadRole, version: number) =>
  api('POST', `${path(documentId)}/approvals`, { role, version }, viewSchema);
