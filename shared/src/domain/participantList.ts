import { type Consent, consentChoices } from './evidence.ts';
import {
  type CreditMode,
  creditModes,
  type ParticipantRole,
  participantRoleLabels,
  participantRoles,
  roleOnlyCredit,
} from './participants.ts';

/**
 * A service design's participants (PRODUCT.md): who takes part, in what role, how each
 * wants to be credited in anything that leaves the group, and whether they agreed to be
 * quoted. People without an account (a workshop's attendees) belong here too, so it is a
 * list in the document rather than the workspace's members. Each person is a child
 * element, so two people adding at once both keep theirs.
 */
export const participantFields = [
  'personName',
  'personRole',
  'creditAs',
  'creditName',
  'quoteConsent',
] as const;

/** How a listed person wants to be credited, in the third person (see `creditModes`). */
export const listedCreditLabels: Record<CreditMode, string> = {
  full_name: 'By their full name',
  display_name: 'By a name they chose',
  role_only: 'By their role only, for example “a patient”',
};

export interface ListedParticipant {
  name: string;
  role: ParticipantRole;
  creditAs: CreditMode | '';
  /** The name they chose to be credited by (with `display_name`). */
  creditName: string;
  quoteConsent: Consent;
}

const oneOf = <T extends string>(list: readonly T[], value: unknown, fallback: T): T =>
  typeof value === 'string' && (list as readonly string[]).includes(value)
    ? (value as T)
    : fallback;

/** A stored person read leniently: anything unknown falls back to the cautious choice. */
export function listedParticipantOf(attrs: Record<string, unknown>): ListedParticipant {
  return {
    name: typeof attrs.personName === 'string' ? attrs.personName : '',
    role: oneOf(participantRoles, attrs.personRole, 'other'),
    creditAs: oneOf([...creditModes, ''] as const, attrs.creditAs, ''),
    creditName: typeof attrs.creditName === 'string' ? attrs.creditName : '',
    quoteConsent: oneOf(consentChoices, attrs.quoteConsent, 'unknown'),
  };
}

/**
 * How a listed person is named outside the group: as they chose, and by role when they
 * chose that, have not said, or chose a name they have not given yet.
 */
export function creditedAs(p: ListedParticipant): string {
  const chosen =
    p.creditAs === 'full_name' ? p.name : p.creditAs === 'display_name' ? p.creditName : '';
  return chosen.trim() || roleOnlyCredit[p.role];
}

/**
 * The list in words: how many, in which roles, and who has not yet said how to credit
 * them or whether they may be quoted, e.g. "4 participants (Patient or service user: 2;
 * Carer: 1; Clinician: 1). 1 has not said how to be credited; 2 have not been asked about
 * being quoted."
 */
export function describeParticipants(list: readonly ListedParticipant[]): string {
  if (list.length === 0) return 'No participants listed yet.';
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const roles = participantRoles
    .map((r) => [r, list.filter((p) => p.role === r).length] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${participantRoleLabels[r]}: ${n}`);
  const uncredited = list.filter((p) => p.creditAs === '').length;
  const unasked = list.filter((p) => p.quoteConsent === 'unknown').length;
  const notes = [
    uncredited > 0 ? `${count(uncredited, 'has', 'have')} not said how to be credited` : '',
    unasked > 0 ? `${count(unasked, 'has', 'have')} not been asked about being quoted` : '',
  ].filter(Boolean);
  const tail = notes.length === 0 ? '' : ` ${notes.join('; ')}.`;
  return `${count(list.length, 'participant', 'participants')} (${roles.join('; ')}).${tail}`;
}
