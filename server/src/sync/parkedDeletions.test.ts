import { CloseCode } from '@chorus/shared';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FakeConnection } from '../test/fakeConnection.ts';
import { SimClient, settleAll } from '../test/simClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';
import { encodeUpdate } from './protocol.ts';

/** An update holding only deletions: `len` clocks of `client` from `clock`. */
function deletionOnly(client: number, clock: number, len: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, clock);
  encoding.writeVarUint(e, len);
  return encoding.toUint8Array(e);
}

/**
 * Yjs keeps a deletion of content it does not have yet and applies it when the content
 * arrives. Sent for another person's next clocks, it would delete their words as they
 * type them (or the server's next correction of a PDSA cycle).
 */
describe('a deletion of content the server does not have', () => {
  it('is refused when it is under someone else’s client id, and their next words stay', async () => {
    const { storage, server } = inMemorySyncServer();
    await seedDocument(storage, 'd', 'seed');
    const alice = new SimClient(server, editorIdentity('alice'), 'd');
    const bob = new SimClient(server, editorIdentity('bob'), 'd');
    alice.connect();
    bob.connect();
    await settleAll(server, [alice, bob]);
    alice.doc.getText('t').insert(0, 'hello');
    await settleAll(server, [alice, bob]);

    const conn = new FakeConnection();
    const mallory = server.connect(conn, editorIdentity('mallory'), 'd');
    while (conn.frames.length === 0) await new Promise((r) => setImmediate(r));
    const aliceClock = Y.getState(alice.doc.store, alice.doc.clientID);
    mallory.receive(encodeUpdate(deletionOnly(alice.doc.clientID, aliceClock, 50)));
    expect(conn.closedWith?.reason).toContain('deletes content the server does not have');

    alice.doc.getText('t').insert(5, ' world');
    await settleAll(server, [alice, bob]);
    expect(alice.doc.getText('t').toString()).toContain('hello world');
    expect(bob.doc.getText('t').toString()).toBe(alice.doc.getText('t').toString());
    await server.shutdown();
  });

  it('claims an id nobody has written under, so nobody else’s words can go under it and vanish', async () => {
    const { storage, server } = inMemorySyncServer();
    await seedDocument(storage, 'd', 'seed');
    const alice = new SimClient(server, editorIdentity('alice'), 'd');
    alice.connect();
    await settleAll(server, [alice]);
    const conn = new FakeConnection();
    const mallory = server.connect(conn, editorIdentity('mallory'), 'd');
    while (conn.frames.length === 0) await new Promise((r) => setImmediate(r));
    // Carol has only read so far (her id is not registered) and is not present now.
    const carolId = 4242;
    mallory.receive(encodeUpdate(deletionOnly(carolId, 0, 100)));
    expect(conn.closedWith).toBeNull();

    const carol = new SimClient(server, editorIdentity('carol'), 'd');
    carol.doc.clientID = carolId;
    carol.connect();
    await settleAll(server, [alice, carol]);
    carol.doc.getText('t').insert(0, 'Important note ');
    await settleAll(server, [alice, carol]);
    // Refused out loud (her page says so and a reload gives her a new id), never taken
    // in and deleted while her own screen still shows it.
    expect(carol.closedWith).toBe(CloseCode.clientIdTaken);
    expect(alice.doc.getText('t').toString()).not.toContain('Important');
    await server.shutdown();
  });
});
