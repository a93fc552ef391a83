import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRow } from '../../storage/types.ts';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import { appendParagraph, connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('save confirmations', () => {
  let server: TestServer;
  let ann: TestUser;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await buildUser(server.url);
    ({ documentId } = await buildDocument(server.url, ann));
  });
  afterAll(() => server.stop());

  it('a client is told its edit is saved only after the row is committed', async () => {
    const journal = server.storage.journal;
    const realAppend = journal.append.bind(journal);
    const committed: JournalRow[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // Hold the commit open to observe that no confirmation goes out before it.
    journal.append = async (rows, ...rest) => {
      await gate;
      const stored = await realAppend(rows, ...rest);
      committed.push(...rows);
      return stored;
    };
    const client = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    try {
      await waitSynced(client);
      const before = await journal.countRows(documentId);
      appendParagraph(client.doc, 'must be durable before it is confirmed');
      await eventually(() => expect(client.sent()).toBeGreaterThan(0));
      await new Promise((r) => setTimeout(r, 200));
      expect(client.saved()).toBe(0);
      expect(await journal.countRows(documentId)).toBe(before);
      release();
      await eventually(() => expect(client.saved()).toBe(client.sent()));
      expect(await journal.countRows(documentId)).toBeGreaterThan(before);
      expect(committed.some((r) => r.accountId === ann.id)).toBe(true);
    } finally {
      journal.append = realAppend;
      release();
      client.destroy();
    }
  });

  it('a standard y-websocket client never receives the Chorus message type', async () => {
    const client = connectClient(server.url, documentId, ann.cookie, { chorus: false });
    const types = new Set<number>();
    client.provider.on('status', () => {});
    const ws = () => client.provider.ws;
    await waitSynced(client);
    ws()?.addEventListener('message', (e: MessageEvent) => {
      types.add(new Uint8Array(e.data as ArrayBuffer)[0] ?? -1);
    });
    appendParagraph(client.doc, 'plain client edit');
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 200));
    expect(client.saved()).toBe(0);
    expect(types.has(100)).toBe(false);
    client.destroy();
  });

  it('does not relay an edit to others until it is committed', async () => {
    const journal = server.storage.journal;
    const realAppend = journal.append.bind(journal);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const reader = connectClient(server.url, documentId, ann.cookie);
    try {
      await Promise.all([waitSynced(writer), waitSynced(reader)]);
      journal.append = async (...args) => {
        await gate;
        return realAppend(...args);
      };
      appendParagraph(writer.doc, 'held back until committed');
      await new Promise((r) => setTimeout(r, 200));
      expect(reader.text()).not.toContain('held back until committed');
      release();
      await eventually(() => expect(reader.text()).toContain('held back until committed'));
    } finally {
      journal.append = realAppend;
      release();
      writer.destroy();
      reader.destroy();
    }
  });
});

describe.each(['main', 'writer'])('save confirmations with CHORUS_JOURNAL_THREAD=%s', (thread) => {
  it('an edit confirmed saved is in the database file for another connection to read', async () => {
    const server = await startTestServer({ CHORUS_JOURNAL_THREAD: thread });
    const ann = await buildUser(server.url);
    const { documentId } = await buildDocument(server.url, ann);
    const client = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    try {
      await waitSynced(client);
      appendParagraph(client.doc, `committed on the ${thread} thread`);
      await eventually(() => expect(client.sent()).toBeGreaterThan(0));
      await eventually(() => expect(client.saved()).toBe(client.sent()));
      const raw = new Database(path.join(server.config.dataDir, 'chorus.db'), { readonly: true });
      const rows = raw
        .prepare<[string, string], { n: number }>(
          'SELECT count(*) AS n FROM journal WHERE document_id = ? AND account_id = ?',
        )
        .get(documentId, ann.id);
      raw.close();
      expect(rows?.n).toBeGreaterThan(0);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
