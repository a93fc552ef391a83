import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import { FakeConnection } from '../test/fakeConnection.ts';
import { editorIdentity, seedDocument } from '../test/syncHarness.ts';
import { encodeSyncStep1 } from './protocol.ts';
import { SyncServer } from './syncServer.ts';
import type { SyncOptions } from './types.ts';

/**
 * Shutdown while a document is still loading: the load finishes into a room that must be
 * saved and closed with the others, not left to unload later onto closed storage; and no
 * new load starts for a connection that arrives meanwhile.
 */

const options: SyncOptions = {
  maxDocumentBytes: 1024 * 1024,
  maxBufferedBytes: 1024 * 1024,
  idleUnloadMs: 10,
  snapshotEvery: 1_000,
  maxQueuedFrames: 16,
};
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('shutdown with a document still loading', () => {
  it('waits for the load, closes its connection with 1012, and leaves nothing to run after', async () => {
    const storage = openSqliteStorage({ filename: ':memory:' });
    await seedDocument(storage, 'doc1', 'minutes of the panel');
    const realLoad = storage.journal.load.bind(storage.journal);
    const loads: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    storage.journal.load = async (id, opts) => {
      loads.push(id);
      await gate;
      return realLoad(id, opts);
    };
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const ann = new FakeConnection();
    sync
      .connect(ann, editorIdentity('u-ann'), 'doc1')
      .receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(loads).toEqual(['doc1']);

    let finished = false;
    const stopping = sync.shutdown().then(() => {
      finished = true;
    });
    await tick();
    expect(finished).toBe(false);

    // Arriving during shutdown: told to come back, and no document is loaded for it.
    const late = new FakeConnection();
    sync.connect(late, editorIdentity('u-bob'), 'doc2');
    expect(late.closedWith).toEqual({
      code: CloseCode.serviceRestart,
      reason: 'server restarting',
    });

    release();
    await stopping;
    expect(loads).toEqual(['doc1']);
    expect(ann.closedWith?.code).toBe(CloseCode.serviceRestart);
    expect(sync.rooms.size).toBe(0);

    // Nothing left scheduled touches the storage after it closes.
    await storage.close();
    await tick(options.idleUnloadMs * 5);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});

describe('discarding a document that is being erased', () => {
  it('closes its connections and writes nothing of it again', async () => {
    const storage = openSqliteStorage({ filename: ':memory:' });
    await seedDocument(storage, 'doc1', 'a private diary');
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const ann = new FakeConnection();
    const handle = sync.connect(ann, editorIdentity('u-ann'), 'doc1');
    handle.receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(sync.rooms.has('doc1')).toBe(true);
    let snapshots = 0;
    storage.journal.writeSnapshot = async () => {
      snapshots++;
    };
    await sync.discard('doc1');
    expect(ann.closedWith).toEqual({ code: CloseCode.forbidden, reason: 'document deleted' });
    handle.closed();
    expect(sync.rooms.has('doc1')).toBe(false);
    await tick(options.idleUnloadMs * 5);
    await sync.shutdown();
    expect(snapshots).toBe(0);
  });
});
