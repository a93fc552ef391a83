import * as Y from 'yjs';
import { memoryLogger } from '../logger.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../storage/types.ts';
import { SyncServer } from '../sync/syncServer.ts';
import type { PeerIdentity, SyncOptions } from '../sync/types.ts';

/** An editor in workspace `w`, for in-process sync tests that skip HTTP and sessions. */
export function editorIdentity(userId: string): PeerIdentity {
  return {
    userId,
    sessionId: `s-${userId}`,
    workspaceId: 'w',
    name: userId,
    role: 'Other',
    participantRole: 'other',
    color: '#1d4ed8',
    permission: 'editor',
    canEdit: true,
    textLocked: false,
    publishPresence: true,
  };
}

/** Writes a document's first journal row: a Y.Text `t` holding `text`, by the server. */
export async function seedDocument(storage: Storage, documentId: string, text: string) {
  const seed = new Y.Doc();
  seed.getText('t').insert(0, text);
  await storage.journal.append([
    { documentId, seq: 1, createdAt: 0, accountId: null, update: Y.encodeStateAsUpdate(seed) },
  ]);
}

/** An in-memory SQLite store and a sync server on it, with generous limits unless given. */
export function inMemorySyncServer(options: Partial<SyncOptions> = {}): {
  storage: Storage;
  server: SyncServer;
} {
  const storage = openSqliteStorage({ filename: ':memory:' });
  const server = new SyncServer(
    storage.journal,
    {
      maxDocumentBytes: 1 << 26,
      maxBufferedBytes: 1 << 30,
      idleUnloadMs: 60_000,
      snapshotEvery: 500,
      maxQueuedFrames: 1000,
      ...options,
    },
    memoryLogger(),
  );
  return { storage, server };
}
