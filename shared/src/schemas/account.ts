import { z } from 'zod';
import { creditModes } from '../domain/participants.ts';
import { nameSchema, PASSWORD_MAX, PASSWORD_MIN } from './auth.ts';

export const updateProfileSchema = z
  .object({
    name: nameSchema.optional(),
    creditMode: z.enum(creditModes, { error: 'Choose how you want to be credited.' }).optional(),
    displayName: z
      .string()
      .trim()
      .max(60, 'Chosen names are at most 60 characters.')
      .nullable()
      .optional(),
  })
  .refine((v) => v.creditMode !== 'display_name' || (v.displayName ?? '').length > 0, {
    message: 'Enter the name you want others to see, or choose another way to be credited.',
    path: ['displayName'],
  });
export type UpdateProfileInput = z.infer<typeof updateProfileSchema>;

export const changePasswordSchema = z.object({
  currentPassword: z
    .string({ error: 'Enter your current password.' })
    .min(1, 'Enter your current password.')
    .max(PASSWORD_MAX),
  newPassword: z
    .string({ error: 'Enter a new password.' })
    .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters for your new password.`)
    .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters for your new password.`),
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

/** Deleting one's own account is confirmed with the password, as changing it is. */
export const deleteAccountSchema = z.object({
  password: z
    .string({ error: 'Enter your password to confirm.' })
    .min(1, 'Enter your password to confirm.')
    .max(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters.`),
});
export type DeleteAccountInput = z.infer<typeof deleteAccountSchema>;
