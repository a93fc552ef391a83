import { z } from 'zod';
import { participantRoles } from '../domain/participants.ts';
import { documentPermissions, permissions } from '../policies/permissions.ts';

export const updateMemberSchema = z
  .object({
    permission: z
      .enum(permissions, { error: 'Choose owner, editor, commenter or viewer.' })
      .optional(),
    participantRole: z.enum(participantRoles, { error: 'Choose a role from the list.' }).optional(),
  })
  .refine((v) => v.permission !== undefined || v.participantRole !== undefined, {
    message: 'Send a permission, a participant role, or both.',
  });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const documentAccessSchema = z.object({
  restricted: z.boolean({ error: 'Say whether the document is restricted (true or false).' }),
  overrides: z
    .array(
      z.object({
        userId: z.string().min(1),
        permission: z.enum(documentPermissions, {
          error: 'Choose owner, editor, commenter, viewer or none.',
        }),
      }),
    )
    .max(500),
});
export type DocumentAccessInput = z.infer<typeof documentAccessSchema>;
