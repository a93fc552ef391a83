import { CloseCode } from '@chorus/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { memoryLogger } from '../logger.ts';
import { ClientIdTaken } from '../storage/errors.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../storage/types.ts';
import { FakeConnection } from '../test/fakeConnection.ts';
import { encodeAwareness, encodeSyncStep1, encodeUpdate } from './protocol.ts';
import { SyncServer } from './syncServer.ts';
import type { PeerIdentity, SyncOptions } from './types.ts';

const options: SyncOptions = {
  maxDocumentBytes: 1024 * 1024,
  maxBufferedBytes: 1024 * 1024,
  idleUnloadMs: 10,
  snapshotEvery: 5,
  maxQueuedFrames: 16,
};
const ann: PeerIdentity = {
  userId: 'u-ann',
  sessionId: 's1',
  workspaceId: 'w1',
  name: 'Ann',
  role: 'Patient or service user',
  participantRole: 'patient',
  color: '#1d4ed8',
  permission: 'editor',
  canEdit: true,
  textLocked: false,
  publishPresence: true,
};
const DOC = 'doc1';

async function seeded(): Promise<Storage> {
  const storage = openSqliteStorage({ filename: ':memory:' });
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'seed');
  await storage.journal.append([
    { documentId: DOC, seq: 1, createdAt: 0, accountId: null, update: Y.encodeStateAsUpdate(doc) },
  ]);
  return storage;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/**
 * Holds every commit that has rows until `release()`, so a test can act while commits are
 * in flight; `failNext` makes the released commits fail instead.
 */
function holdCommits(storage: Storage): { release(): void; failNext: boolean } {
  const realAppend = storage.journal.append.bind(storage.journal);
  let waiting: (() => void)[] = [];
  const disk = {
    failNext: false,
    release() {
      for (const answer of waiting) answer();
      waiting = [];
    },
  };
  storage.journal.append = async (...args) => {
    if (args[0].length > 0) await new Promise<void>((answer) => waiting.push(answer));
    if (disk.failNext) throw new Error('disk full');
    return realAppend(...args);
  };
  return disk;
}

function edit(text: string, clientID = 42): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Everyone's presence as a connection sees it, from the presence frames it was sent. */
function presenceSeenBy(conn: FakeConnection): awarenessProtocol.Awareness {
  const seen = new awarenessProtocol.Awareness(new Y.Doc());
  for (const f of conn.frames.filter((x) => x[0] === 1)) {
    const d = decoding.createDecoder(f);
    decoding.readVarUint(d);
    awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(d), null);
  }
  return seen;
}

describe('the sync server core', () => {
  it('answers nothing before the document has loaded, then sync step 1 first', async () => {
    const storage = await seeded();
    let release: () => void = () => {};
    const realLoad = storage.journal.load.bind(storage.journal);
    storage.journal.load = async (id) => {
      await new Promise<void>((r) => {
        release = r;
      });
      return realLoad(id);
    };
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(conn.frames).toHaveLength(0);
    release();
    await tick();
    expect([...(conn.frames[0] ?? [])].slice(0, 2)).toEqual([0, 0]); // server's step 1
    expect([...(conn.frames[1] ?? [])].slice(0, 2)).toEqual([0, 1]); // reply to the client's
    expect(conn.docFromFrames().getText('t').toString()).toBe('seed');
  });

  it('refuses the connection with a clear code when loading fails, and never serves an empty doc', async () => {
    const storage = await seeded();
    storage.journal.load = async () => {
      throw new Error('disk on fire');
    };
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(conn.closedWith?.code).toBe(CloseCode.loadFailed);
    expect(conn.frames).toHaveLength(0);
    expect(sync.rooms.size).toBe(0);
    expect(logger.entries.some((e) => e.event === 'sync.load_failed')).toBe(true);
  });

  it('treats a document with no journal at all as a failed load', async () => {
    const storage = openSqliteStorage({ filename: ':memory:' });
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    sync.connect(conn, ann, 'never-created');
    await tick();
    expect(conn.closedWith?.code).toBe(CloseCode.loadFailed);
  });

  it('journals each accepted update with the account, confirms it, and compacts into snapshots', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(new Uint8Array([100, 0, 1]));
    await tick();
    const doc = new Y.Doc();
    doc.clientID = 42;
    for (let i = 0; i < 7; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getText('t').insert(0, `${i}`);
      peer.receive(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
    }
    await sync.flushed();
    await tick();
    expect(conn.savedCounts().at(-1)).toBe(7);
    expect(await storage.journal.countRows(DOC)).toBe(8);
    const loaded = await storage.journal.load(DOC);
    expect(loaded.snapshot).not.toBeNull();
    // Loading is snapshot plus the rows after it, and gives the same document.
    const reloaded = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(reloaded, loaded.snapshot.state);
    for (const r of loaded.rows) Y.applyUpdate(reloaded, r.update);
    expect(reloaded.getText('t').toString()).toBe('6543210seed');
  });

  it('when another process took a client id in one document, only that room fails; the rest of the group commit is stored', async () => {
    const storage = await seeded();
    const other = 'doc2';
    await storage.journal.append([
      { documentId: other, seq: 1, createdAt: 0, accountId: null, update: edit('seed', 7) },
    ]);
    const realAppend = storage.journal.append.bind(storage.journal);
    let refusals = 0;
    storage.journal.append = async (rows, ...rest) => {
      if (rows.some((r) => r.documentId === other)) {
        refusals++;
        throw new ClientIdTaken(new Set([other]));
      }
      return realAppend(rows, ...rest);
    };
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const here = new FakeConnection();
    const there = new FakeConnection();
    const a = sync.connect(here, ann, DOC);
    const b = sync.connect(there, { ...ann, sessionId: 's2' }, other);
    for (const p of [a, b]) p.receive(new Uint8Array([100, 0, 1]));
    await tick();
    // Both in one event-loop turn: one group commit.
    a.receive(encodeUpdate(edit('kept', 51)));
    b.receive(encodeUpdate(edit('refused', 52)));
    await sync.flushed();
    await tick();
    expect(refusals).toBe(1);
    expect(there.closedWith?.code).toBe(CloseCode.storageFailed);
    expect(here.closedWith).toBeNull();
    expect(here.savedCounts().at(-1)).toBe(1);
    expect(await storage.journal.countRows(DOC)).toBe(2);
    expect(await storage.journal.countRows(other)).toBe(1);
  });

  it('quarantines a stored row that cannot be applied and loads the rest', async () => {
    const storage = await seeded();
    await storage.journal.append([
      {
        documentId: DOC,
        seq: 2,
        createdAt: 0,
        accountId: 'u-ann',
        update: new Uint8Array([9, 9, 9, 9]),
      },
      { documentId: DOC, seq: 3, createdAt: 0, accountId: 'u-ann', update: edit('ok ', 43) },
    ]);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    peer.receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(conn.closedWith).toBeNull();
    expect(conn.docFromFrames().getText('t').toString()).toContain('seed');
    expect(conn.docFromFrames().getText('t').toString()).toContain('ok');
    expect(
      logger.entries.some((e) => e.event === 'journal.row_quarantined' && e.fields.seq === 2),
    ).toBe(true);
    expect((await storage.journal.load(DOC)).rows.map((r) => r.seq)).toEqual([1, 3]);
  });

  it('quarantines a stored row whose counts are impossible without handing it to Yjs', async () => {
    const storage = await seeded();
    // One client with 2^28 structs in 7 bytes: Yjs spends about a second before throwing.
    const inflated = new Uint8Array([1, 0x80, 0x80, 0x80, 0x80, 0x01, 7, 0]);
    await storage.journal.append([
      { documentId: DOC, seq: 2, createdAt: 0, accountId: 'u-ann', update: inflated },
    ]);
    const logger = memoryLogger();
    const sync = new SyncServer(storage.journal, options, logger);
    const conn = new FakeConnection();
    sync.connect(conn, ann, DOC).receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(conn.closedWith).toBeNull();
    expect(conn.docFromFrames().getText('t').toString()).toContain('seed');
    const quarantined = logger.entries.find((e) => e.event === 'journal.row_quarantined');
    expect(quarantined?.fields).toMatchObject({ seq: 2 });
    expect(String(quarantined?.fields.error)).toContain('struct count');
    expect((await storage.journal.load(DOC)).rows.map((r) => r.seq)).toEqual([1]);
  });

  it('closes a connection that would push the document over its size limit', async () => {
    const storage = await seeded();
    const sync = new SyncServer(
      storage.journal,
      { ...options, maxDocumentBytes: 200 },
      memoryLogger(),
    );
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    await tick();
    peer.receive(encodeUpdate(edit('x'.repeat(500))));
    expect(conn.closedWith?.code).toBe(CloseCode.documentTooLarge);
    await sync.flushed();
    expect(await storage.journal.countRows(DOC)).toBe(1);
  });

  it('relays the edits of one commit as one merged frame, and every copy converges', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const people = ['u-ann', 'u-bob', 'u-cat'].map((userId, i) => {
      const conn = new FakeConnection();
      const peer = sync.connect(conn, { ...ann, userId, sessionId: `s-${userId}` }, DOC);
      return { conn, peer, clientID: 100 + i };
    });
    const watcher = new FakeConnection();
    sync.connect(watcher, { ...ann, userId: 'u-dan', sessionId: 's-dan' }, DOC);
    await tick();
    const updatesSeen = (c: FakeConnection) => c.frames.filter((f) => f[0] === 0 && f[1] === 2);
    const before = people.map((p) => updatesSeen(p.conn).length);
    const watcherBefore = updatesSeen(watcher).length;
    // Three people's edits in one event-loop turn: one commit.
    for (const p of people) p.peer.receive(encodeUpdate(edit(`${p.clientID} `, p.clientID)));
    await sync.flushed();
    expect(updatesSeen(watcher).length - watcherBefore).toBe(1);
    // The senders get the merged frame too; Yjs skips what they already hold.
    expect(people.map((p, i) => updatesSeen(p.conn).length - (before[i] ?? 0))).toEqual([1, 1, 1]);
    const text = watcher.docFromFrames().getText('t').toString();
    for (const p of people) expect(text).toContain(`${p.clientID} `);
    for (const p of people) expect(p.conn.docFromFrames().getText('t').toString()).toBe(text);
    // One person's edits alone are not sent back to them.
    const [first] = people;
    if (!first) throw new Error('no people');
    const firstBefore = updatesSeen(first.conn).length;
    first.peer.receive(encodeUpdate(edit('again', 900)));
    await sync.flushed();
    expect(updatesSeen(first.conn).length).toBe(firstBefore);
    expect(watcher.docFromFrames().getText('t').toString()).toContain('again');
  });

  it('relays the presence changes of one event-loop turn as one frame', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const senders = ['u-ann', 'u-bob', 'u-cat'].map((userId) =>
      sync.connect(new FakeConnection(), { ...ann, userId, sessionId: `s-${userId}` }, DOC),
    );
    const watcher = new FakeConnection();
    sync.connect(watcher, { ...ann, userId: 'u-dan', sessionId: 's-dan' }, DOC);
    await tick();
    const presence = (c: FakeConnection) => c.frames.filter((f) => f[0] === 1);
    const before = presence(watcher).length;
    senders.forEach((peer, i) => {
      const a = new awarenessProtocol.Awareness(new Y.Doc());
      a.setLocalStateField('cursor', i);
      peer.receive(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID])));
    });
    await tick();
    const frames = presence(watcher).slice(before);
    expect(frames).toHaveLength(1);
    const seen = presenceSeenBy(watcher); // nobody had presence before: that one frame
    const others = [...seen.getStates()].filter(([id]) => id !== seen.clientID);
    expect(others.map(([, s]) => (s as { cursor: number }).cursor).sort()).toEqual([0, 1, 2]);
  });

  it('merges at most 32 edits per frame and converges with more in one commit', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const writers = ['u-ann', 'u-bob'].map((userId) =>
      sync.connect(new FakeConnection(), { ...ann, userId, sessionId: `s-${userId}` }, DOC),
    );
    const watcher = new FakeConnection();
    sync.connect(watcher, { ...ann, userId: 'u-dan', sessionId: 's-dan' }, DOC);
    await tick();
    const updates = () => watcher.frames.filter((f) => f[0] === 0 && f[1] === 2).length;
    const before = updates();
    const docs = writers.map((_, i) => {
      const d = new Y.Doc();
      d.clientID = 300 + i;
      return d;
    });
    for (let i = 0; i < 20; i++) {
      writers.forEach((peer, w) => {
        const d = docs[w] as Y.Doc;
        const sv = Y.encodeStateVector(d);
        d.getText('t').insert(0, `${w}:${i} `);
        if (i === 10) d.getText('t').delete(0, 2);
        peer.receive(encodeUpdate(Y.encodeStateAsUpdate(d, sv)));
      });
    }
    await sync.flushed();
    expect(updates() - before).toBe(2); // 40 edits: a run of 32 and a run of 8
    const seen = watcher.docFromFrames().getText('t').toString();
    for (const d of docs)
      for (const word of d.getText('t').toString().split(' ')) {
        if (word) expect(seen).toContain(word);
      }
  });

  it('does not let a late echo of someone who left take their presence', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const pat = new awarenessProtocol.Awareness(new Y.Doc());
    pat.setLocalStateField('cursor', 1);
    const patConn = sync.connect(
      new FakeConnection(),
      { ...ann, userId: 'u-pat', sessionId: 's-pat' },
      DOC,
    );
    const echoer = sync.connect(
      new FakeConnection(),
      { ...ann, userId: 'u-eve', sessionId: 's-eve' },
      DOC,
    );
    const watcher = new FakeConnection();
    sync.connect(watcher, { ...ann, userId: 'u-dan', sessionId: 's-dan' }, DOC);
    await tick();
    const patState = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(pat, [pat.clientID]));
    patConn.receive(patState);
    await tick();
    patConn.closed(); // Pat leaves; the server removes Pat's presence
    echoer.receive(patState); // a stock client echoes Pat's old state just after
    await tick();
    // Pat comes back with the same Y.Doc and moves the caret: everyone must see it.
    pat.setLocalStateField('cursor', 2);
    const back = sync.connect(
      new FakeConnection(),
      { ...ann, userId: 'u-pat', sessionId: 's-pat2' },
      DOC,
    );
    await tick();
    back.receive(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(pat, [pat.clientID])));
    await tick();
    const seen = presenceSeenBy(watcher);
    expect((seen.getStates().get(pat.clientID) as { cursor?: number } | undefined)?.cursor).toBe(2);
  });

  it('lets one message claim no more presence ids than a connection may hold', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const peer = sync.connect(new FakeConnection(), ann, DOC);
    const watcher = new FakeConnection();
    sync.connect(watcher, { ...ann, userId: 'u-dan', sessionId: 's-dan' }, DOC);
    await tick();
    const many = Array.from({ length: 8 }, () => {
      const a = new awarenessProtocol.Awareness(new Y.Doc());
      a.setLocalStateField('cursor', 1);
      return a;
    });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 8);
    for (const a of many) {
      const one = decoding.createDecoder(awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]));
      decoding.readVarUint(one);
      encoding.writeVarUint(e, decoding.readVarUint(one));
      encoding.writeVarUint(e, decoding.readVarUint(one));
      encoding.writeVarString(e, decoding.readVarString(one));
    }
    peer.receive(encodeAwareness(encoding.toUint8Array(e)));
    await tick();
    const seen = presenceSeenBy(watcher);
    expect(seen.getStates().size - 1).toBe(4);
  });

  it('journals the waiting part of an update that was only partly applied', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const peer = sync.connect(new FakeConnection(), ann, DOC);
    await tick();
    // One frame: an edit the server can apply, and a later edit of another Y.Doc whose
    // earlier edits the server has not had yet (they come after a reconnect, say).
    const now = new Y.Doc();
    now.clientID = 501;
    now.getText('t').insert(0, 'applied ');
    const offline = new Y.Doc();
    offline.clientID = 502;
    offline.getText('t').insert(0, 'first ');
    const early = Y.encodeStateAsUpdate(offline);
    const sv = Y.encodeStateVector(offline);
    offline.getText('t').insert(6, 'waiting ');
    const late = Y.encodeStateAsUpdate(offline, sv);
    peer.receive(encodeUpdate(Y.mergeUpdates([Y.encodeStateAsUpdate(now), late])));
    await sync.flushed();
    // The server restarts: what it confirmed must come back from the journal alone.
    const loaded = await storage.journal.load(DOC);
    const reloaded = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(reloaded, loaded.snapshot.state);
    for (const r of loaded.rows) Y.applyUpdate(reloaded, r.update);
    Y.applyUpdate(reloaded, early); // the missing edits arrive
    expect(reloaded.getText('t').toString()).toContain('applied');
    expect(reloaded.getText('t').toString()).toContain('first waiting');
  });

  it('answers a newcomer only with committed content, also while a commit is on its way', async () => {
    const storage = await seeded();
    const disk = holdCommits(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const annConn = new FakeConnection();
    const ann1 = sync.connect(annConn, ann, DOC);
    await tick();
    ann1.receive(encodeUpdate(edit('draft ')));
    await tick(); // the flush has taken Ann's edit and is waiting for the disk

    const bobConn = new FakeConnection();
    const bob = sync.connect(bobConn, { ...ann, userId: 'u-bob', sessionId: 's2' }, DOC);
    bob.receive(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    await tick();
    // Until the commit ends, Bob gets nothing of Ann's draft: had it failed, Bob would hold
    // Ann's text under her client id, and resending it would be refused as a forgery.
    expect(bobConn.docFromFrames().getText('t').toString()).toBe('');
    disk.failNext = true;
    disk.release();
    await tick();
    expect(annConn.closedWith?.code).toBe(CloseCode.storageFailed);
    expect(bobConn.docFromFrames().getText('t').toString()).toBe('');

    // After a commit that succeeds, a newcomer gets the edit with the rest.
    disk.failNext = false;
    const annAgain = sync.connect(new FakeConnection(), ann, DOC);
    await tick();
    annAgain.receive(encodeUpdate(edit('kept ', 43)));
    await tick();
    const carolConn = new FakeConnection();
    const carol = sync.connect(carolConn, { ...ann, userId: 'u-carol', sessionId: 's3' }, DOC);
    carol.receive(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    await tick();
    expect(carolConn.docFromFrames().getText('t').toString()).toBe('');
    // Ann keeps typing: Carol's answer waits only for what it holds, not for this too.
    const more = new Y.Doc();
    more.clientID = 43;
    Y.applyUpdate(more, edit('kept ', 43));
    const before = Y.encodeStateVector(more);
    more.getText('t').insert(5, 'more ');
    annAgain.receive(encodeUpdate(Y.encodeStateAsUpdate(more, before)));
    disk.release(); // the first commit only; the second is held in its turn
    await tick();
    expect(carolConn.docFromFrames().getText('t').toString()).toBe('kept seed');
    disk.release();
    await sync.flushed();
    await tick();
    expect(carolConn.docFromFrames().getText('t').toString()).toBe('kept more seed');
  });

  it("never applies, stores or relays a reader's update", async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const readerConn = new FakeConnection();
    const otherConn = new FakeConnection();
    const reader = sync.connect(readerConn, { ...ann, canEdit: false }, DOC);
    sync.connect(otherConn, { ...ann, userId: 'u-bob', sessionId: 's2' }, DOC);
    await tick();
    const framesBefore = otherConn.frames.length;
    reader.receive(encodeUpdate(edit('vandalism')));
    await sync.flushed();
    expect(await storage.journal.countRows(DOC)).toBe(1);
    expect(otherConn.frames.length).toBe(framesBefore);
  });

  it('closes a reader that stops draining its buffer', async () => {
    const storage = await seeded();
    const sync = new SyncServer(
      storage.journal,
      { ...options, maxBufferedBytes: 10 },
      memoryLogger(),
    );
    const slow = new FakeConnection();
    slow.bufferedAmount = 1_000;
    sync.connect(slow, ann, DOC);
    await tick();
    expect(slow.closedWith?.code).toBe(CloseCode.slowReader);
  });

  it('unloads an idle document after saving, and loads it again unchanged', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    await tick();
    peer.receive(encodeUpdate(edit('kept ')));
    peer.closed();
    await new Promise((r) => setTimeout(r, 60));
    expect(sync.rooms.size).toBe(0);
    const again = new FakeConnection();
    sync.connect(again, ann, DOC).receive(encodeSyncStep1(new Uint8Array([0])));
    await tick();
    expect(again.docFromFrames().getText('t').toString()).toContain('kept');
  });

  it('on shutdown, commits what arrived before and stores nothing that arrives after', async () => {
    const storage = await seeded();
    const disk = holdCommits(storage);
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const peer = sync.connect(conn, ann, DOC);
    await tick();
    peer.receive(encodeUpdate(edit('before ')));
    await tick(); // its commit is held
    const stopping = sync.shutdown();
    peer.receive(encodeUpdate(edit('after ', 43)));
    disk.release();
    await stopping;
    expect(conn.closedWith?.code).toBe(CloseCode.serviceRestart);
    const loaded = await storage.journal.load(DOC);
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
    for (const r of loaded.rows) Y.applyUpdate(doc, r.update);
    // The client never got a confirmation for "after ", so it sends it again on reconnect.
    expect(doc.getText('t').toString()).toBe('before seed');
  });

  it('closes the sessions it is told have ended', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    const conn = new FakeConnection();
    const other = new FakeConnection();
    sync.connect(conn, ann, DOC);
    sync.connect(other, { ...ann, sessionId: 's-other' }, DOC);
    await tick();
    sync.closeSessions(['s1'], CloseCode.unauthenticated, 'session ended');
    expect(conn.closedWith?.code).toBe(CloseCode.unauthenticated);
    expect(other.closedWith).toBeNull();
  });

  it('stops one account from registering client ids without end by reconnecting', async () => {
    const storage = await seeded();
    const sync = new SyncServer(storage.journal, options, memoryLogger());
    let refused: FakeConnection | null = null;
    for (let i = 0; i < 2_001 && !refused; i++) {
      const conn = new FakeConnection();
      const peer = sync.connect(conn, ann, DOC);
      while (conn.frames.length === 0) await new Promise((r) => setImmediate(r));
      peer.receive(encodeUpdate(edit(`x${i}`, 10_000 + i)));
      if (conn.closedWith) refused = conn;
      peer.closed();
    }
    expect(refused?.closedWith?.code).toBe(CloseCode.badMessage);
    expect(refused?.closedWith?.reason).toContain('too many times');
  });
});
