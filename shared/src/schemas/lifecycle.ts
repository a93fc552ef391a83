import { z } from 'zod';
import { leadRoles } from '../domain/lifecycle.ts';
import { idSchema } from './document.ts';

const leadRoleSchema = z.enum(leadRoles, {
  error: 'Choose a role: staff_lead, co_chair or sponsor.',
});

/** Moves a document to another status; `version` is the one the page showed. */
export const moveStatusSchema = z.object(
  {
    to: z
      .string({ error: 'Say which status to move to.' })
      .min(1, 'Say which status to move to.')
      .max(40, 'That is not a status.'),
    version: z.number({ error: 'Send the version of the status you saw.' }).int().min(0),
  },
  { error: 'Send a JSON object with the status to move to ("to") and the version you saw.' },
);

/** Names (or, with null, clears) the person holding a lead role. */
export const setLeadSchema = z.object(
  {
    role: leadRoleSchema,
    accountId: idSchema.nullable(),
    version: z.number({ error: 'Send the version of the status you saw.' }).int().min(0),
  },
  { error: 'Send a JSON object with the role, the member (or null) and the version you saw.' },
);

export const approveSchema = z.object(
  {
    role: leadRoleSchema,
    version: z.number({ error: 'Send the version of the status you saw.' }).int().min(0),
  },
  { error: 'Send a JSON object with the role you approve as and the version you saw.' },
);

export interface LifecycleView {
  status: string;
  statuses: { id: string; name: string }[];
  /** How approval works for this kind, in words. */
  rule: string;
  leads: {
    role: (typeof leadRoles)[number];
    roleName: string;
    person: { id: string; name: string } | null;
    approvedAt: string | null;
  }[];
  /** Members who may be named for each role (readers of the document with a fitting role). */
  candidates: Record<string, { id: string; name: string }[]>;
  /** Changes with every write: a write naming an older one is refused. */
  version: number;
  changedAt: string | null;
  changedBy: string | null;
}
