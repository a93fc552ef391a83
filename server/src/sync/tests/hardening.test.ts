import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloseCode, EDITOR_FRAGMENT } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';
import { encodeAwareness, encodeUpdate } from '../protocol.ts';

const wsUrl = (server: TestServer, documentId: string) =>
  `${server.url.replace('http', 'ws')}/sync/${documentId}`;

interface RawSocket {
  ws: WebSocket;
  /** Resolves with the close code and reason, whoever closed. */
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a raw socket as `cookie`'s account and resolves once the server has spoken (its
 * sync step 1: the document is loaded and the connection has joined it).
 */
function openRaw(url: string, cookie: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.once('message', () => resolve({ ws, closed }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.on('error', () => {});
  });
}

/** Tries an upgrade: 101 if it opened, else the refusal's HTTP status and JSON message. */
function tryUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; message: string | null; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => resolve({ status: 101, message: null, ws }));
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        const parsed = JSON.parse(body) as { error: { message: string } };
        resolve({ status: res.statusCode ?? 0, message: parsed.error.message, ws });
        ws.terminate();
      });
    });
    ws.on('error', () => {});
  });
}

/** Retries an async check until it passes or the bounded time runs out. */
async function until<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > end) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A paragraph of the editor's schema, as typing it would add. */
function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text);
  p.insert(0, [t]);
  return p;
}

/**
 * An awareness frame publishing `state` for `clientID` with the given clock, built by
 * y-protocols itself. Each `setLocalState` advances the clock by one (the constructor's
 * own empty state is clock 0); a `null` state is a removal.
 */
function awarenessFrame(
  clientID: number,
  state: Record<string, unknown> | null,
  clock: number,
): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const awareness = new awarenessProtocol.Awareness(doc);
  for (let i = 1; i < clock; i++) awareness.setLocalState({ warmingUp: i });
  awareness.setLocalState(state);
  const meta = awareness.meta.get(clientID);
  if (meta?.clock !== clock) throw new Error(`built clock ${meta?.clock}, wanted ${clock}`);
  const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [clientID]));
  awareness.destroy();
  doc.destroy();
  return frame;
}

interface SeenState {
  cursor?: string;
  user?: { name?: string };
}
const stateOf = (client: TestClient, clientID: number) =>
  client.provider.awareness.getStates().get(clientID) as SeenState | undefined;

describe('sync hardening', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ann = await buildUser(server.url, 'Ann Patient');
    bob = await buildUser(server.url, 'Bob Clinician');
    carol = await buildUser(server.url, 'Carol Carer');
    ({ documentId } = await buildDocument(server.url, ann, [bob, carol]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const ws of sockets) ws.terminate();
    await server.stop();
  });

  const connect = (user: TestUser, options: { chorus?: boolean; clientID?: number } = {}) => {
    const client = connectClient(server.url, documentId, user.cookie, options);
    clients.push(client);
    return client;
  };
  const destroy = (client: TestClient) => {
    client.destroy();
    clients.splice(clients.indexOf(client), 1);
  };
  const raw = async (user: TestUser) => {
    const socket = await openRaw(wsUrl(server, documentId), user.cookie);
    sockets.push(socket.ws);
    return socket;
  };

  describe('an update mixing a fresh client id with another account’s', () => {
    // Ann's Yjs client id. Yjs writes higher client ids first in an update, so a fresh id
    // above it is seen by the gate before Ann's, and one below it after.
    const ANN_ID = 2_000_000;
    let a: TestClient;
    let watcher: TestClient;

    beforeAll(async () => {
      a = connect(ann, { chorus: true, clientID: ANN_ID });
      watcher = connect(carol);
      await Promise.all([waitSynced(a), waitSynced(watcher)]);
      appendParagraph(a.doc, 'Ann wrote this herself');
      await eventually(() => expect(a.saved()).toBe(a.sent()));
      const { owners } = await server.storage.journal.loadLedger(documentId);
      expect(owners.get(ANN_ID)).toBe(ann.id);
    });

    for (const [order, freshId] of [
      ['checked before', 3_000_000],
      ['checked after', 1_000_000],
    ] as const) {
      it(`is rejected whole when the fresh id is ${order} the taken one: closed, nothing relayed, stored or registered`, async () => {
        // Bob's update: a paragraph under his own fresh id and one under Ann's id.
        const forged = new Y.Doc();
        Y.applyUpdate(forged, Y.encodeStateAsUpdate(a.doc));
        const before = Y.encodeStateVector(forged);
        forged.clientID = freshId; // set after loading, or Yjs would pick a new id
        forged.getXmlFragment(EDITOR_FRAGMENT).insert(0, [paragraph(`Bob fresh ${freshId}`)]);
        forged.clientID = ANN_ID;
        forged.getXmlFragment(EDITOR_FRAGMENT).insert(0, [paragraph(`Ann forged ${freshId}`)]);
        const update = Y.encodeStateAsUpdate(forged, before);
        const meta = Y.parseUpdateMeta(update);
        const byNumber = (x: number, y: number) => x - y;
        expect([...meta.to.keys()].sort(byNumber)).toEqual([freshId, ANN_ID].sort(byNumber));

        const rowsBefore = await server.storage.journal.countRows(documentId);
        const socket = await raw(bob);
        socket.ws.send(encodeUpdate(update));
        const closed = await socket.closed;
        expect(closed.code).toBe(CloseCode.clientIdTaken);

        await server.sync.flushed();
        expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
        const { owners } = await server.storage.journal.loadLedger(documentId);
        expect(owners.has(freshId)).toBe(false);
        expect(owners.get(ANN_ID)).toBe(ann.id);
        const room = server.sync.rooms.get(documentId);
        if (!room) throw new Error('the document is not open');
        expect(room.index.owners.has(freshId)).toBe(false);
        expect(Y.getState(room.doc.store, freshId)).toBe(0);
        expect(
          server.logger.entries.some(
            (e) =>
              e.event === 'security.forged_client_id' &&
              e.fields.accountId === bob.id &&
              e.fields.clientId === ANN_ID,
          ),
        ).toBe(true);

        // Relays go out in order, so once a later edit of Ann's has reached the watcher,
        // anything of Bob's update would have reached it first.
        const marker = `Ann after the forgery ${freshId}`;
        appendParagraph(a.doc, marker);
        await eventually(() => expect(watcher.text()).toContain(marker));
        for (const client of [watcher, a]) {
          expect(client.text()).not.toContain('Bob fresh');
          expect(client.text()).not.toContain('Ann forged');
        }
      });
    }

    it('leaves nothing of either forgery for a newcomer', async () => {
      const late = connect(carol);
      await waitSynced(late);
      await eventually(() => expect(late.text()).toContain('Ann after the forgery'));
      expect(late.text()).not.toContain('Bob fresh');
      expect(late.text()).not.toContain('Ann forged');
    });
  });

  describe('awareness', () => {
    it("does not let another account take over a connected person's presence, or remove it", async () => {
      const p = connect(ann);
      const watcher = connect(carol);
      await Promise.all([waitSynced(p), waitSynced(watcher)]);
      const victimId = p.doc.clientID;
      p.provider.awareness.setLocalStateField('cursor', 'where Ann is');
      await eventually(() => expect(stateOf(watcher, victimId)?.cursor).toBe('where Ann is'));
      const victimClock = p.provider.awareness.meta.get(victimId)?.clock ?? 0;

      // Bob sends a state claiming to be Ann's client id with a much newer clock, then a
      // removal of it, then a state for an id of his own (the marker).
      const e = await raw(bob);
      const ownId = 880_001;
      e.ws.send(awarenessFrame(victimId, { cursor: 'where Bob says' }, victimClock + 50));
      e.ws.send(awarenessFrame(victimId, null, victimClock + 60));
      e.ws.send(awarenessFrame(ownId, { cursor: 'Bob marker' }, 1));

      // Frames of one socket are handled in order and relayed in order: once the marker has
      // reached the watcher, anything the forgeries changed would have reached it too.
      await eventually(() => expect(stateOf(watcher, ownId)?.cursor).toBe('Bob marker'));
      expect(stateOf(watcher, ownId)?.user?.name).toBe('Bob Clinician');
      expect(stateOf(watcher, victimId)).toMatchObject({
        cursor: 'where Ann is',
        user: { name: 'Ann Patient' },
      });
      expect(watcher.provider.awareness.meta.get(victimId)?.clock).toBeLessThan(victimClock + 50);
      const held = server.sync.rooms.get(documentId)?.awareness.getStates().get(victimId);
      expect(held).toMatchObject({ cursor: 'where Ann is', user: { name: 'Ann Patient' } });
    });

    for (const [what, state] of [
      ['an oversized state', { cursor: 'x'.repeat(20_000) }],
      [
        'a deeply nested state',
        // Parses, but nested far past the limit: once relayed, newcomers could not encode it.
        JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) as Record<string, unknown>,
      ],
    ] as const) {
      it(`refuses ${what} over a real connection: that socket is closed, nothing is relayed or kept, others keep working`, async () => {
        const watcher = connect(carol);
        const colleague = connect(ann);
        await Promise.all([waitSynced(watcher), waitSynced(colleague)]);
        const e = await raw(bob);
        const badId = what === 'an oversized state' ? 880_003 : 880_004;
        e.ws.send(awarenessFrame(badId, state, 1));
        const closed = await e.closed;
        expect(closed.code).not.toBe(1000);
        expect(closed.reason).toMatch(/awareness/);
        // Others are unaffected: the colleague's presence still reaches the watcher.
        colleague.provider.awareness.setLocalStateField('cursor', `after ${what}`);
        await eventually(() =>
          expect(stateOf(watcher, colleague.doc.clientID)?.cursor).toBe(`after ${what}`),
        );
        expect(stateOf(watcher, badId)).toBeUndefined();
        expect(server.sync.rooms.get(documentId)?.awareness.getStates().has(badId)).toBe(false);
        // A newcomer is not sent it either.
        const late = connect(carol);
        await waitSynced(late);
        await eventually(() =>
          expect(stateOf(late, colleague.doc.clientID)?.cursor).toBe(`after ${what}`),
        );
        expect(stateOf(late, badId)).toBeUndefined();
      });
    }

    it("does not relay presence for a client id registered to another account's writing", async () => {
      // Ann writes under a client id, so the registry records it as hers; then she leaves,
      // so no connection holds it in presence any more.
      const writtenId = 4_000_123;
      const writer = connect(ann, { chorus: true, clientID: writtenId });
      const watcher = connect(carol);
      await Promise.all([waitSynced(writer), waitSynced(watcher)]);
      appendParagraph(writer.doc, 'Ann wrote under her id');
      await eventually(() => expect(writer.saved()).toBe(writer.sent()));
      expect((await server.storage.journal.loadLedger(documentId)).owners.get(writtenId)).toBe(
        ann.id,
      );
      writer.provider.awareness.setLocalStateField('cursor', 'Ann writing');
      await eventually(() => expect(stateOf(watcher, writtenId)?.cursor).toBe('Ann writing'));
      destroy(writer);
      await eventually(() => expect(stateOf(watcher, writtenId)).toBeUndefined());
      const room = server.sync.rooms.get(documentId);
      expect(room?.awareness.getStates().has(writtenId)).toBe(false);

      const e = await raw(bob);
      const ownId = 880_002;
      e.ws.send(awarenessFrame(writtenId, { cursor: 'Bob as Ann' }, 10));
      e.ws.send(awarenessFrame(ownId, { cursor: 'Bob marker 2' }, 1));
      await eventually(() => expect(stateOf(watcher, ownId)?.cursor).toBe('Bob marker 2'));
      expect(stateOf(watcher, writtenId)).toBeUndefined();
      expect(room?.awareness.getStates().has(writtenId)).toBe(false);

      // A newcomer is not shown it either.
      const late = connect(carol);
      await waitSynced(late);
      await eventually(() => expect(stateOf(late, ownId)?.cursor).toBe('Bob marker 2'));
      expect(stateOf(late, writtenId)).toBeUndefined();
    });
  });

  describe('permessage-deflate', () => {
    it('is declined: a client offering it connects and syncs with no extension negotiated', async () => {
      // Control: the same client options do negotiate deflate with a server that allows it.
      const permissive = new WebSocketServer({
        port: 0,
        host: '127.0.0.1',
        perMessageDeflate: true,
      });
      await new Promise<void>((resolve) => permissive.once('listening', () => resolve()));
      const { port } = permissive.address() as AddressInfo;
      const control = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: true });
      await new Promise<void>((resolve) => control.once('open', () => resolve()));
      expect(control.extensions).toContain('permessage-deflate');
      control.terminate();
      await new Promise<void>((resolve) => permissive.close(() => resolve()));

      const ws = new WebSocket(wsUrl(server, documentId), {
        headers: { cookie: ann.cookie, origin: TEST_ORIGIN },
        perMessageDeflate: true,
      });
      sockets.push(ws);
      let answered: string | undefined = 'not seen';
      ws.on('upgrade', (res: IncomingMessage) => {
        answered = res.headers['sec-websocket-extensions'];
      });
      const first = new Promise<Buffer>((resolve) => ws.once('message', (d: Buffer) => resolve(d)));
      ws.on('error', () => {});
      await new Promise<void>((resolve) => ws.once('open', () => resolve()));
      expect(answered).toBeUndefined();
      expect(ws.extensions).toBe('');
      // The connection works: the server speaks first, with sync step 1.
      const frame = await first;
      expect([frame[0], frame[1]]).toEqual([0, 0]);
      ws.close();
    });
  });

  describe('the queue before a document has loaded, through the real server', () => {
    it('closes a connection that sends more than 256 frames while its document loads; others are served', async () => {
      const { documentId: coldDoc } = await buildDocument(server.url, ann, [bob]);
      expect(server.sync.rooms.has(coldDoc)).toBe(false);
      const journal = server.storage.journal;
      const realLoad = journal.load;
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      journal.load = async (...args) => {
        await held;
        return realLoad.apply(journal, args);
      };
      try {
        const url = wsUrl(server, coldDoc);
        const flood = new WebSocket(url, { headers: { cookie: ann.cookie, origin: TEST_ORIGIN } });
        sockets.push(flood);
        flood.on('error', () => {});
        const closed = new Promise<{ code: number; reason: string }>((resolve) =>
          flood.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
        );
        let received = 0;
        flood.on('message', () => received++);
        await new Promise<void>((resolve) => flood.once('open', () => resolve()));
        const b = connectClient(server.url, coldDoc, bob.cookie);
        clients.push(b);
        // 300 query-awareness frames: over the queue's 256, under the rate limit's burst.
        for (let i = 0; i < 300; i++) flood.send(new Uint8Array([3]));
        expect(await closed).toEqual({
          code: CloseCode.rateLimited,
          reason: 'too many messages before the document loaded',
        });
        expect(received).toBe(0);

        release();
        await waitSynced(b);
        const other = connectClient(server.url, coldDoc, ann.cookie);
        clients.push(other);
        await waitSynced(other);
        appendParagraph(b.doc, 'served after the queue flood');
        await eventually(() => expect(other.text()).toContain('served after the queue flood'));
      } finally {
        release();
        journal.load = realLoad;
      }
    });
  });
});

describe('the per-IP connection cap', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_MAX_CONNECTIONS_PER_IP: '3' });
    ann = await buildUser(server.url, 'Ann Patient');
    bob = await buildUser(server.url, 'Bob Clinician');
    ({ documentId } = await buildDocument(server.url, ann, [bob]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('refuses the connection over the cap with 429 before upgrading, and the others keep syncing', async () => {
    const url = wsUrl(server, documentId);
    // Three connections from this address (loopback), from two accounts.
    const a1 = connectClient(server.url, documentId, ann.cookie);
    const a2 = connectClient(server.url, documentId, ann.cookie);
    const b = connectClient(server.url, documentId, bob.cookie);
    clients.push(a1, a2, b);
    await Promise.all([waitSynced(a1), waitSynced(a2), waitSynced(b)]);

    const over = await tryUpgrade(url, { cookie: bob.cookie, origin: TEST_ORIGIN });
    expect(over.status).toBe(429);
    expect(over.message).toBe('Too many connections from this network. Close some tabs.');
    // Counted before the session is even looked at.
    const anonymous = await tryUpgrade(url, { origin: TEST_ORIGIN });
    expect(anonymous.status).toBe(429);
    expect(
      server.logger.entries.some(
        (e) => e.event === 'sync.too_many_connections' && e.fields.ip !== undefined,
      ),
    ).toBe(true);

    appendParagraph(a1.doc, 'still syncing at the cap');
    await eventually(() => {
      expect(b.text()).toContain('still syncing at the cap');
      expect(a2.text()).toContain('still syncing at the cap');
    });
    expect(a1.provider.wsconnected && a2.provider.wsconnected && b.provider.wsconnected).toBe(true);

    // A closed connection frees its place.
    a2.destroy();
    clients.splice(clients.indexOf(a2), 1);
    const again = await until(async () => {
      const attempt = await tryUpgrade(url, { cookie: bob.cookie, origin: TEST_ORIGIN });
      if (attempt.status !== 101) throw new Error(`still refused: ${attempt.status}`);
      return attempt;
    });
    again.ws.close();
  });
});
