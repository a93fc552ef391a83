import { CloseCode } from '@chorus/shared';
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

function open(url: string, cookie: string): Promise<{ ws: WebSocket; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    ws.on('open', () => resolve({ ws, status: 101 }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
    ws.on('error', () => {});
  });
}

describe('floods', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let documentId: string;
  let url: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      CHORUS_MAX_CONNECTIONS_PER_ACCOUNT: '4',
      CHORUS_MAX_MESSAGES_PER_SECOND: '50',
    });
    ann = await buildUser(server.url, 'Ann');
    bob = await buildUser(server.url, 'Bob');
    ({ documentId } = await buildDocument(server.url, ann, [bob]));
    url = `${server.url.replace('http', 'ws')}/sync/${documentId}`;
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('a message flood closes that connection with "rate limited"; others keep syncing', async () => {
    const b1 = connectClient(server.url, documentId, bob.cookie);
    const b2 = connectClient(server.url, documentId, bob.cookie);
    clients.push(b1, b2);
    await Promise.all([waitSynced(b1), waitSynced(b2)]);
    const { ws } = await open(url, ann.cookie);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    // Bounded: at most 2,000 small frames (query-awareness), far over 50 a second.
    for (let i = 0; i < 2000 && ws.readyState === WebSocket.OPEN; i++) ws.send(new Uint8Array([3]));
    expect(await closed).toBe(CloseCode.rateLimited);
    appendParagraph(b1.doc, 'still served after the flood');
    await eventually(() => expect(b2.text()).toContain('still served after the flood'));
    expect(
      server.logger.entries.some(
        (e) => e.event === 'sync.rate_limited' && e.fields.accountId === ann.id,
      ),
    ).toBe(true);
  });

  it('refuses connections past the per-account cap before upgrading, and frees places on close', async () => {
    const sockets: WebSocket[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { ws, status } = await open(url, ann.cookie);
      statuses.push(status);
      if (status === 101) sockets.push(ws);
    }
    expect(statuses.filter((s) => s === 101)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    // Bob is not affected by Ann's connections.
    expect((await open(url, bob.cookie)).status).toBe(101);
    const first = sockets.shift();
    await new Promise<void>((resolve) => {
      first?.on('close', () => resolve());
      first?.close();
    });
    await eventually(async () => {
      const again = await open(url, ann.cookie);
      expect(again.status).toBe(101);
      sockets.push(again.ws);
    });
    for (const ws of sockets) ws.close();
  });
});
