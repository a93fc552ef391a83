import type { Socket } from 'node:net';
import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient } from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';

/**
 * Holds the upgrade's access check for `accountId` after it has read their membership
 * (at the per-document override, its last read) until `release()`: the moment a change
 * could slip in unseen.
 */
function holdAccessCheck(server: TestServer, accountId: string) {
  const documents = server.storage.documents;
  const real = documents.getOverride.bind(documents);
  let hit = false;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  documents.getOverride = async (documentId, userId) => {
    if (userId === accountId && !hit) {
      hit = true;
      await gate;
    }
    return real(documentId, userId);
  };
  return {
    hit: () => hit,
    release: () => {
      release();
      documents.getOverride = real;
    },
  };
}

/**
 * A connection's session and access are checked before it exists. Whatever ends the
 * session or changes the access between that check and the connection must still reach
 * it: it is closed, or re-checked before it is sent anything.
 */
describe('changes while an upgrade is being checked', () => {
  let server: TestServer;
  let owner: TestUser;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  /** A workspace with one editor besides the owner, and a document in it. */
  async function workspaceWith(member: TestUser) {
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Panel' },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id as string;
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: member.email, permission: 'editor', participantRole: 'patient' },
      cookie: owner.cookie,
    });
    const doc = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Bids', kind: 'procurement_evaluation' },
      cookie: owner.cookie,
    });
    return { workspaceId, documentId: doc.json.document.id as string };
  }

  function connect(documentId: string, user: TestUser) {
    const client = connectClient(server.url, documentId, user.cookie, { chorus: true });
    clients.push(client);
    const codes: number[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) codes.push(e.code);
    });
    let synced = false;
    client.provider.on('sync', (s: boolean) => {
      if (s) synced = true;
    });
    return { client, codes, synced: () => synced };
  }

  it('a member removed meanwhile is re-checked and closed, never sent the document', async () => {
    const member = await buildUser(server.url, 'Lay Evaluator');
    const { workspaceId, documentId } = await workspaceWith(member);
    const held = holdAccessCheck(server, member.id);
    const m = connect(documentId, member);
    await eventually(() => expect(held.hit()).toBe(true));
    const removed = await call(
      server.url,
      'DELETE',
      `/workspaces/${workspaceId}/members/${member.id}`,
      { cookie: owner.cookie },
    );
    expect(removed.status).toBeLessThan(300);
    held.release();
    await eventually(() => expect(m.codes).toContain(CloseCode.forbidden), 5000);
    expect(m.synced()).toBe(false);
    expect(m.client.text()).toBe('');
  });

  it('a session signed out meanwhile closes the new connection', async () => {
    const member = await buildUser(server.url, 'Signing Out');
    const { documentId } = await workspaceWith(member);
    const held = holdAccessCheck(server, member.id);
    const m = connect(documentId, member);
    await eventually(() => expect(held.hit()).toBe(true));
    await call(server.url, 'POST', '/auth/signout', { cookie: member.cookie });
    held.release();
    await eventually(() => expect(m.codes).toContain(CloseCode.unauthenticated), 5000);
    // Closed at once: whatever it was sent, it is no longer connected to anything.
    expect(server.sync.openSessions().size).toBe(0);
  });

  it('a change elsewhere in the workspace leaves the new connection alone', async () => {
    const member = await buildUser(server.url, 'Stays On');
    const other = await buildUser(server.url, 'Someone Else');
    const { workspaceId, documentId } = await workspaceWith(member);
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: other.email, permission: 'viewer', participantRole: 'carer' },
      cookie: owner.cookie,
    });
    const held = holdAccessCheck(server, member.id);
    const m = connect(documentId, member);
    await eventually(() => expect(held.hit()).toBe(true));
    await call(server.url, 'DELETE', `/workspaces/${workspaceId}/members/${other.id}`, {
      cookie: owner.cookie,
    });
    held.release();
    await eventually(() => expect(m.synced()).toBe(true), 5000);
    expect(m.codes).toEqual([]);
  });
});

describe('a client that goes while its upgrade is being checked', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_MAX_CONNECTIONS_PER_ACCOUNT: '1' });
  });
  afterAll(() => server.stop());

  it('leaves no place taken: the account can connect again', async () => {
    const ann = await buildUser(server.url, 'Ann Gone');
    const doc = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'W' },
      cookie: ann.cookie,
    });
    const workspaceId = doc.json.workspace.id as string;
    const created = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'D', kind: 'service_design' },
      cookie: ann.cookie,
    });
    const documentId = created.json.document.id as string;
    const url = `${server.url.replace('http', 'ws')}/sync/${documentId}`;
    const held = holdAccessCheck(server, ann.id);
    const gone = new WebSocket(url, { headers: { cookie: ann.cookie, origin: TEST_ORIGIN } });
    gone.on('error', () => {});
    await eventually(() => expect(held.hit()).toBe(true));
    // The TCP connection is reset before the check finishes (a tab closed, a network lost).
    const request = (gone as unknown as { _req: { socket: Socket } })._req;
    request.socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 200));
    held.release();
    await new Promise((r) => setTimeout(r, 100));

    // The account's one place is free: a new connection opens.
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, { headers: { cookie: ann.cookie, origin: TEST_ORIGIN } });
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(101);
  });
});
