import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeConnection } from '../test/fakeConnection.ts';
import { SimClient, settleAll } from '../test/simClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';
import { encodeUpdate } from './protocol.ts';

/**
 * Yjs places concurrent inserts at one position by scanning the ones already there, so n
 * client ids inserting at the same place cost O(n²). The per-account cap on client ids in
 * a document (2,000) bounds n; this attacks that bound with a fresh id per insert.
 */
describe('many concurrent inserts at one position', () => {
  it('stay bounded by the per-account client id cap, and others keep syncing', async () => {
    const { storage, server } = inMemorySyncServer();
    await seedDocument(storage, 'd', 'x');
    const alice = new SimClient(server, editorIdentity('alice'), 'd');
    alice.connect();
    await settleAll(server, [alice]);
    const base = Y.encodeStateAsUpdate(alice.doc);
    const baseVector = Y.encodeStateVector(alice.doc);

    let nextId = 1_000_000;
    let accepted = 0;
    let refusedWith: number | null = null;
    const applyMs: number[] = [];
    // 16 new ids is the most one connection may introduce; reconnect for the next 16.
    for (let round = 0; round < 130 && refusedWith === null; round++) {
      const parts: Uint8Array[] = [];
      for (let k = 0; k < 16; k++) {
        const d = new Y.Doc();
        d.clientID = nextId++;
        Y.applyUpdate(d, base);
        d.getText('t').insert(1, 'a'); // right after "x", unaware of each other
        parts.push(Y.encodeStateAsUpdate(d, baseVector));
      }
      const conn = new FakeConnection();
      const attacker = server.connect(conn, editorIdentity('mallory'), 'd');
      while (conn.frames.length === 0) await new Promise((r) => setImmediate(r));
      const t0 = performance.now();
      attacker.receive(encodeUpdate(Y.mergeUpdates(parts)));
      applyMs.push(performance.now() - t0);
      if (conn.closedWith) refusedWith = conn.closedWith.code;
      else accepted += 16;
      attacker.closed();
      await server.flushed();
    }
    applyMs.sort((a, b) => a - b);
    console.log(
      `concurrent inserts: ${accepted} accepted at one position, then refused with ${refusedWith}; per update p50 ${applyMs[Math.floor(applyMs.length / 2)]?.toFixed(2)} ms, max ${applyMs[applyMs.length - 1]?.toFixed(2)} ms`,
    );
    expect(accepted).toBe(2_000);
    expect(refusedWith).toBe(4400);

    // The honest client still edits and converges with the server's copy.
    alice.doc.getText('t').insert(0, 'still here ');
    await settleAll(server, [alice]);
    const committed = await server.committedDocument('d');
    expect(committed.doc.getText('t').toString()).toBe(alice.doc.getText('t').toString());
    expect(alice.doc.getText('t').length).toBe(1 + 2_000 + 'still here '.length);
    await server.shutdown();
  }, 60_000);
});
