import { type DocumentAccessInput, documentPermissions, documentSchema } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const documentResponse = z.object({
  document: documentSchema,
  workspace: z.object({ id: z.string(), name: z.string() }).nullable(),
  permission: z.string(),
  participantRole: z.string().optional(),
  /** One's own colour in this document's workspace, as the others see it. */
  color: z.string().optional(),
  canEdit: z.boolean(),
  /** Closed: nobody may change the text now, whatever their permission. */
  textLocked: z.boolean().optional(),
  canComment: z.boolean().optional(),
  canManage: z.boolean().optional(),
});
export type DocumentInfo = z.infer<typeof documentResponse>;

const accessSchema = z.object({
  restricted: z.boolean(),
  overrides: z.array(z.object({ userId: z.string(), permission: z.enum(documentPermissions) })),
});
export type DocumentAccess = z.infer<typeof accessSchema>;

const documentPath = (id: string) => `/documents/${encodeURIComponent(id)}`;

export async function getDocument(id: string): Promise<DocumentInfo> {
  return api('GET', documentPath(id), undefined, documentResponse);
}

export async function renameDocument(id: string, title: string) {
  return (await api('PATCH', documentPath(id), { title }, z.object({ document: documentSchema })))
    .document;
}

export async function getDocumentAccess(id: string): Promise<DocumentAccess> {
  return api('GET', `${documentPath(id)}/access`, undefined, accessSchema);
}

export async function setDocumentAccess(
  id: string,
  access: DocumentAccessInput,
): Promise<DocumentAccess> {
  return api('PUT', `${documentPath(id)}/access`, access, accessSchema);
}
