import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  sendForged,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('the attribution gate', () => {
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
  const url = () => `${server.url.replace('http', 'ws')}/sync/${documentId}`;
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it("an update carrying another account's client id is rejected whole, not stored or relayed, and logged", async () => {
    const a = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const watcher = connectClient(server.url, documentId, ann.cookie);
    clients.push(a, watcher);
    await Promise.all([waitSynced(a), waitSynced(watcher)]);
    appendParagraph(a.doc, 'Ann wrote this');
    await eventually(() => expect(a.saved()).toBe(a.sent()));

    // Bob's connection sends content under Ann's Yjs client id.
    const rowsBefore = await server.storage.journal.countRows(documentId);
    const code = await sendForged(url(), bob.cookie, a.doc, a.doc.clientID);
    expect(code).toBe(CloseCode.clientIdTaken);
    await server.sync.flushed();
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.text()).not.toContain('someone else’s mouth');
    expect(a.text()).not.toContain('someone else’s mouth');
    const event = server.logger.entries.find((e) => e.event === 'security.forged_client_id');
    expect(event?.fields).toMatchObject({
      accountId: bob.id,
      ownerAccountId: ann.id,
      clientId: a.doc.clientID,
    });
  });

  it('a fresh client id is registered to its sender and survives a restart of the room', async () => {
    const b = connectClient(server.url, documentId, bob.cookie, { chorus: true });
    clients.push(b);
    await waitSynced(b);
    appendParagraph(b.doc, 'Bob wrote this');
    await eventually(() => expect(b.saved()).toBe(b.sent()));
    const { clientOwners } = await server.storage.journal.load(documentId);
    expect(clientOwners).toContainEqual({ clientId: b.doc.clientID, accountId: bob.id });
  });

  it("nobody may write under the server's template client id", async () => {
    const { clientOwners } = await server.storage.journal.load(documentId);
    const templateId = clientOwners.find((o) => o.accountId === null)?.clientId;
    expect(templateId).toBeDefined();
    const reader = connectClient(server.url, documentId, bob.cookie);
    clients.push(reader);
    await waitSynced(reader);
    expect(await sendForged(url(), bob.cookie, reader.doc, templateId ?? 0)).toBe(
      CloseCode.clientIdTaken,
    );
  });
});
