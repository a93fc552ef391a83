import type { DocumentRecord } from '../../storage/types.ts';

/** The public shape of a document in every response. */
export const toDocumentJson = (d: DocumentRecord) => ({
  id: d.id,
  workspaceId: d.workspaceId,
  title: d.title,
  kind: d.kind,
  createdAt: new Date(d.createdAt).toISOString(),
  updatedAt: new Date(d.updatedAt).toISOString(),
});
