import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../storage/types.ts';
import { FakeConnection } from '../test/fakeConnection.ts';
import { editorIdentity, seedDocument } from '../test/syncHarness.ts';
import { encodeSyncStep1 } from './protocol.ts';
import { SyncServer } from './syncServer.ts';
import type { IdentityResolver, PeerIdentity, SyncOptions } from './types.ts';

/**
 * Connections that arrive while their document is loading are not in its room yet. Ending
 * their session or removing their access meanwhile must still close them, and they must
 * never be sent the document.
 */

const options: SyncOptions = {
  maxDocumentBytes: 1024 * 1024,
  maxBufferedBytes: 1024 * 1024,
  idleUnloadMs: 10,
  snapshotEvery: 1_000,
  maxQueuedFrames: 16,
};
const DOC = 'doc1';
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const ann = editorIdentity('u-ann');
const bob = editorIdentity('u-bob');

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Holds `journal.load` until `release()`, so a test can act while a document loads. */
function holdLoad(storage: Storage): { release(): void; started(): boolean } {
  const realLoad = storage.journal.load.bind(storage.journal);
  let answer: (() => void) | null = null;
  let started = false;
  const gate = new Promise<void>((resolve) => {
    answer = resolve;
  });
  storage.journal.load = async (id) => {
    started = true;
    await gate;
    return realLoad(id);
  };
  return { release: () => answer?.(), started: () => started };
}

/** A resolver that answers only when the test says, with what the test says. */
function heldResolver(): {
  resolve: IdentityResolver;
  answer(identity: PeerIdentity | null): void;
  fail(err: Error): void;
  asked(): number;
} {
  const waiting: {
    ok: (identity: PeerIdentity | null) => void;
    no: (err: Error) => void;
  }[] = [];
  let asked = 0;
  return {
    resolve: () => {
      asked++;
      return new Promise((ok, no) => waiting.push({ ok, no }));
    },
    answer: (identity) => {
      for (const w of waiting.splice(0)) w.ok(identity);
    },
    fail: (err) => {
      for (const w of waiting.splice(0)) w.no(err);
    },
    asked: () => asked,
  };
}

async function seeded(text = 'confidential procurement notes'): Promise<Storage> {
  const storage = openSqliteStorage({ filename: ':memory:' });
  await seedDocument(storage, DOC, text);
  return storage;
}

/** A stored document whose snapshot covers the whole journal (a new client may be sent it early). */
async function snapshotted(text: string): Promise<Storage> {
  const storage = await seeded(text);
  const [seed] = (await storage.journal.load(DOC)).rows;
  if (!seed) throw new Error('no seed row');
  await storage.journal.writeSnapshot(DOC, seed.update, 1);
  return storage;
}

/** Connects and sends a new client's sync step 1, as a provider does on opening. */
function open(sync: SyncServer, identity: PeerIdentity): FakeConnection {
  const conn = new FakeConnection();
  sync.connect(conn, identity, DOC).receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
  return conn;
}

describe('a connection waiting for its document to load', () => {
  it('is closed with 4401 when its session ends meanwhile, and is never sent the document', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = open(sync, ann);
    const bobConn = open(sync, bob);
    await tick();
    expect(load.started()).toBe(true);

    sync.closeSessions([ann.sessionId], CloseCode.unauthenticated, 'session ended');
    expect(annConn.closedWith).toEqual({
      code: CloseCode.unauthenticated,
      reason: 'session ended',
    });
    load.release();
    await tick();

    expect(annConn.frames).toHaveLength(0);
    expect(sync.rooms.get(DOC)?.peers.size).toBe(1);
    // The other session's connection was served as usual.
    expect(bobConn.closedWith).toBeNull();
    expect(bobConn.docFromFrames().getText('t').toString()).toBe('confidential procurement notes');
  });

  it('is closed with 4403 when its access is removed meanwhile, and is never sent the document', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = open(sync, ann);
    const bobConn = open(sync, bob);
    await tick();

    const resolve: IdentityResolver = async (userId) => (userId === ann.userId ? null : bob);
    await sync.recheckAccess({ workspaceId: ann.workspaceId, userId: ann.userId }, resolve);
    expect(annConn.closedWith).toEqual({ code: CloseCode.forbidden, reason: 'access removed' });
    load.release();
    await tick();

    expect(annConn.frames).toHaveLength(0);
    expect(bobConn.closedWith).toBeNull();
    expect(bobConn.docFromFrames().getText('t').toString()).toBe('confidential procurement notes');
  });

  it('is closed with 4403 when its permission changes meanwhile', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = open(sync, ann);
    await tick();

    await sync.recheckAccess({ workspaceId: ann.workspaceId, documentId: DOC }, async () => ({
      ...ann,
      permission: 'viewer',
      canEdit: false,
      textLocked: false,
      publishPresence: false,
    }));
    load.release();
    await tick();

    expect(annConn.closedWith).toEqual({ code: CloseCode.forbidden, reason: 'access changed' });
    expect(annConn.frames).toHaveLength(0);
  });

  it('is not let in while a re-check of its access is still running when the load ends', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const annConn = open(sync, ann);
    await tick();

    const resolver = heldResolver();
    const rechecked = sync.recheckAccess({ workspaceId: ann.workspaceId }, resolver.resolve);
    expect(resolver.asked()).toBe(1);
    load.release();
    await tick();
    await tick();
    // Loaded, but held back until its access is known.
    expect(logger.entries.some((e) => e.event === 'document.loaded')).toBe(true);
    expect(annConn.frames).toHaveLength(0);
    expect(sync.rooms.get(DOC)?.peers.size ?? 0).toBe(0);

    resolver.answer(null);
    await rechecked;
    await tick();
    expect(annConn.closedWith?.code).toBe(CloseCode.forbidden);
    expect(annConn.frames).toHaveLength(0);
  });

  it('joins once a re-check that leaves its access as it was is done, with the new identity', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = open(sync, ann);
    await tick();

    const resolver = heldResolver();
    const rechecked = sync.recheckAccess({ workspaceId: ann.workspaceId }, resolver.resolve);
    load.release();
    await tick();
    expect(annConn.frames).toHaveLength(0);

    resolver.answer({ ...ann, name: 'Ann (renamed)' });
    await rechecked;
    await tick();
    expect(annConn.closedWith).toBeNull();
    expect(annConn.docFromFrames().getText('t').toString()).toBe('confidential procurement notes');
    const [peer] = sync.rooms.get(DOC)?.peers ?? [];
    expect(peer?.identity.name).toBe('Ann (renamed)');
  });

  it('is not sent the stored snapshot early while its access is being re-checked', async () => {
    const storage = await snapshotted('the whole service design');
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = open(sync, ann);
    await tick();

    const resolver = heldResolver();
    const rechecked = sync.recheckAccess({ workspaceId: ann.workspaceId }, resolver.resolve);
    load.release();
    await tick();
    await tick();
    expect(annConn.frames).toHaveLength(0);

    resolver.answer(null);
    await rechecked;
    await tick();
    expect(annConn.closedWith?.code).toBe(CloseCode.forbidden);
    expect(annConn.frames).toHaveLength(0);
  });

  it('is closed when its access cannot be re-checked, and the failure is logged', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const annConn = open(sync, ann);
    await tick();

    const resolver = heldResolver();
    const rechecked = sync.recheckAccess({ workspaceId: ann.workspaceId }, resolver.resolve);
    resolver.fail(new Error('database is locked'));
    await rechecked;
    load.release();
    await tick();

    expect(annConn.closedWith).toEqual({
      code: CloseCode.forbidden,
      reason: 'access could not be checked',
    });
    expect(annConn.frames).toHaveLength(0);
    expect(logger.entries.some((e) => e.event === 'sync.recheck_failed')).toBe(true);
  });
});

describe('shutting down while a document loads', () => {
  it('tells a connection still waiting that the server is restarting, and sends it nothing', async () => {
    const storage = await seeded();
    const load = holdLoad(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    sync.connect(conn, ann, DOC).receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    expect(load.started()).toBe(true);
    await sync.shutdown();
    expect(conn.closedWith).toEqual({
      code: CloseCode.serviceRestart,
      reason: 'server restarting',
    });
    load.release();
    await tick();
    expect(conn.frames).toEqual([]);
    // The load that finished after shutdown is dropped, not left as a room nobody closes.
    expect(sync.rooms.size).toBe(0);
  });
});

describe('connections in a room being re-checked', () => {
  it('are asked about together, and each one’s frames wait for its own answer only', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = new FakeConnection();
    const bobConn = new FakeConnection();
    const annIn = sync.connect(annConn, ann, DOC);
    const bobIn = sync.connect(bobConn, bob, DOC);
    annIn.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    bobIn.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    await tick();
    expect(sync.rooms.get(DOC)?.peers.size).toBe(2);

    const asked: string[] = [];
    const answers = new Map<string, (identity: PeerIdentity | null) => void>();
    const resolve: IdentityResolver = (userId) => {
      asked.push(userId);
      return new Promise((answer) => answers.set(userId, answer));
    };
    const rechecked = sync.recheckAccess({ workspaceId: ann.workspaceId }, resolve);
    // Both asked at once: Bob does not wait behind Ann's answer.
    expect(asked.sort()).toEqual([ann.userId, bob.userId].sort());

    const annBefore = annConn.frames.length;
    const bobBefore = bobConn.frames.length;
    annIn.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    bobIn.receive(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await tick();
    // Held while checked: nothing is answered yet.
    expect(annConn.frames.length).toBe(annBefore);
    expect(bobConn.frames.length).toBe(bobBefore);

    answers.get(bob.userId)?.(bob);
    await tick();
    // Bob's answer is in: his frame is handled; Ann's still waits for hers.
    expect(bobConn.frames.length).toBeGreaterThan(bobBefore);
    expect(annConn.frames.length).toBe(annBefore);

    answers.get(ann.userId)?.(ann);
    await rechecked;
    await tick();
    expect(annConn.frames.length).toBeGreaterThan(annBefore);
    expect(annConn.closedWith).toBeNull();
    expect(bobConn.closedWith).toBeNull();
  });
});
