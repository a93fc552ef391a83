import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeConnection } from '../test/fakeConnection.ts';
import { SimClient, settleAll } from '../test/simClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';
import { encodeUpdate } from './protocol.ts';

const contents = (doc: Y.Doc) =>
  JSON.stringify({ t: doc.getText('t').toString(), m: doc.getMap('m').toJSON() });

/**
 * Yjs takes a client id and clock to name one piece of content everywhere. A hostile
 * editor may send other content under its own client id's clocks; the server must still
 * hold exactly what it relays and stores (the fuzz test found the two apart: seed 7 of
 * the debugging run, where a later update's text landed beside another one's map entry).
 */
describe('an editor reusing its client id with other content', () => {
  it('leaves the server, its journal and every client holding the same document', async () => {
    const { storage, server } = inMemorySyncServer();
    await seedDocument(storage, 'd', 'seed');
    const alice = new SimClient(server, editorIdentity('alice'), 'd');
    const bob = new SimClient(server, editorIdentity('bob'), 'd');
    alice.connect();
    bob.connect();
    await settleAll(server, [alice, bob]);

    const conn = new FakeConnection();
    const mallory = server.connect(conn, editorIdentity('mallory'), 'd');
    while (conn.frames.length === 0) await new Promise((r) => setImmediate(r));
    // Clocks 0 and 1: two map entries.
    const first = new Y.Doc();
    first.clientID = 1;
    first.getMap('m').set('k', 'x');
    first.getMap('m').set('j', 'x');
    mallory.receive(encodeUpdate(Y.encodeStateAsUpdate(first)));
    // Clocks 0 to 4 again, now text in `t`, and more after them.
    const second = new Y.Doc();
    second.clientID = 1;
    second.getText('t').insert(0, 'hello');
    second.getMap('m').set('k', 'y');
    mallory.receive(encodeUpdate(Y.encodeStateAsUpdate(second)));
    await settleAll(server, [alice, bob]);
    alice.doc.getText('t').insert(0, 'A');
    await settleAll(server, [alice, bob]);

    const room = server.rooms.get('d');
    if (!room) throw new Error('room not open');
    await server.flushed();
    const loaded = await storage.journal.load('d');
    const journal = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(journal, loaded.snapshot.state);
    for (const row of loaded.rows) Y.applyUpdate(journal, row.update);
    const newcomer = new Y.Doc();
    Y.applyUpdate(newcomer, Y.encodeStateAsUpdate(room.doc));

    const held = contents(room.doc);
    expect(contents(alice.doc)).toBe(held);
    expect(contents(bob.doc)).toBe(held);
    expect(contents(journal)).toBe(held);
    expect(contents(newcomer)).toBe(held);
    await server.shutdown();
  });
});
