import { z } from 'zod';

export const workspaceNameSchema = z
  .string({ error: 'Enter a name for the workspace.' })
  .trim()
  .min(1, 'Enter a name for the workspace.')
  .max(120, 'Workspace names are at most 120 characters.');

export const createWorkspaceSchema = z.object({ name: workspaceNameSchema });
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceSchema>;

export const addMemberSchema = z.object({
  email: z
    .string({ error: 'Enter the email address of the person to add.' })
    .trim()
    .pipe(z.email({ error: 'Enter an email address like name@example.org.' }))
    .transform((v) => v.toLowerCase()),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  permission: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
