import { z } from 'zod';
import { participantRoles } from '../domain/participants.ts';
import { permissions } from '../policies/permissions.ts';

export const inviteExpiryDays = [1, 7, 14, 30] as const;

export const createInviteSchema = z.object({
  permission: z.enum(permissions, {
    error: 'Choose what the person may do: owner, editor, commenter or viewer.',
  }),
  participantRole: z.enum(participantRoles, { error: 'Choose the person’s role in the group.' }),
  expiresInDays: z.coerce
    .number({ error: 'Choose when the link expires.' })
    .int()
    .min(1, 'Links last at least 1 day.')
    .max(30, 'Links last at most 30 days.'),
  maxUses: z.coerce
    .number({ error: 'The number of uses must be a whole number.' })
    .int('The number of uses must be a whole number.')
    .min(1, 'Allow at least 1 use, or leave it empty for no limit.')
    .max(1000, 'Allow at most 1000 uses.')
    .nullable()
    .optional(),
});
export type CreateInviteInput = z.infer<typeof createInviteSchema>;

/** Why an invite link cannot be used, in words a person can act on. */
export const inviteProblems = {
  expired: 'This invite link has expired. Ask the person who sent it for a new one.',
  revoked: 'This invite link was withdrawn. Ask the person who sent it for a new one.',
  used_up: 'This invite link has already been used as many times as allowed. Ask for a new one.',
  unknown: 'This invite link is not valid. Check that you copied all of it, or ask for a new one.',
} as const;
export type InviteProblem = keyof typeof inviteProblems;
