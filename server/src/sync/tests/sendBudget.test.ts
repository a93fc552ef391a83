import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';
import type { Peer } from '../peer.ts';

const PER_CONNECTION = 512 * 1024;
const TOTAL = 1024 * 1024;
const STALLED = 4;
const PARAGRAPH = 'held '.repeat(20_000); // 100 KB a paragraph

/**
 * Many connections that stop reading, each within its own limit, must not add up to more
 * than the server-wide cap (CHORUS_MAX_BUFFERED_TOTAL_BYTES): accounts are free, so the
 * per-connection limit alone does not bound the server's memory. Real paused sockets.
 */
describe('readers that stop reading, many of them', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let cy: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];
  const stalled: WebSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      CHORUS_MAX_BUFFERED_BYTES: String(PER_CONNECTION),
      CHORUS_MAX_BUFFERED_TOTAL_BYTES: String(TOTAL),
    });
    ann = await buildUser(server.url, 'Ann');
    bob = await buildUser(server.url, 'Bob');
    cy = await buildUser(server.url, 'Cy');
    ({ documentId } = await buildDocument(server.url, ann, [bob, cy]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of stalled) s.terminate();
    await server.stop();
  });

  /** Opens a connection as Cy and stops reading it once it has its first message. */
  async function stall(): Promise<void> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${documentId}`, {
      headers: { cookie: cy.cookie, origin: TEST_ORIGIN },
    });
    stalled.push(ws);
    const socket = await new Promise<Socket>((resolve, reject) => {
      ws.once('message', () => resolve((ws as unknown as { _socket: Socket })._socket));
      ws.once('error', reject);
    });
    socket.pause();
  }

  it('are cut off, largest first, once together they hold more than the cap', async () => {
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const watcher = connectClient(server.url, documentId, bob.cookie);
    clients.push(writer, watcher);
    await Promise.all([waitSynced(writer), waitSynced(watcher)]);
    for (let i = 0; i < STALLED; i++) await stall();
    const room = server.sync.rooms.get(documentId);
    const cysPeers = (): Peer[] =>
      [...(room?.peers ?? [])].filter((p) => p.identity.userId === cy.id);
    await eventually(() => expect(cysPeers()).toHaveLength(STALLED));

    let written = 0;
    while (cysPeers().some((p) => !p.closed) && written < 200) {
      appendParagraph(writer.doc, `${written} ${PARAGRAPH}`);
      written++;
      await eventually(() => expect(writer.saved()).toBe(writer.sent()), 20_000);
    }
    // Each was closed for its own limit, but a closed socket that is not read keeps its
    // queue until the closing handshake times out (30 s): the cap cuts them off sooner.
    await eventually(() => {
      const held = cysPeers().reduce((sum, p) => sum + p.conn.bufferedAmount, 0);
      expect(held).toBeLessThanOrEqual(TOTAL);
    }, 5_000);
    const cut = server.logger.entries.filter((e) => e.event === 'sync.send_budget_exceeded');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut[0]?.fields.accounts).toEqual([cy.id]);

    appendParagraph(writer.doc, 'after the slow readers were cut off');
    await eventually(() => expect(watcher.text()).toContain('after the slow readers were cut off'));
    expect(writer.provider.wsconnected && watcher.provider.wsconnected).toBe(true);
  }, 120_000);
});
