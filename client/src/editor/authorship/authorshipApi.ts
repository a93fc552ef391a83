import { z } from 'zod';
import { api } from '../../api/http.ts';

export const personSchema = z.object({
  accountId: z.string(),
  name: z.string(),
  role: z.string(),
  roleLabel: z.string(),
  color: z.string(),
});
/** Someone who may appear as an author, credited as they chose. */
export type AuthorPerson = z.infer<typeof personSchema>;

const authorshipSchema = z.object({
  people: z.record(z.string(), personSchema),
  owners: z.array(z.tuple([z.number(), z.string().nullable()])),
  carried: z.array(
    z.tuple([z.number(), z.number(), z.number(), z.string().nullable(), z.number()]),
  ),
  days: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
});
export type AuthorshipData = z.infer<typeof authorshipSchema>;

/** Who owns each Yjs client id, carried credit and when text was written: the author view's data. */
export async function getAuthorship(documentId: string): Promise<AuthorshipData> {
  return api(
    'GET',
    `/documents/${encodeURIComponent(documentId)}/authorship`,
    undefined,
    authorshipSchema,
  );
}
