import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeConnection } from '../test/fakeConnection.ts';
import { eventually } from '../test/syncClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';
import { encodeSyncStep1, encodeUpdate } from './protocol.ts';

/** MAX_PENDING_BYTES in room.ts: content waiting for missing dependencies a document may hold. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
const CHUNK = 128 * 1024;
const DOC = 'pending-doc';

/** Bytes of content a Y.Doc holds back because what it depends on never arrived. */
const pendingBytes = (doc: Y.Doc) =>
  (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);

/**
 * Edits of one Y.Doc whose first edit is never sent: every later edit depends on it, so
 * a server can only park them as pending.
 */
function orphanEdits(clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, 'never sent ');
  let sv = Y.encodeStateVector(doc);
  return {
    next(text: string): Uint8Array {
      doc.getText('t').insert(0, text);
      const update = Y.encodeStateAsUpdate(doc, sv);
      sv = Y.encodeStateVector(doc);
      return encodeUpdate(update);
    },
  };
}

/** A Chorus client (it asks for save confirmations) in a loaded, seeded document. */
async function confirmedWriter() {
  const { storage, server } = inMemorySyncServer();
  await seedDocument(storage, DOC, 'seed');
  const conn = new FakeConnection();
  const peer = server.connect(conn, editorIdentity('u-ann'), DOC);
  peer.receive(new Uint8Array([100, 0, 1])); // Chorus hello
  await eventually(() => expect(server.rooms.get(DOC)?.state).toBe('ready'));
  return { storage, server, conn, peer };
}

describe('content waiting for dependencies that never arrive', () => {
  it('is bounded: past the limit the sender is closed, and honest people keep syncing', async () => {
    const { storage, server } = inMemorySyncServer();
    await seedDocument(storage, DOC, 'seed');
    const annConn = new FakeConnection();
    const ann = server.connect(annConn, editorIdentity('u-ann'), DOC);
    ann.receive(encodeSyncStep1(new Uint8Array([0])));
    const eveConn = new FakeConnection();
    const eve = server.connect(eveConn, editorIdentity('u-eve'), DOC);
    await eventually(() => expect(server.rooms.get(DOC)?.peers.size).toBe(2));
    const room = server.rooms.get(DOC);
    if (!room) throw new Error('room not loaded');

    // At most twice the limit's worth of orphans; the server must close Eve well before.
    const orphans = orphanEdits(7777);
    let sent = 0;
    while (!eveConn.closedWith && sent < (2 * MAX_PENDING_BYTES) / CHUNK) {
      eve.receive(orphans.next(String(sent % 10).repeat(CHUNK)));
      sent++;
      expect(pendingBytes(room.doc)).toBeLessThanOrEqual(MAX_PENDING_BYTES);
    }
    expect(eveConn.closedWith).toEqual({
      code: CloseCode.badMessage,
      reason: 'too much content waiting for edits the server does not have',
    });
    // Closed for the total, not for the first orphan: a reconnecting client may
    // legitimately send an edit before the ones it depends on.
    expect(pendingBytes(room.doc)).toBeGreaterThan(MAX_PENDING_BYTES - 2 * CHUNK);
    expect(annConn.closedWith).toBeNull();

    // Ann's edit is applied, stored and relayed as usual.
    await server.flushed();
    const annDoc = new Y.Doc();
    annDoc.clientID = 42;
    annDoc.getText('t').insert(0, 'honest words ');
    ann.receive(encodeUpdate(Y.encodeStateAsUpdate(annDoc)));
    await server.flushed();
    expect(annConn.closedWith).toBeNull();
    expect(room.doc.getText('t').toString()).toBe('honest words seed');

    // A brand-new joiner syncs and holds the honest text, and none of the orphans.
    const bobConn = new FakeConnection();
    const bob = server.connect(bobConn, editorIdentity('u-bob'), DOC);
    bob.receive(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() =>
      expect(bobConn.docFromFrames().getText('t').toString()).toBe('honest words seed'),
    );
    expect(bobConn.closedWith).toBeNull();
    // Whatever it is sent of the parked content is bounded by the limit too.
    const sentToBob = bobConn.frames.reduce((n, f) => n + f.byteLength, 0);
    expect(sentToBob).toBeLessThan(MAX_PENDING_BYTES + 64 * 1024);

    // A second connection cannot add to the pile either: the limit is the document's.
    const eve2Conn = new FakeConnection();
    const eve2 = server.connect(eve2Conn, editorIdentity('u-eve'), DOC);
    await eventually(() => expect(room.peers.size).toBe(3));
    eve2.receive(orphanEdits(8888).next('x'.repeat(CHUNK)));
    expect(eve2Conn.closedWith?.code).toBe(CloseCode.badMessage);
    expect(pendingBytes(room.doc)).toBeLessThanOrEqual(MAX_PENDING_BYTES);
  });

  it('journals every confirmed edit that had to wait, not only the first', async () => {
    // A client back from offline sends two new edits before the one they depend on. Each
    // is confirmed, so each must be in the journal: a restart before the missing edit
    // arrives must not lose them.
    const { storage, server, conn, peer } = await confirmedWriter();

    const offline = new Y.Doc();
    offline.clientID = 501;
    offline.getText('t').insert(0, 'first ');
    const first = Y.encodeStateAsUpdate(offline);
    let sv = Y.encodeStateVector(offline);
    offline.getText('t').insert(6, 'second ');
    const second = Y.encodeStateAsUpdate(offline, sv);
    sv = Y.encodeStateVector(offline);
    offline.getText('t').insert(13, 'third ');
    const third = Y.encodeStateAsUpdate(offline, sv);

    peer.receive(encodeUpdate(second));
    peer.receive(encodeUpdate(third));
    await server.flushed();
    await eventually(() => expect(conn.savedCounts().at(-1)).toBe(2));
    expect(conn.closedWith).toBeNull();

    // The process is killed before the missing edit arrives (no snapshot, no shutdown):
    // what a restart has is the journal, and both confirmed edits must be in it.
    const loaded = await storage.journal.load(DOC);
    expect(loaded.snapshot).toBeNull();
    const restarted = new Y.Doc();
    for (const row of loaded.rows) Y.applyUpdate(restarted, row.update);
    Y.applyUpdate(restarted, first); // the missing edit arrives after the restart
    expect(restarted.getText('t').toString()).toBe('first second third seed');
  });

  it('journals an edit that parks content even when it releases more than it parks', async () => {
    // Two offline clients: X's second edit arrives first and waits (large). Then one
    // update brings X's missing first edit (releasing the large wait) together with Y's
    // second edit without Y's first (a small new wait). The total waiting shrinks, yet
    // Y's edit is confirmed, so it must be journaled.
    const { storage, server, conn, peer } = await confirmedWriter();

    const x = new Y.Doc();
    x.clientID = 601;
    x.getText('t').insert(0, 'x1 ');
    const x1 = Y.encodeStateAsUpdate(x);
    const xsv = Y.encodeStateVector(x);
    x.getText('t').insert(3, `${'x'.repeat(4096)} `);
    const x2 = Y.encodeStateAsUpdate(x, xsv);
    const y = new Y.Doc();
    y.clientID = 602;
    y.getText('t').insert(0, 'y1 ');
    const y1 = Y.encodeStateAsUpdate(y);
    const ysv = Y.encodeStateVector(y);
    y.getText('t').insert(3, 'y2 ');
    const y2 = Y.encodeStateAsUpdate(y, ysv);

    peer.receive(encodeUpdate(x2));
    peer.receive(encodeUpdate(Y.mergeUpdates([x1, y2])));
    await server.flushed();
    await eventually(() => expect(conn.savedCounts().at(-1)).toBe(2));

    // Killed before Y's first edit arrives: the journal alone must hold Y's second.
    const loaded = await storage.journal.load(DOC);
    const restarted = new Y.Doc();
    for (const row of loaded.rows) Y.applyUpdate(restarted, row.update);
    Y.applyUpdate(restarted, y1);
    expect(restarted.getText('t').toString()).toContain('y1 y2 ');
    expect(restarted.getText('t').toString()).toContain('x1 x');
  });
});
