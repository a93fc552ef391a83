import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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
import { encodeUpdate } from '../protocol.ts';

/**
 * Sends, as `cookie`'s account, an update that continues `victim`'s Yjs client id, over a
 * raw socket (a real client sharing an id would also confuse its own presence).
 */
function sendForged(url: string, cookie: string, victim: Y.Doc, clientID: number): Promise<number> {
  const forged = new Y.Doc();
  Y.applyUpdate(forged, Y.encodeStateAsUpdate(victim));
  // Set after loading: Yjs picks a new id when it sees its own id in remote content.
  forged.clientID = clientID;
  const before = Y.encodeStateVector(forged);
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, 'words put in someone else’s mouth');
  p.insert(0, [t]);
  forged.getXmlFragment('default').insert(0, [p]);
  const update = Y.encodeStateAsUpdate(forged, before);
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    let sent = false;
    ws.on('message', () => {
      if (sent) return;
      sent = true;
      ws.send(encodeUpdate(update));
    });
    ws.on('close', (code) => resolve(code));
    setTimeout(() => ws.terminate(), 5000).unref();
    ws.on('error', () => {});
  });
}

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
