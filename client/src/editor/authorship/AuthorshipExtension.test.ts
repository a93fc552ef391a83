import { type Node as PmNode, Schema } from '@tiptap/pm/model';
import type { DecorationSet } from '@tiptap/pm/view';
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildDecorations, redrawChanged } from './AuthorshipExtension.ts';
import { AuthorModel } from './authorModel.ts';
import { markDirty, remoteChangeMapping } from './dirtyRanges.ts';

const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: { group: 'block', content: 'text*' },
    text: {},
  },
});

const person = (accountId: string, name: string) => ({
  accountId,
  name,
  role: 'patient',
  roleLabel: 'Patient or service user',
  color: '#1f5fbf',
});

const drawn = (set: DecorationSet) =>
  set
    .find()
    .map((d) => [d.from, d.to])
    .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));

describe('the author view redraws only what changed', () => {
  it('after two people type far apart, gives what a full redraw gives', () => {
    // Eight paragraphs written by Ann (Yjs client 1).
    const ann = new Y.Doc();
    ann.clientID = 1;
    prosemirrorJSONToYXmlFragment(
      schema,
      {
        type: 'doc',
        content: Array.from({ length: 8 }, (_, i) => ({
          type: 'paragraph',
          content: [{ type: 'text', text: `paragraph ${i} written by Ann` }],
        })),
      },
      ann.getXmlFragment('default'),
    );
    const fragment = ann.getXmlFragment('default');
    const model = new AuthorModel(fragment);
    model.people = new Map([
      ['ann', person('ann', 'Ann')],
      ['bob', person('bob', 'Bob')],
    ]);
    model.index.owners.set(1, 'ann');
    model.index.owners.set(2, 'bob');
    const before: PmNode = yXmlFragmentToProseMirrorRootNode(fragment, schema);
    const full = buildDecorations(model, before);
    expect(drawn(full)).toHaveLength(8);

    // Bob (client 2) types into paragraphs 1 and 6 at once, as one remote change.
    const bob = new Y.Doc();
    bob.clientID = 2;
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(ann));
    bob.transact(() => {
      for (const index of [1, 6]) {
        const block = bob.getXmlFragment('default').get(index) as Y.XmlElement;
        const text = block.get(0) as Y.XmlText;
        text.insert(10, 'BOB ');
      }
    });
    Y.applyUpdate(ann, Y.encodeStateAsUpdate(bob));
    const after = yXmlFragmentToProseMirrorRootNode(fragment, schema);

    const mapping = remoteChangeMapping(before, after);
    if (!mapping) throw new Error('expected a mapping');
    const dirty = markDirty(null, mapping);
    if (!Array.isArray(dirty)) throw new Error('expected stretches');
    expect(dirty).toHaveLength(2);
    const redrawn = redrawChanged(model, after, full.map(mapping, after), dirty);

    // Paragraphs 1 and 6 now have three runs each (Ann, Bob, Ann); nothing is doubled or lost.
    expect(drawn(redrawn)).toEqual(drawn(buildDecorations(model, after)));
    expect(drawn(redrawn)).toHaveLength(12);
  });
});
