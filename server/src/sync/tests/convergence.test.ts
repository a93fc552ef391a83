import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('two real y-websocket clients', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ann = await buildUser(server.url, 'Ann Patient');
    bob = await buildUser(server.url, 'Bob Clinician');
    ({ documentId } = await buildDocument(server.url, ann, [bob]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('receive the server-seeded template on first sync', async () => {
    const a = connectClient(server.url, documentId, ann.cookie);
    clients.push(a);
    await waitSynced(a);
    expect(a.text()).toContain('About this service');
    expect(a.text()).toContain('You said, we did');
  });

  it('converge after typing at the same time', async () => {
    const a = connectClient(server.url, documentId, ann.cookie);
    const b = connectClient(server.url, documentId, bob.cookie);
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    for (let i = 0; i < 20; i++) {
      appendParagraph(a.doc, `ann line ${i}`);
      appendParagraph(b.doc, `bob line ${i}`);
    }
    await eventually(() => {
      expect(a.text()).toBe(b.text());
      expect(a.text()).toContain('ann line 19');
      expect(a.text()).toContain('bob line 19');
    });
  });

  it('gives a late joiner the full document', async () => {
    const writer = connectClient(server.url, documentId, ann.cookie);
    clients.push(writer);
    await waitSynced(writer);
    appendParagraph(writer.doc, 'written before the late joiner came');
    await eventually(() => expect(server.sync.rooms.size).toBe(1));
    await server.sync.flushed();
    const late = connectClient(server.url, documentId, bob.cookie);
    clients.push(late);
    await waitSynced(late);
    await eventually(() => expect(late.text()).toBe(writer.text()));
    expect(late.text()).toContain('written before the late joiner came');
  });

  it('relays presence with the name the server knows, not the one the client claims', async () => {
    const a = connectClient(server.url, documentId, ann.cookie);
    const b = connectClient(server.url, documentId, bob.cookie);
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.provider.awareness.setLocalStateField('user', { name: 'Somebody Else', color: '#000000' });
    await eventually(() => {
      const seen = b.provider.awareness.getStates().get(a.doc.clientID) as
        | { user?: { name: string } }
        | undefined;
      expect(seen?.user?.name).toBe('Ann Patient');
    });
  });
});
