import type { DocumentKind } from './documentKinds.ts';
import type { ParticipantRole } from './participants.ts';

/**
 * Where a service design or an improvement plan stands (PRODUCT.md, "States"), and who
 * must approve it. A procurement evaluation has its own stages (set-up, scoring,
 * moderation, sign-off) on its Scoring page instead. The server applies these rules; the
 * page uses them to offer only what is allowed.
 */
export const leadRoles = ['staff_lead', 'co_chair', 'sponsor'] as const;
export type LeadRole = (typeof leadRoles)[number];

export function isLeadRole(value: string): value is LeadRole {
  return (leadRoles as readonly string[]).includes(value);
}

export const leadRoleNames: Record<LeadRole, string> = {
  staff_lead: 'Staff lead',
  co_chair: 'Lived-experience co-chair',
  sponsor: 'Sponsor',
};

/** Who may hold a lead role, by the participant role they have in the workspace. */
const leadEligible: Record<LeadRole, readonly ParticipantRole[] | 'anyone'> = {
  // Approval pairs a member of staff with someone who brings lived experience.
  staff_lead: ['clinician', 'commissioner', 'improvement_lead', 'facilitator', 'other'],
  co_chair: ['patient', 'carer'],
  sponsor: 'anyone',
};

interface Lifecycle {
  statuses: readonly string[];
  /** The approved status, the status it is approved from, and whose approvals it needs. */
  approval: { status: string; from: string; needs: readonly LeadRole[] };
}

export const lifecycles = {
  service_design: {
    statuses: ['draft', 'in_review', 'approved', 'in_implementation', 'closed'],
    approval: { status: 'approved', from: 'in_review', needs: ['staff_lead', 'co_chair'] },
  },
  improvement_plan: {
    statuses: ['draft', 'sponsor_approved', 'testing', 'implementing', 'sustaining', 'closed'],
    approval: { status: 'sponsor_approved', from: 'draft', needs: ['sponsor'] },
  },
} as const satisfies Partial<Record<DocumentKind, Lifecycle>>;

export type LifecycleKind = keyof typeof lifecycles;

export function hasLifecycle(kind: DocumentKind): kind is LifecycleKind {
  return kind in lifecycles;
}

export const statusNames: Record<string, string> = {
  draft: 'Draft',
  in_review: 'In review with participants',
  approved: 'Approved',
  in_implementation: 'In implementation',
  closed: 'Closed',
  sponsor_approved: 'Approved by the sponsor',
  testing: 'Testing changes',
  implementing: 'Implementing',
  sustaining: 'Sustaining',
};

/** What the button that moves a document to a status says. */
export const moveLabels: Record<string, string> = {
  draft: 'Return to draft',
  in_review: 'Send for review with participants',
  in_implementation: 'Mark as in implementation',
  closed: 'Close',
  testing: 'Start testing changes',
  implementing: 'Mark as implementing',
  sustaining: 'Mark as sustaining',
};

export interface LifecycleState {
  status: string;
  /** The account named for each lead role. */
  leads: Partial<Record<LeadRole, string>>;
  /** When each lead approved (ms), for the approval now being gathered. */
  approvals: Partial<Record<LeadRole, number>>;
}

export const initialLifecycle = (): LifecycleState => ({
  status: 'draft',
  leads: {},
  approvals: {},
});

const joinNames = (roles: readonly LeadRole[]) =>
  roles.map((r) => leadRoleNames[r].toLowerCase()).join(' and the ');

/** How approval works for a kind, in words. */
export function approvalRule(kind: LifecycleKind): string {
  const { approval } = lifecycles[kind];
  return `It becomes “${statusNames[approval.status]}” once the ${joinNames(approval.needs)} ${
    approval.needs.length > 1 ? 'have both' : 'has'
  } approved it, while it is “${statusNames[approval.from]}”.`;
}

/**
 * Why a document may not move to `to`, or null. One step at a time; the approved status
 * is reached only by approval; going back is for owners, and going back to before the
 * approval clears it.
 */
export function moveProblem(
  kind: LifecycleKind,
  state: LifecycleState,
  to: string,
  isOwner: boolean,
): string | null {
  const { statuses, approval } = lifecycles[kind] as Lifecycle;
  const from = statuses.indexOf(state.status);
  const target = statuses.indexOf(to);
  if (target === -1) return `“${to}” is not a status of this kind of document.`;
  if (target === from) return `It is already “${statusNames[to]}”.`;
  if (Math.abs(target - from) !== 1) {
    return `Move one step at a time: from “${statusNames[state.status]}” to “${
      statusNames[statuses[from + 1] ?? state.status]
    }”.`;
  }
  if (target < from && !isOwner) {
    return 'Only an owner of the document can move it back a step.';
  }
  // Only approval takes it forward into the approved status; an owner may come back to it.
  if (to === approval.status && target > from) return approvalRule(kind);
  return null;
}

/**
 * Why the leads may not be changed now, or null: once the document is approved they are
 * the record of who approved it (moving it back before the approval frees them).
 */
export function leadChangeProblem(kind: LifecycleKind, state: LifecycleState): string | null {
  const { statuses, approval } = lifecycles[kind] as Lifecycle;
  if (statuses.indexOf(state.status) <= statuses.indexOf(approval.from)) return null;
  return `It was approved, so who approved it stays on record. To name someone else, an owner moves it back to “${statusNames[approval.from]}” first (the approval is then given again).`;
}

/** Why `accountId` may not approve as `role` now, or null. */
export function approveProblem(
  kind: LifecycleKind,
  state: LifecycleState,
  role: LeadRole,
  accountId: string,
): string | null {
  const { approval } = lifecycles[kind] as Lifecycle;
  if (!approval.needs.includes(role)) {
    return `This kind of document is not approved by a ${leadRoleNames[role].toLowerCase()}.`;
  }
  if (state.status !== approval.from) {
    return `Approval is given while the document is “${statusNames[approval.from]}”.`;
  }
  if (state.leads[role] !== accountId) {
    return `Only the ${leadRoleNames[role].toLowerCase()} named for this document can approve as ${leadRoleNames[role].toLowerCase()}.`;
  }
  if (state.approvals[role] !== undefined) return 'You have already approved it.';
  return null;
}

/** The state after an approval: approved once every needed lead has approved. */
export function withApproval(
  kind: LifecycleKind,
  state: LifecycleState,
  role: LeadRole,
  at: number,
): LifecycleState {
  const { approval } = lifecycles[kind] as Lifecycle;
  const approvals = { ...state.approvals, [role]: at };
  const complete = approval.needs.every((r) => approvals[r] !== undefined);
  return { ...state, approvals, status: complete ? approval.status : state.status };
}

/** The state after a move (already checked): approvals gathered so far go when it moves back. */
export function withMove(kind: LifecycleKind, state: LifecycleState, to: string): LifecycleState {
  const { statuses, approval } = lifecycles[kind] as Lifecycle;
  const back = statuses.indexOf(to) < statuses.indexOf(state.status);
  const beforeApproval = statuses.indexOf(to) <= statuses.indexOf(approval.from);
  return { ...state, status: to, approvals: back && beforeApproval ? {} : state.approvals };
}

/** Why someone with `participantRole` may not be named as `role`, or null. */
export function leadProblem(
  kind: LifecycleKind,
  role: LeadRole,
  participantRole: ParticipantRole,
): string | null {
  const { approval } = lifecycles[kind] as Lifecycle;
  if (!approval.needs.includes(role)) {
    return `This kind of document has no ${leadRoleNames[role].toLowerCase()}.`;
  }
  const eligible = leadEligible[role];
  if (eligible === 'anyone' || eligible.includes(participantRole)) return null;
  return role === 'co_chair'
    ? 'The lived-experience co-chair is a patient, service user or carer: choose someone with that role in the workspace.'
    : 'The staff lead is a member of staff (a clinician, commissioner, improvement lead, facilitator or other): choose someone with one of those roles.';
}

/** The state after naming (or clearing) a lead: an approval gathered so far goes with them. */
export function withLead(
  kind: LifecycleKind,
  state: LifecycleState,
  role: LeadRole,
  accountId: string | null,
): LifecycleState {
  const { approval } = lifecycles[kind] as Lifecycle;
  const leads = { ...state.leads };
  if (accountId === null) delete leads[role];
  else leads[role] = accountId;
  const approvals = { ...state.approvals };
  if (state.status === approval.from && state.leads[role] !== accountId) delete approvals[role];
  return { ...state, leads, approvals };
}

/**
 * Whether a document at `status` has its text locked: a closed document is the record of
 * what was done, so nobody changes its text or structured blocks until an owner moves it
 * back a step. Comments stay open (the discussion of a record may continue).
 */
export function locksText(status: string): boolean {
  return status === 'closed';
}

/**
 * Every status of any lifecycle that locks the text: the journal's commit checks a
 * document's stored status against this list in SQL, in the same transaction as the rows.
 */
export const textLockingStatuses: readonly string[] = [
  ...new Set(Object.values(lifecycles).flatMap((l) => l.statuses)),
].filter(locksText);

/** Why a write to a closed document's text is refused, and how to change that. */
export const closedTextProblem =
  'This document is closed, so its text is read-only. An owner can reopen it by moving its status back a step.';

/** What the document page says near the status while the text is locked. */
export const closedTextNotice =
  'Closed: the text is read-only. An owner can reopen it by moving the status back.';
