import path from 'node:path';
import { CloseCode } from '@chorus/shared';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, freePort, startChildServer } from '../../test/childServer.ts';
import { buildDocument, buildUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { tempDir } from '../../test/testServer.ts';

/** Cycles in the default run; the soak command raises it (see README). */
const CYCLES = Number(process.env.CHORUS_CRASH_CYCLES ?? 3);

describe('crash safety', () => {
  const children: ChildServer[] = [];
  afterAll(() => {
    for (const c of children) c.process.kill('SIGKILL');
  });

  it('every edit confirmed before a SIGKILL is present after restart, and the database is intact', async () => {
    const port = await freePort();
    const dataDir = tempDir('chorus-crash-');
    let server = await startChildServer(port, dataDir);
    children.push(server);
    const ann = await buildUser(server.url, 'Ann');
    const bob = await buildUser(server.url, 'Bob');
    const { documentId } = await buildDocument(server.url, ann, [bob]);

    const confirmed = new Set<string>();
    let written = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const writers: TestClient[] = [ann, bob, ann].map((u) =>
        connectClient(server.url, documentId, u.cookie, { chorus: true }),
      );
      await Promise.all(writers.map((w) => waitSynced(w)));
      // Each writer records which of its edits each frame count covers.
      const awaiting = writers.map(() => [] as { text: string; frame: number }[]);
      const stopAt = Date.now() + 150 + Math.random() * 350;
      const harvest = () => {
        writers.forEach((w, i) => {
          for (const e of awaiting[i] ?? []) if (w.saved() >= e.frame) confirmed.add(e.text);
        });
      };
      while (Date.now() < stopAt) {
        writers.forEach((w, i) => {
          if (!w.provider.wsconnected) return;
          const text = `c${cycle}-w${i}-${written++}`;
          appendParagraph(w.doc, text);
          awaiting[i]?.push({ text, frame: w.sent() });
        });
        harvest();
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
      }
      harvest();
      server.process.kill('SIGKILL');
      await server.exited;
      for (const w of writers) w.destroy();
      server = await startChildServer(port, dataDir);
      children.push(server);
    }

    const reader = connectClient(server.url, documentId, ann.cookie);
    await waitSynced(reader);
    const text = reader.text();
    const lost = [...confirmed].filter((t) => !text.split('\n').includes(t));
    console.log(
      `crash test: cycles=${CYCLES} written=${written} confirmed=${confirmed.size} lost=${lost.length}`,
    );
    expect(confirmed.size).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    reader.destroy();
    server.process.kill('SIGKILL');
    await server.exited;
    const db = new Database(path.join(dataDir, 'chorus.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  }, 120_000);

  it('SIGTERM commits what it has, closes sockets with "restarting", and exits cleanly', async () => {
    const port = await freePort();
    const dataDir = tempDir('chorus-term-');
    const server = await startChildServer(port, dataDir);
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

    const again = await startChildServer(port, dataDir);
    children.push(again);
    const reader = connectClient(again.url, documentId, ann.cookie);
    await waitSynced(reader);
    expect(reader.text()).toContain('before shutdown 49');
    reader.destroy();
    again.process.kill('SIGKILL');
  }, 60_000);
});
