import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStorage } from '../../storage/sqlite/sqliteStorage.ts';
import { buildDocument, buildUser } from '../../test/factories.ts';
import { appendParagraph, connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer } from '../../test/testServer.ts';

describe.each(['main', 'writer'])(
  'graceful shutdown, journal commits on the %s thread',
  (thread) => {
    it('commits edits that are still pending before it closes sockets and the database', async () => {
      const server = await startTestServer({ CHORUS_JOURNAL_THREAD: thread });
      const ann = await buildUser(server.url);
      const { documentId } = await buildDocument(server.url, ann);
      const client = connectClient(server.url, documentId, ann.cookie, { chorus: true });
      await waitSynced(client);
      const codes: number[] = [];
      client.provider.on('connection-close', (e) => {
        if (e) codes.push(e.code);
      });
      const journal = server.storage.journal;
      const realAppend = journal.append.bind(journal);
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let held = 0;
      journal.append = async (...args) => {
        held++;
        await gate;
        return realAppend(...args);
      };
      appendParagraph(client.doc, 'typed just before the restart');
      await eventually(() => expect(held).toBeGreaterThan(0));
      const stopping = server.stop();
      // The commit is still held: shutdown must wait for it, not drop it.
      await new Promise((r) => setTimeout(r, 100));
      release();
      await stopping;
      await eventually(() => expect(codes).toContain(CloseCode.serviceRestart));
      client.destroy();

      const reopened = openSqliteStorage({ filename: `${server.config.dataDir}/chorus.db` });
      const loaded = await reopened.journal.load(documentId);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
      for (const r of loaded.rows) Y.applyUpdate(doc, r.update);
      expect(doc.getXmlFragment('default').toString()).toContain('typed just before the restart');
      await reopened.close();
    });
  },
);
