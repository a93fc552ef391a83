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

const MAX_BUFFERED = 256 * 1024;
const PARAGRAPH = 'slow '.repeat(40_000); // 200 KB a paragraph

/**
 * A client that stops reading its socket (a frozen tab, a hostile reader) must not make
 * the server hold an ever-growing send buffer for it: once the buffer passes
 * CHORUS_MAX_BUFFERED_BYTES the server gives up on that connection, and everyone else
 * keeps being served. A real socket, paused, not a fake buffer count.
 */
describe('a reader that stops reading', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let cy: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];
  let stalled: WebSocket | null = null;

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED) });
    ann = await buildUser(server.url, 'Ann');
    bob = await buildUser(server.url, 'Bob');
    cy = await buildUser(server.url, 'Cy');
    ({ documentId } = await buildDocument(server.url, ann, [bob, cy]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    stalled?.terminate();
    await server.stop();
  });

  it('is cut off once its send buffer passes the limit, and the others keep syncing', async () => {
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const watcher = connectClient(server.url, documentId, bob.cookie);
    clients.push(writer, watcher);
    await Promise.all([waitSynced(writer), waitSynced(watcher)]);

    // Cy joins, then stops reading: the kernel's buffers fill, then the server's.
    stalled = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${documentId}`, {
      headers: { cookie: cy.cookie, origin: TEST_ORIGIN },
    });
    const socket = await new Promise<Socket>((resolve, reject) => {
      stalled?.once('message', () => {
        // ws keeps its socket private; pausing it is what a tab that stopped reading does.
        resolve((stalled as unknown as { _socket: Socket })._socket);
      });
      stalled?.once('error', reject);
    });
    socket.pause();
    const room = server.sync.rooms.get(documentId);
    const cysPeer = () => [...(room?.peers ?? [])].find((p) => p.identity.userId === cy.id);
    await eventually(() => expect(cysPeer()).toBeDefined());
    const peer = cysPeer();

    let written = 0;
    while (peer && !peer.closed && written < 200) {
      appendParagraph(writer.doc, `${written} ${PARAGRAPH}`);
      written++;
      await eventually(() => expect(writer.saved()).toBe(writer.sent()), 20_000);
    }
    expect(peer?.closed).toBe(true);
    // What the server holds for it stays near the limit: one frame past it at most.
    expect(peer?.conn.bufferedAmount ?? 0).toBeLessThan(MAX_BUFFERED + 2 * PARAGRAPH.length);
    // It was the buffer that grew, not the first frame that tripped it: the kernel's
    // socket buffers took several paragraphs first.
    expect(written).toBeGreaterThan(1);

    appendParagraph(writer.doc, 'after the slow reader was cut off');
    await eventually(() => expect(watcher.text()).toContain('after the slow reader was cut off'));
    expect(writer.provider.wsconnected && watcher.provider.wsconnected).toBe(true);
  }, 120_000);
});
