/** Who someone is in the group: shown in attribution, separate from what they may do. */
export const participantRoles = [
  'patient',
  'carer',
  'clinician',
  'commissioner',
  'improvement_lead',
  'voluntary_sector',
  'healthwatch',
  'facilitator',
  'other',
] as const;
export type ParticipantRole = (typeof participantRoles)[number];

export const participantRoleLabels: Record<ParticipantRole, string> = {
  patient: 'Patient or service user',
  carer: 'Carer',
  clinician: 'Clinician',
  commissioner: 'Commissioner',
  improvement_lead: 'Improvement lead',
  voluntary_sector: 'Voluntary or community sector',
  healthwatch: 'Healthwatch',
  facilitator: 'Facilitator',
  other: 'Other',
};

/** How a person is credited when they choose "role only". */
export const roleOnlyCredit: Record<ParticipantRole, string> = {
  patient: 'A patient',
  carer: 'A carer',
  clinician: 'A clinician',
  commissioner: 'A commissioner',
  improvement_lead: 'An improvement lead',
  voluntary_sector: 'A voluntary sector member',
  healthwatch: 'A Healthwatch member',
  facilitator: 'A facilitator',
  other: 'A participant',
};

export const creditModes = ['full_name', 'display_name', 'role_only'] as const;
export type CreditMode = (typeof creditModes)[number];

export const creditModeLabels: Record<CreditMode, string> = {
  full_name: 'My full name',
  display_name: 'A name I choose',
  role_only: 'My role only (for example "A patient")',
};

export interface CreditChoice {
  name: string;
  creditMode: CreditMode;
  displayName: string | null;
}

/** The name others see for a person in a workspace, as the person chose to be credited. */
export function creditedName(person: CreditChoice, role: ParticipantRole): string {
  switch (person.creditMode) {
    case 'display_name':
      return person.displayName?.trim() || person.name;
    case 'role_only':
      return roleOnlyCredit[role];
    default:
      return person.name;
  }
}
