import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/**
 * Stock y-websocket clients send every presence change they receive straight back, so a
 * newcomer to a full room echoes everyone's states at once. A room of more people than
 * one connection may publish states for once closed every newcomer with 4400 ("too many
 * awareness states") and it reconnected for ever, never synced.
 */
describe('presence in a full room', () => {
  const PEOPLE = 14;
  let server: TestServer;
  let documentId: string;
  const users: TestUser[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    for (let i = 0; i < PEOPLE; i++) users.push(await buildUser(server.url, `Person ${i}`));
    const [owner, ...others] = users as [TestUser, ...TestUser[]];
    const built = await buildDocument(server.url, owner);
    documentId = built.documentId;
    for (const u of others) {
      await call(server.url, 'POST', `/workspaces/${built.workspaceId}/members`, {
        body: { email: u.email, permission: 'editor' },
        cookie: owner.cookie,
      });
    }
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('lets every newcomer sync and see everyone, and closes nobody', async () => {
    const closes: number[] = [];
    for (const u of users) {
      const c = connectClient(server.url, documentId, u.cookie);
      c.provider.on('connection-close', (e: { code: number } | null) => closes.push(e?.code ?? 0));
      clients.push(c);
      await waitSynced(c);
      c.provider.awareness.setLocalStateField('cursor', null);
    }
    await eventually(() => {
      for (const c of clients) expect(c.provider.awareness.getStates().size).toBe(PEOPLE);
    });
    // Everyone's echo of the last arrivals has reached the server by now.
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 200));
    expect(closes).toEqual([]);
    // The newcomer sees the others under the names the server gave them.
    const last = clients[PEOPLE - 1] as TestClient;
    const names = [...last.provider.awareness.getStates()]
      .filter(([id]) => id !== last.doc.clientID)
      .map(([, s]) => (s as { user?: { name: string } }).user?.name);
    expect(names.sort()).toEqual(
      users
        .slice(0, -1)
        .map((u) => u.name)
        .sort(),
    );
  });
});
