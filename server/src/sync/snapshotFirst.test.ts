import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { memoryLogger } from '../logger.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../storage/types.ts';
import { FakeConnection } from '../test/fakeConnection.ts';
import { editorIdentity, seedDocument } from '../test/syncHarness.ts';
import { encodeSyncStep1, encodeUpdate } from './protocol.ts';
import { SyncServer } from './syncServer.ts';
import type { SyncOptions } from './types.ts';

const options: SyncOptions = {
  maxDocumentBytes: 16 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  idleUnloadMs: 10,
  snapshotEvery: 1_000,
  maxQueuedFrames: 16,
};
const ann = editorIdentity('u-ann');
const DOC = 'doc1';
const EMPTY_STATE_VECTOR = new Uint8Array([0]);

/** A stored document whose snapshot covers the whole journal, as after an idle unload. */
async function snapshotted(text: string): Promise<{ storage: Storage; doc: Y.Doc }> {
  const storage = openSqliteStorage({ filename: ':memory:' });
  await seedDocument(storage, DOC, text);
  const [seed] = (await storage.journal.load(DOC)).rows;
  if (!seed) throw new Error('no seed row');
  await storage.journal.writeSnapshot(DOC, seed.update, 1);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, seed.update);
  return { storage, doc };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
/** The sync message type of a frame the server sent: 0 step 1, 1 step 2, 2 update. */
const syncTypes = (conn: FakeConnection) => conn.frames.filter((f) => f[0] === 0).map((f) => f[1]);

function loadedLog(logger: ReturnType<typeof memoryLogger>) {
  const entry = logger.entries.find((e) => e.event === 'document.loaded');
  return entry?.fields as { servedMs: number | null; ms: number };
}

describe('a new client of a document that is not in memory', () => {
  it('is sent the stored snapshot before the server has integrated it, once', async () => {
    const { storage } = await snapshotted('the whole service design');
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    // The whole document (step 2) comes ahead of the server's own step 1, which a room
    // sends only once it is loaded; the client's step 1 is not answered a second time.
    expect(syncTypes(conn)[0]).toBe(1);
    expect(syncTypes(conn).filter((t) => t === 1)).toHaveLength(1);
    expect(syncTypes(conn)).toContain(0);
    expect(conn.docFromFrames().getText('t').toString()).toBe('the whole service design');
    const loaded = loadedLog(logger);
    expect(loaded.servedMs).not.toBeNull();
    expect(loaded.servedMs).toBeLessThanOrEqual(loaded.ms);
  });

  it('can edit straight away: its edit is applied once the room is ready, saved and relayed', async () => {
    const { storage } = await snapshotted('agenda');
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const newcomer = new FakeConnection();
    const other = new FakeConnection();
    const a = sync.connect(newcomer, ann, DOC);
    const b = sync.connect(other, { ...ann, sessionId: 's2' }, DOC);
    a.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    b.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    // The newcomer types as soon as it holds the document.
    const mine = newcomer.docFromFrames();
    mine.clientID = 77;
    const before = Y.encodeStateVector(mine);
    mine.getText('t').insert(6, ': introductions');
    a.receive(encodeUpdate(Y.encodeStateAsUpdate(mine, before)));
    await sync.flushed();
    await tick();
    expect(other.docFromFrames().getText('t').toString()).toBe('agenda: introductions');
    const stored = new Y.Doc();
    const { snapshot, rows } = await storage.journal.load(DOC);
    if (snapshot) Y.applyUpdate(stored, snapshot.state);
    for (const row of rows) Y.applyUpdate(stored, row.update);
    expect(rows).toHaveLength(1);
    expect(stored.getText('t').toString()).toBe('agenda: introductions');
  });

  it('answers a reconnecting client (it already holds part of the document) only after loading', async () => {
    const { storage, doc } = await snapshotted('minutes');
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(encodeSyncStep1(Y.encodeStateVector(doc)));
    await tick();
    expect(syncTypes(conn)[0]).toBe(0); // the server's step 1 first, as for any join
    expect(syncTypes(conn).filter((t) => t === 1)).toHaveLength(1);
  });

  it('is served after loading when journal rows follow the snapshot', async () => {
    const { storage } = await snapshotted('plan');
    const later = new Y.Doc();
    later.clientID = 9;
    later.getText('other').insert(0, 'later row');
    await storage.journal.append([
      {
        documentId: DOC,
        seq: 2,
        createdAt: 0,
        accountId: 'u-ann',
        update: Y.encodeStateAsUpdate(later),
      },
    ]);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    sync.connect(conn, ann, DOC).receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    expect(syncTypes(conn)[0]).toBe(0);
    expect(loadedLog(logger).servedMs).toBeNull();
    const received = conn.docFromFrames();
    expect(received.getText('t').toString()).toBe('plan');
    expect(received.getText('other').toString()).toBe('later row');
  });

  it('never passes on a damaged snapshot: the document is rebuilt from its rows and the snapshot repaired', async () => {
    const { storage } = await snapshotted('kept in the journal');
    // Bytes that have hung stock Yjs (yjs/yjs#479): a count far beyond the frame.
    const damaged = new Uint8Array([255, 255, 255, 255, 15, 1, 2]);
    await storage.journal.writeSnapshot(DOC, damaged, 1);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    sync.connect(conn, ann, DOC).receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    expect(conn.closedWith).toBeNull();
    // Not served early (that is only from a sound snapshot), and the text is all there.
    expect(syncTypes(conn)[0]).toBe(0);
    expect(conn.docFromFrames().getText('t').toString()).toBe('kept in the journal');
    expect(logger.entries.some((e) => e.event === 'journal.snapshot_damaged')).toBe(true);
    expect(loadedLog(logger)).toMatchObject({ servedMs: null });
    await sync.flushed();
    await tick();
    const repaired = (await storage.journal.load(DOC)).snapshot;
    expect(repaired?.state).not.toEqual(damaged);
    const reread = new Y.Doc();
    if (repaired) Y.applyUpdate(reread, repaired.state);
    expect(reread.getText('t').toString()).toBe('kept in the journal');
  });

  it('fails with 4500, sending nothing, when the snapshot is damaged and no rows remain', async () => {
    const storage = openSqliteStorage({ filename: ':memory:' });
    await storage.journal.writeSnapshot(DOC, new Uint8Array([255, 255, 255, 255, 15]), 1);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    sync.connect(conn, ann, DOC).receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    expect(conn.frames).toHaveLength(0);
    expect(conn.closedWith?.code).toBe(CloseCode.loadFailed);
  });

  it('is unloaded in time when everyone left while it loaded', async () => {
    const { storage } = await snapshotted('left early');
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const handle = sync.connect(conn, ann, DOC);
    handle.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    handle.closed(); // gone before the room is ready
    await new Promise((r) => setTimeout(r, 100));
    await sync.flushed();
    await new Promise((r) => setTimeout(r, 50));
    expect(sync.rooms.has(DOC)).toBe(false);
  });
});
