import path from 'node:path';
import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openPostgresStorage } from '../../storage/postgres/postgresStorage.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../../storage/types.ts';
import { type ChildServer, freePort, startChildServer } from '../../test/childServer.ts';
import { buildDocument, buildUser } from '../../test/factories.ts';
import { startTestPostgres, type TestPostgres } from '../../test/postgres.ts';
import {
  appendParagraph,
  connectClient,
  docText,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { tempDir } from '../../test/testServer.ts';

/** Cycles in the default run; `pnpm test:soak` runs 50. */
const CYCLES = Number(process.env.CHORUS_CRASH_CYCLES ?? 3);
const DOCUMENTS = 3;

/** Where one test's server keeps its data, and how to read it back without the server. */
interface Store {
  env: Record<string, string>;
  open(): Promise<Storage>;
}

/**
 * Every place a commit can go must keep every confirmed edit: SQLite committing on the
 * event loop or on its writer thread (CHORUS_JOURNAL_THREAD), and PostgreSQL.
 */
const backends: { name: string; postgres: boolean; env: Record<string, string> }[] = [
  {
    name: 'SQLite, journal commits on the main thread',
    postgres: false,
    env: { CHORUS_JOURNAL_THREAD: 'main' },
  },
  {
    name: 'SQLite, journal commits on the writer thread',
    postgres: false,
    env: { CHORUS_JOURNAL_THREAD: 'writer' },
  },
  { name: 'PostgreSQL', postgres: true, env: {} },
];

/** Confirmed edits not in the stored documents (read straight from the database). */
async function missingOnDisk(
  store: Store,
  documents: readonly string[],
  confirmed: ReadonlyMap<string, string>,
): Promise<number> {
  const stored = await store.open();
  let missing = 0;
  for (const documentId of documents) {
    const loaded = await stored.journal.load(documentId);
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
    for (const row of loaded.rows) Y.applyUpdate(doc, row.update);
    const lines = new Set(docText(doc).split('\n'));
    for (const [text, of] of confirmed) if (of === documentId && !lines.has(text)) missing++;
    doc.destroy();
  }
  await stored.close();
  return missing;
}

describe.each(backends)('crash safety: $name', (backend) => {
  let postgres: TestPostgres | null = null;
  beforeAll(async () => {
    if (backend.postgres) postgres = await startTestPostgres();
  }, 60_000);
  /** A new, empty place for one test's data. */
  const newStore = async (dataDir: string): Promise<Store> => {
    if (!postgres) {
      const filename = path.join(dataDir, 'chorus.db');
      return { env: backend.env, open: async () => openSqliteStorage({ filename }) };
    }
    const url = await postgres.freshDatabase();
    return {
      env: { CHORUS_DATABASE_URL: url },
      // Read while the server is down (or killed): no other process holds the database.
      open: () => openPostgresStorage({ connectionString: url }),
    };
  };
  const start = (port: number, dataDir: string, store: Store) =>
    startChildServer(port, dataDir, store.env);
  const children: ChildServer[] = [];
  afterAll(() => {
    for (const c of children) c.process.kill('SIGKILL');
    postgres?.stop();
  });

  it(
    'every edit confirmed before a SIGKILL is present after restart, every client converges with the stored document, and the database is intact',
    async () => {
      const port = await freePort();
      const dataDir = tempDir('chorus-crash-');
      const store = await newStore(dataDir);
      let server = await start(port, dataDir, store);
      children.push(server);
      const ann = await buildUser(server.url, 'Ann');
      const bob = await buildUser(server.url, 'Bob');
      const documents: string[] = [];
      for (let d = 0; d < DOCUMENTS; d++)
        documents.push((await buildDocument(server.url, ann, [bob])).documentId);

      // Two writers per document, kept across crashes: they reconnect with backoff and
      // resend what the server does not have, as the browser client does.
      const writers: { client: TestClient; documentId: string }[] = documents.flatMap(
        (documentId) =>
          [ann, bob].map((u) => ({
            client: connectClient(server.url, documentId, u.cookie, { chorus: true }),
            documentId,
          })),
      );
      await Promise.all(writers.map((w) => waitSynced(w.client)));
      const awaiting = writers.map(
        () => [] as { text: string; frame: number; generation: number }[],
      );
      const confirmed = new Map<string, string>(); // text -> document
      let written = 0;
      let lostOnDisk = 0;
      const harvest = () => {
        writers.forEach((w, i) => {
          for (const e of awaiting[i] ?? []) {
            if (e.generation === w.client.generation() && w.client.saved() >= e.frame)
              confirmed.set(e.text, w.documentId);
          }
        });
      };

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        await eventually(
          () => expect(writers.every((w) => w.client.provider.synced)).toBe(true),
          30_000,
        );
        const stopAt = Date.now() + 150 + Math.random() * 350;
        while (Date.now() < stopAt) {
          writers.forEach((w, i) => {
            const text = `c${cycle}-w${i}-${written++}`;
            appendParagraph(w.client.doc, text);
            if (w.client.provider.wsconnected) {
              awaiting[i]?.push({
                text,
                frame: w.client.sent(),
                generation: w.client.generation(),
              });
            }
          });
          harvest();
          await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
        }
        harvest();
        server.process.kill('SIGKILL');
        await server.exited;
        // Before anyone reconnects (and could resend), the database alone must hold every
        // edit confirmed so far: a confirmation is a promise the server made.
        lostOnDisk += await missingOnDisk(store, documents, confirmed);
        server = await start(port, dataDir, store);
        children.push(server);
      }

      // Let everyone reconnect and send what they still hold.
      await eventually(
        () =>
          expect(
            writers.every((w) => w.client.provider.synced && w.client.saved() === w.client.sent()),
          ).toBe(true),
        30_000,
      );
      let lost = 0;
      for (const documentId of documents) {
        const reader = connectClient(server.url, documentId, ann.cookie);
        await waitSynced(reader);
        const lines = new Set(reader.text().split('\n'));
        for (const [text, doc] of confirmed) if (doc === documentId && !lines.has(text)) lost++;
        for (const w of writers.filter((x) => x.documentId === documentId)) {
          await eventually(() => expect(w.client.text()).toBe(reader.text()), 15_000);
        }
        reader.destroy();
      }
      console.log(
        `crash test: cycles=${CYCLES} documents=${DOCUMENTS} written=${written} confirmed=${confirmed.size} lost=${lost} missing on disk at a kill=${lostOnDisk}`,
      );
      expect(confirmed.size).toBeGreaterThan(0);
      expect(lostOnDisk).toBe(0);
      expect(lost).toBe(0);
      for (const w of writers) w.client.destroy();
      server.process.kill('SIGKILL');
      await server.exited;
      const stored = await store.open();
      expect(await stored.integrityCheck()).toBe('ok');
      await stored.close();
    },
    CYCLES * 20_000 + 60_000,
  );

  it('SIGTERM in the middle of typing: what was confirmed is on disk at exit, the rest is resent after restart', async () => {
    const port = await freePort();
    const dataDir = tempDir('chorus-term-busy-');
    const store = await newStore(dataDir);
    const server = await start(port, dataDir, store);
    children.push(server);
    const ann = await buildUser(server.url, 'Ann');
    const { documentId } = await buildDocument(server.url, ann);
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    await waitSynced(writer);
    const closeCodes: number[] = [];
    writer.provider.on('connection-close', (event) => {
      if (event) closeCodes.push(event.code);
    });
    // Paragraph i goes out as frame `before + i + 1` of this connection.
    const before = writer.sent();
    const TOTAL = 400;
    let typed = 0;
    const type = (n: number) => {
      for (let k = 0; k < n && typed < TOTAL; k++)
        appendParagraph(writer.doc, `mid-stream ${typed++}`);
    };
    const typing = (async () => {
      while (typed < TOTAL) {
        type(2);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // Signal while edits are still arriving: right after a burst the server cannot have
    // confirmed yet.
    await eventually(() => expect(writer.saved()).toBeGreaterThan(before + 20), 20_000, 1);
    type(5);
    expect(writer.sent()).toBeGreaterThan(writer.saved());
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    await eventually(() => expect(closeCodes).toContain(CloseCode.serviceRestart));
    const confirmed = writer.saved() - before;

    // Before anyone reconnects, the database alone holds every confirmed paragraph.
    const stored = await store.open();
    const loaded = await stored.journal.load(documentId);
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
    for (const row of loaded.rows) Y.applyUpdate(doc, row.update);
    await stored.close();
    const onDisk = new Set(docText(doc).split('\n'));
    const missing = Array.from({ length: confirmed }, (_, i) => `mid-stream ${i}`).filter(
      (line) => !onDisk.has(line),
    );
    expect(missing).toEqual([]);

    // The writer keeps typing offline, reconnects to the restarted server and resends.
    const again = await start(port, dataDir, store);
    children.push(again);
    await typing;
    await eventually(
      () => expect(writer.provider.synced && writer.saved() === writer.sent()).toBe(true),
      30_000,
    );
    const reader = connectClient(again.url, documentId, ann.cookie);
    await waitSynced(reader);
    const lines = new Set(reader.text().split('\n'));
    expect(
      Array.from({ length: TOTAL }, (_, i) => `mid-stream ${i}`).filter((l) => !lines.has(l)),
    ).toEqual([]);
    reader.destroy();
    writer.destroy();
    again.process.kill('SIGKILL');
  }, 90_000);

  it('SIGTERM commits what it has, closes sockets with "restarting", and exits cleanly', async () => {
    const port = await freePort();
    const dataDir = tempDir('chorus-term-');
    const store = await newStore(dataDir);
    const server = await start(port, dataDir, store);
    children.push(server);
    const ann = await buildUser(server.url, 'Ann');
    const { documentId } = await buildDocument(server.url, ann);
    const writer = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    await waitSynced(writer);
    const closeCodes: number[] = [];
    writer.provider.on('connection-close', (event) => {
      if (event) closeCodes.push(event.code);
    });
    for (let i = 0; i < 50; i++) appendParagraph(writer.doc, `before shutdown ${i}`);
    await eventually(() => expect(writer.saved()).toBe(writer.sent()));
    server.process.kill('SIGTERM');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    await eventually(() => expect(closeCodes).toContain(CloseCode.serviceRestart));
    writer.destroy();

    const again = await start(port, dataDir, store);
    children.push(again);
    const reader = connectClient(again.url, documentId, ann.cookie);
    await waitSynced(reader);
    expect(reader.text()).toContain('before shutdown 49');
    reader.destroy();
    again.process.kill('SIGKILL');
  }, 60_000);
});
