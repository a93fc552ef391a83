import { documentKinds, documentTemplates } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import { createDocument } from './documents.ts';

// The same extensions the editor uses: the seed must fit its schema, or the editor
// binding would silently delete it on every client.
const schema = getSchema([StarterKit, TableKit]);

describe('server-seeded templates', () => {
  for (const kind of documentKinds) {
    it(`${kind} seeds content the editor schema accepts, exactly once`, async () => {
      const storage = openSqliteStorage({ filename: ':memory:' });
      await storage.users.create({
        id: 'u1',
        name: 'A',
        email: 'a@example.org',
        passwordHash: 'x',
        createdAt: 0,
        creditMode: 'full_name',
        displayName: null,
      });
      await storage.workspaces.create({ id: 'w1', name: 'W', createdAt: 0 }, 'u1');
      const record = await createDocument(storage, 'w1', 'u1', { title: 'T', kind });
      const { rows } = await storage.journal.load(record.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.seq).toBe(1);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, rows[0]?.update ?? new Uint8Array());
      const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('default'), schema);
      root.check();
      const blocks = root.toJSON().content as {
        type: string;
        attrs?: { level?: number };
        content?: { text: string }[];
      }[];
      const expected = documentTemplates[kind];
      expect(blocks).toHaveLength(expected.length);
      blocks.forEach((block, i) => {
        const want = expected[i];
        expect(block.type).toBe(want?.type);
        if (want?.type === 'heading') expect(block.attrs?.level).toBe(want.level);
        expect(block.content?.[0]?.text).toBe(want?.text);
      });
      await storage.close();
    });
  }
});
