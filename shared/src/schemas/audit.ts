import { z } from 'zod';

/** Everything the audit log records. Append-only; never updated or deleted. */
export const auditActions = [
  'auth.signin',
  'auth.signin_failed',
  'auth.signout',
  'auth.password_changed',
  'auth.session_ended',
  'invite.created',
  'invite.used',
  'invite.revoked',
  'member.added',
  'member.permission_changed',
  'member.role_changed',
  'member.removed',
  'member.left',
  'account.deleted',
  'document.created',
  'document.renamed',
  'document.deleted',
  'document.access_changed',
  'document.exported',
  'document.status_changed',
  'document.lead_named',
  'document.approved',
  'evaluation.setup_saved',
  'evaluation.scoring_started',
  'evaluation.scores_submitted',
  'evaluation.moderation_opened',
  'evaluation.score_agreed',
  'evaluation.signed_off',
  'evaluation.declared',
  'evaluation.conflict_exception',
  'evaluation.chair_changed',
  'evaluation.round_started',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const auditQuerySchema = z.object({
  action: z.enum(auditActions, { error: 'Choose an action from the list.' }).optional(),
  actorId: z.string().max(40).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
