/**
 * Rows as both SQL backends return them, and the records the services see. SQLite gives
 * booleans as 0 and 1, PostgreSQL as true and false; everything else reads the same
 * (PostgreSQL's BIGINTs are parsed as numbers, see `postgres/db.ts`).
 */

import type {
  AgreedScore,
  AuditAction,
  CreditMode,
  Declaration,
  DeclarationMade,
  DocumentKind,
  EvaluationSetup,
  EvaluationState,
  PanelMember,
  ParticipantRole,
  ScoreEntry,
} from '@chorus/shared';
import { leadRoles } from '@chorus/shared';
import { z } from 'zod';
import type {
  AuditRow,
  CommentRecord,
  CommentThreadRecord,
  DocumentRecord,
  EvaluationRecord,
  InviteRecord,
  LifecycleRecord,
  MembershipRecord,
  ModerationRound,
  Permission,
  SessionRecord,
  SuggestionState,
  UserRecord,
  VersionRecord,
  WorkspaceRecord,
} from './types.ts';

/** A boolean column: 0 or 1 in SQLite, false or true in PostgreSQL. */
type Flag = number | boolean;

export interface UserRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  created_at: number;
  credit_mode: string;
  display_name: string | null;
  deleted_at: number | null;
  email_confirmed_at: number | null;
}
export interface SessionRow {
  id: string;
  secret_hash: Buffer;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
}
export interface WorkspaceRow {
  id: string;
  name: string;
  created_at: number;
}
export interface MembershipRow {
  workspace_id: string;
  user_id: string;
  permission: string;
  participant_role: string;
  created_at: number;
  color_slot: number;
}
export interface DocumentRow {
  id: string;
  workspace_id: string;
  title: string;
  kind: string;
  created_by: string;
  created_at: number;
  updated_at: number;
  restricted: Flag;
}
export interface InviteRow {
  id: string;
  secret_hash: Buffer;
  workspace_id: string;
  permission: string;
  participant_role: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
}
export interface AuditDbRow {
  id: number;
  at: number;
  actor_id: string | null;
  workspace_id: string | null;
  action: string;
  target: string | null;
  details: string;
  ip: string | null;
}
export interface VersionMetaRow {
  id: string;
  document_id: string;
  kind: string;
  label: string | null;
  created_by: string | null;
  created_at: number;
}

export const bytes = (b: Buffer): Uint8Array =>
  new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  creditMode: r.credit_mode as CreditMode,
  displayName: r.display_name,
  deletedAt: r.deleted_at ?? null,
  emailConfirmedAt: r.email_confirmed_at ?? null,
});
export const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  secretHash: bytes(r.secret_hash),
  userId: r.user_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
});
export const toWorkspace = (r: WorkspaceRow): WorkspaceRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
});
export const toMembership = (r: MembershipRow): MembershipRecord => ({
  workspaceId: r.workspace_id,
  userId: r.user_id,
  permission: r.permission as Permission,
  participantRole: r.participant_role as ParticipantRole,
  createdAt: r.created_at,
  colorSlot: r.color_slot,
});
export const toDocument = (r: DocumentRow): DocumentRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  title: r.title,
  kind: r.kind as DocumentKind,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  restricted: r.restricted === true || r.restricted === 1,
});
export const toInvite = (r: InviteRow): InviteRecord => ({
  id: r.id,
  secretHash: bytes(r.secret_hash),
  workspaceId: r.workspace_id,
  permission: r.permission as Permission,
  participantRole: r.participant_role as ParticipantRole,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  maxUses: r.max_uses,
  uses: r.uses,
  revokedAt: r.revoked_at,
});
export const toVersionMeta = (r: VersionMetaRow): Omit<VersionRecord, 'state'> => ({
  id: r.id,
  documentId: r.document_id,
  kind: r.kind as VersionRecord['kind'],
  label: r.label,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
export const toAudit = (r: AuditDbRow): AuditRow => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  workspaceId: r.workspace_id,
  action: r.action as AuditAction,
  target: r.target,
  details: JSON.parse(r.details) as Record<string, unknown>,
  ip: r.ip,
});

export interface EvaluationRow {
  document_id: string;
  state: string;
  setup: string;
  panel: string;
  updated_at: number;
  override_reason: string | null;
  round: number;
  names_revealed_at: number | null;
}

export interface AgreedRow {
  round: number;
  bid_id: string;
  criterion_id: string;
  score: number;
  rationale: string;
  reason: string | null;
  agreed_by: string;
  agreed_at: number;
}

export interface EntryRow {
  user_id: string;
  bid_id: string;
  criterion_id: string;
  score: number | null;
  rationale: string | null;
  abstain_reason: string | null;
}

export interface RoundRow {
  round: number;
  reason: string;
  started_by: string;
  started_at: number;
  after_sign_off: Flag;
}

export interface DeclarationRow {
  user_id: string;
  conflict: Flag;
  details: string;
  declared_at: number;
  /** JSON list of lot ids, or null for all lots. */
  lots: string | null;
  /** Null for declarations made before first dates were kept. */
  first_declared_at: number | null;
  exception_mitigation: string | null;
  exception_by: string | null;
  exception_at: number | null;
}

/** A row of `evaluation_declaration_history`: one declaration as it was made. */
export interface DeclarationMadeRow {
  user_id: string;
  confidential: Flag;
  conflict: Flag;
  details: string;
  /** JSON list of lot ids, or null for all lots. */
  lots: string | null;
  declared_at: number;
  exception_mitigation: string | null;
  exception_by: string | null;
  exception_at: number | null;
}

export const toEvaluation = (r: EvaluationRow): EvaluationRecord => ({
  documentId: r.document_id,
  state: r.state as EvaluationState,
  // Written only by the stores, from validated input.
  setup: JSON.parse(r.setup) as EvaluationSetup,
  panel: JSON.parse(r.panel) as PanelMember[],
  updatedAt: r.updated_at,
  overrideReason: r.override_reason,
  namesRevealedAt: r.names_revealed_at === null ? null : Number(r.names_revealed_at),
  round: r.round,
});

export const toEntry = (r: EntryRow): ScoreEntry & { userId: string } =>
  r.score === null
    ? {
        userId: r.user_id,
        bidId: r.bid_id,
        criterionId: r.criterion_id,
        kind: 'abstain',
        reason: r.abstain_reason ?? '',
      }
    : {
        userId: r.user_id,
        bidId: r.bid_id,
        criterionId: r.criterion_id,
        kind: 'score',
        score: r.score,
        rationale: r.rationale ?? '',
      };

export const toAgreed = (
  r: AgreedRow,
): AgreedScore & { agreedBy: string; agreedAt: number; round: number } => ({
  round: r.round,
  bidId: r.bid_id,
  criterionId: r.criterion_id,
  score: r.score,
  rationale: r.rationale,
  reason: r.reason,
  agreedBy: r.agreed_by,
  agreedAt: r.agreed_at,
});

export const toRound = (r: RoundRow): ModerationRound => ({
  round: r.round,
  reason: r.reason,
  startedBy: r.started_by,
  startedAt: r.started_at,
  afterSignOff: r.after_sign_off === true || r.after_sign_off === 1,
});

export const toDeclaration = (r: DeclarationRow): Declaration => ({
  userId: r.user_id,
  conflict: r.conflict === true || r.conflict === 1,
  details: r.details,
  // Written only by the stores, from validated input.
  lots: r.lots === null ? null : (JSON.parse(r.lots) as string[]),
  declaredAt: r.declared_at,
  firstDeclaredAt: r.first_declared_at === null ? r.declared_at : Number(r.first_declared_at),
  exception:
    r.exception_mitigation !== null && r.exception_by !== null && r.exception_at !== null
      ? { mitigation: r.exception_mitigation, by: r.exception_by, at: r.exception_at }
      : null,
});

export const toDeclarationMade = (r: DeclarationMadeRow): DeclarationMade => ({
  userId: r.user_id,
  confidential: r.confidential === true || r.confidential === 1,
  conflict: r.conflict === true || r.conflict === 1,
  details: r.details,
  // Written only by the stores, from validated input.
  lots: r.lots === null ? null : (JSON.parse(r.lots) as string[]),
  declaredAt: r.declared_at,
  exception:
    r.exception_mitigation !== null && r.exception_by !== null && r.exception_at !== null
      ? { mitigation: r.exception_mitigation, by: r.exception_by, at: r.exception_at }
      : null,
});

export interface CommentThreadRow {
  id: string;
  document_id: string;
  anchor_start: Buffer;
  anchor_end: Buffer;
  quote: string;
  created_by: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
  suggestion: string | null;
  suggestion_outcome: string | null;
  suggestion_decided_by: string | null;
  suggestion_decided_at: number | null;
  suggestion_client_id: number | null;
}

export interface CommentRow {
  id: string;
  thread_id: string;
  document_id: string;
  author_id: string;
  participant_role: string;
  body: string;
  mentions: string;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export const toCommentThread = (r: CommentThreadRow): CommentThreadRecord => ({
  id: r.id,
  documentId: r.document_id,
  anchorStart: bytes(r.anchor_start),
  anchorEnd: bytes(r.anchor_end),
  quote: r.quote,
  createdBy: r.created_by,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  suggestion:
    r.suggestion === null
      ? null
      : {
          text: r.suggestion,
          // Written only by the stores, from SuggestionState.
          outcome: r.suggestion_outcome as SuggestionState | null,
          decidedBy: r.suggestion_decided_by,
          decidedAt: r.suggestion_decided_at,
          clientId: r.suggestion_client_id,
        },
});

export const toComment = (r: CommentRow): CommentRecord => ({
  id: r.id,
  threadId: r.thread_id,
  documentId: r.document_id,
  authorId: r.author_id,
  participantRole: r.participant_role as ParticipantRole,
  body: r.body,
  // Written only by the stores, as a JSON array of account ids.
  mentions: JSON.parse(r.mentions) as string[],
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
});

export interface LifecycleRow {
  document_id: string;
  status: string;
  leads: string;
  approvals: string;
  version: number;
  changed_at: number;
  changed_by: string;
}

// Written only by the stores; read through zod all the same, since a hand-edited row
// would otherwise reach the rules as anything at all.
const leadsJson = z.partialRecord(z.enum(leadRoles), z.string());
const approvalsJson = z.partialRecord(z.enum(leadRoles), z.number());

export const toLifecycle = (r: LifecycleRow): LifecycleRecord => ({
  documentId: r.document_id,
  status: r.status,
  leads: leadsJson.parse(JSON.parse(r.leads)),
  approvals: approvalsJson.parse(JSON.parse(r.approvals)),
  version: r.version,
  changedAt: r.changed_at,
  changedBy: r.changed_by,
});
