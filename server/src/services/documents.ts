import { type CreateDocumentInput, documentTemplates, seedTemplate } from '@chorus/shared';
import * as Y from 'yjs';
import { newId } from '../ids.ts';
import type { DocumentRecord, Storage } from '../storage/types.ts';

/**
 * Creates a document with its template as the first journal row. Seeding here, on the
 * server, means no client ever seeds, so two people opening a new document at once
 * cannot duplicate its headings.
 */
export async function createDocument(
  storage: Storage,
  workspaceId: string,
  createdBy: string,
  input: CreateDocumentInput,
): Promise<DocumentRecord> {
  const now = Date.now();
  const doc = new Y.Doc();
  seedTemplate(doc, documentTemplates[input.kind]);
  const record: DocumentRecord = {
    id: newId(),
    workspaceId,
    title: input.title,
    kind: input.kind,
    createdBy,
    createdAt: now,
    updatedAt: now,
    restricted: false,
  };
  await storage.documents.create(
    record,
    {
      documentId: record.id,
      seq: 1,
      createdAt: now,
      accountId: null,
      update: Y.encodeStateAsUpdate(doc),
    },
    // The template's client id belongs to the server, so no one can write under it.
    [{ documentId: record.id, clientId: doc.clientID, accountId: null, firstSeen: now }],
  );
  doc.destroy();
  return record;
}
