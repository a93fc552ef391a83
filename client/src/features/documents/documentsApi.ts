import { documentSchema } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const documentResponse = z.object({
  document: documentSchema,
  workspace: z.object({ id: z.string(), name: z.string() }).nullable(),
  permission: z.string(),
  canEdit: z.boolean(),
});
export type DocumentInfo = z.infer<typeof documentResponse>;

export async function getDocument(id: string): Promise<DocumentInfo> {
  return api('GET', `/documents/${encodeURIComponent(id)}`, undefined, documentResponse);
}

export async function renameDocument(id: string, title: string) {
  const path = `/documents/${encodeURIComponent(id)}`;
  return (await api('PATCH', path, { title }, z.object({ document: documentSchema }))).document;
}
