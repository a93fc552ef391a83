import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import { appendParagraph, connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

const HOLD_MS = 150;

describe('the server’s own latency (sync.latency)', () => {
  let server: TestServer;
  let ann: TestUser;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await buildUser(server.url);
    ({ documentId } = await buildDocument(server.url, ann));
  });
  afterAll(() => server.stop());

  it('counts a slow commit in both the commit time and the time an edit was held', async () => {
    const journal = server.storage.journal;
    const realAppend = journal.append.bind(journal);
    // A disk that takes 150 ms to commit: the edit waits for it before anyone sees it.
    journal.append = async (...args) => {
      await new Promise((r) => setTimeout(r, HOLD_MS));
      return realAppend(...args);
    };
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const reader = connectClient(server.url, documentId, ann.cookie);
    try {
      await Promise.all([waitSynced(writer), waitSynced(reader)]);
      appendParagraph(writer.doc, 'held behind a slow disk');
      await eventually(() => expect(writer.saved()).toBe(writer.sent()));
      const report = server.sync.latency.report();
      expect(report.heldMs.count).toBeGreaterThanOrEqual(1);
      expect(report.heldMs.max).toBeGreaterThanOrEqual(HOLD_MS - 1);
      expect(report.commitMs.p99).toBeGreaterThanOrEqual(HOLD_MS - 1);
    } finally {
      journal.append = realAppend;
      writer.destroy();
      reader.destroy();
    }
  });

  it('is logged when the server stops', async () => {
    await server.stop();
    const line = server.logger.entries.find((e) => e.event === 'sync.latency');
    expect(line?.level).toBe('info');
    const held = line?.fields.heldMs as { count: number; max: number };
    expect(held.count).toBeGreaterThanOrEqual(1);
    expect(held.max).toBeGreaterThanOrEqual(HOLD_MS - 1);
    expect(Object.keys(line?.fields.commitHistogram as object).length).toBeGreaterThan(0);
  });
});
