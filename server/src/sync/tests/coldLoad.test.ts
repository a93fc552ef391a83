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

describe('opening a document that is not in memory', () => {
  let server: TestServer;
  let ann: TestUser;
  let bea: TestUser;
  let documentId: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_IDLE_UNLOAD_MS: '100' });
    ann = await buildUser(server.url, 'Ann');
    bea = await buildUser(server.url, 'Bea');
    ({ documentId } = await buildDocument(server.url, ann, [bea]));
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('serves new clients from the stored snapshot, and they can edit together at once', async () => {
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    await waitSynced(writer);
    appendParagraph(writer.doc, 'Stored before the document was unloaded');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(0));
    const text = writer.text();
    writer.destroy();
    // Idle unload snapshots the document and drops it from memory.
    await eventually(() => expect(server.sync.rooms.has(documentId)).toBe(false));
    // Two people open it together. A room waits 20 ms for its clients' sync step 1 before
    // integrating; on a loaded machine that can be missed, so up to three tries (each
    // unloads the document again) must show at least one answered from the snapshot.
    let a: TestClient | null = null;
    let b: TestClient | null = null;
    let served = false;
    for (let attempt = 0; attempt < 3 && !served; attempt++) {
      if (a && b) {
        a.destroy();
        b.destroy();
        await eventually(() => expect(server.sync.rooms.has(documentId)).toBe(false));
      }
      const loadsBefore = server.logger.entries.filter((e) => e.event === 'document.loaded');
      a = connectClient(server.url, documentId, ann.cookie, { chorus: true });
      b = connectClient(server.url, documentId, bea.cookie, { chorus: true });
      clients.push(a, b);
      await Promise.all([waitSynced(a), waitSynced(b)]);
      expect(a.text()).toBe(text);
      expect(b.text()).toBe(text);
      const loads = await eventually(() => {
        const now = server.logger.entries.filter((e) => e.event === 'document.loaded');
        expect(now.length).toBe(loadsBefore.length + 1);
        return now;
      });
      served = typeof loads.at(-1)?.fields.servedMs === 'number';
    }
    expect(served).toBe(true);
    if (!a || !b) throw new Error('no clients');

    appendParagraph(a.doc, 'Ann, straight after opening');
    appendParagraph(b.doc, 'Bea, straight after opening');
    await eventually(() => {
      expect(a.text()).toBe(b.text());
      expect(a.text()).toContain('Ann, straight after opening');
      expect(a.text()).toContain('Bea, straight after opening');
      expect(a.saved()).toBeGreaterThan(0);
      expect(b.saved()).toBeGreaterThan(0);
    });
  });
});
