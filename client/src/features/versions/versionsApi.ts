import { z } from 'zod';
import { api } from '../../api/http.ts';
import { personSchema } from '../../editor/authorship/authorshipApi.ts';

const versionSchema = z.object({
  id: z.string(),
  kind: z.enum(['auto', 'named', 'backup']),
  label: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: z.string(),
});
export type Version = z.infer<typeof versionSchema>;

const compareSchema = z.object({
  blocks: z.array(
    z.object({
      type: z.string(),
      segments: z.array(
        z.object({
          text: z.string(),
          change: z.enum(['same', 'added', 'removed']),
          authorId: z.string().nullable(),
        }),
      ),
    }),
  ),
  people: z.record(z.string(), personSchema),
});
export type Comparison = z.infer<typeof compareSchema>;

const versionsPath = (documentId: string) =>
  `/documents/${encodeURIComponent(documentId)}/versions`;

export async function listVersions(documentId: string): Promise<Version[]> {
  return (
    await api(
      'GET',
      versionsPath(documentId),
      undefined,
      z.object({ versions: z.array(versionSchema) }),
    )
  ).versions;
}

export async function saveVersion(documentId: string, label: string): Promise<Version> {
  return (
    await api('POST', versionsPath(documentId), { label }, z.object({ version: versionSchema }))
  ).version;
}

/** `to` may be 'current'. Comparing only reads: it never changes the document. */
export async function compareVersions(
  documentId: string,
  from: string,
  to: string,
): Promise<Comparison> {
  return api(
    'GET',
    `${versionsPath(documentId)}/${encodeURIComponent(from)}/compare/${encodeURIComponent(to)}`,
    undefined,
    compareSchema,
  );
}

export async function restoreVersion(documentId: string, versionId: string): Promise<void> {
  await api('POST', `${versionsPath(documentId)}/${encodeURIComponent(versionId)}/restore`);
}
