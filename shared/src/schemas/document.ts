import { z } from 'zod';
import { documentKinds } from '../domain/documentKinds.ts';

export const documentTitleSchema = z
  .string({ error: 'Enter a title for the document.' })
  .trim()
  .min(1, 'Enter a title for the document.')
  .max(200, 'Titles are at most 200 characters.');

export const documentKindSchema = z.enum(documentKinds, {
  error: 'Choose a kind: service design, procurement evaluation or improvement plan.',
});

export const createDocumentSchema = z.object({
  title: documentTitleSchema,
  kind: documentKindSchema,
});
export type CreateDocumentInput = z.infer<typeof createDocumentSchema>;

export const renameDocumentSchema = z.object({ title: documentTitleSchema });

export const documentSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  title: z.string(),
  kind: documentKindSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocumentSummary = z.infer<typeof documentSchema>;

/** What a Word export of a document includes besides its text: no comments, open ones, or all. */
export const exportQuerySchema = z.object({
  comments: z
    .enum(['none', 'open', 'all'], {
      error: 'Choose which comments to include: none, open or all.',
    })
    .default('none'),
  authors: z
    .enum(['hidden', 'shown'], {
      error:
        'Choose whether to mark who wrote what: authors=shown marks each person’s words, authors=hidden leaves them plain.',
    })
    .default('hidden'),
});

/** Ids are opaque random strings; checking the shape early keeps junk out of queries. */
export const idSchema = z
  .string()
  .regex(/^[a-z0-9]{16,40}$/, 'That link is not a valid Chorus id. Check the address.');

export const createVersionSchema = z.object({
  label: z
    .string({ error: 'Enter a name for the version.' })
    .trim()
    .min(1, 'Enter a name for the version, for example "Agreed at workshop 3".')
    .max(120, 'Version names are at most 120 characters.'),
});
