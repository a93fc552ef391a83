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

/** Eight paragraphs by Ann (Yjs client 1), and a model crediting clients 1 and 2. */
function annsDocument(): { ann: Y.Doc; model: AuthorModel; before: PmNode } {
  const ann = new Y.Doc();
  ann.clientID = 1;
  const fragment = ann.getXmlFragment('default');
  prosemirrorJSONToYXmlFragment(
    schema,
    {
      type: 'doc',
      content: Array.from({ length: 8 }, (_, i) => ({
        type: 'paragraph',
        content: [{ type: 'text', text: `paragraph ${i} written by Ann` }],
      })),
    },
    fragment,
  );
  const model = new AuthorModel(fragment);
  model.people = new Map([
    ['ann', person('ann', 'Ann')],
    ['bob', person('bob', 'Bob')],
  ]);
  model.index.owners.set(1, 'ann');
  model.index.owners.set(2, 'bob');
  return { ann, model, before: yXmlFragmentToProseMirrorRootNode(fragment, schema) };
}

/** Bob (client 2) edits Ann's document in one transaction, which reaches Ann as one update. */
function bobEdits(ann: Y.Doc, edit: (blocks: Y.XmlFragment) => void): void {
  const bob = new Y.Doc();
  bob.clientID = 2;
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(ann));
  bob.transact(() => edit(bob.getXmlFragment('default')));
  Y.applyUpdate(ann, Y.encodeStateAsUpdate(bob));
}

const typeInto = (blocks: Y.XmlFragment, index: number, at: number, text: string) =>
  ((blocks.get(index) as Y.XmlElement).get(0) as Y.XmlText).insert(at, text);

/**
 * The document after a remote change as the sync binding gives it: new nodes for the
 * blocks whose Yjs types changed, the same node objects for the rest.
 */
function asTheBindingGivesIt(before: PmNode, model: AuthorModel, changed: PmNode[]): PmNode {
  const rebuilt = yXmlFragmentToProseMirrorRootNode(model.fragment, schema);
  const old = new Map<string, PmNode>();
  before.forEach((node) => {
    if (!changed.includes(node)) old.set(node.textContent, node);
  });
  const children: PmNode[] = [];
  rebuilt.forEach((node) => {
    children.push(old.get(node.textContent) ?? node);
  });
  return schema.node('doc', null, children);
}

/** What is drawn after the change: `full` (drawn before it) mapped, then redrawn where dirty. */
function redrawAfter(model: AuthorModel, full: DecorationSet, before: PmNode, after: PmNode) {
  const mapping = remoteChangeMapping(before, after);
  if (!mapping) throw new Error('expected a mapping');
  const dirty = markDirty(null, mapping);
  if (!Array.isArray(dirty)) throw new Error('expected stretches');
  return { dirty, redrawn: redrawChanged(model, after, full.map(mapping, after), dirty) };
}

describe('the author view redraws only what changed', () => {
  it('after someone types in two places far apart, gives what a full redraw gives', () => {
    const { ann, model, before } = annsDocument();
    const full = buildDecorations(model, before);
    expect(drawn(full)).toHaveLength(8);
    bobEdits(ann, (blocks) => {
      typeInto(blocks, 1, 10, 'BOB ');
      typeInto(blocks, 6, 10, 'BOB ');
    });
    const after = asTheBindingGivesIt(before, model, [before.child(1), before.child(6)]);
    const { dirty, redrawn } = redrawAfter(model, full, before, after);
    expect(dirty).toHaveLength(2);
    // Paragraphs 1 and 6 now have three runs each (Ann, Bob, Ann); nothing is doubled or lost.
    expect(drawn(redrawn)).toEqual(drawn(buildDecorations(model, after)));
    expect(drawn(redrawn)).toHaveLength(12);
  });

  it('after edits in neighbouring blocks and a removed block, gives what a full redraw gives', () => {
    const { ann, model, before } = annsDocument();
    const full = buildDecorations(model, before);
    bobEdits(ann, (blocks) => {
      typeInto(blocks, 3, 0, 'Bob at the start. ');
      typeInto(blocks, 4, 'paragraph 4 written by Ann'.length, ' Bob at the end.');
      blocks.delete(6, 1);
    });
    const after = asTheBindingGivesIt(before, model, [before.child(3), before.child(4)]);
    expect(after.childCount).toBe(7);
    const { redrawn } = redrawAfter(model, full, before, after);
    expect(drawn(redrawn)).toEqual(drawn(buildDecorations(model, after)));
    expect(drawn(redrawn)).toHaveLength(9);
  });
});

describe("the reader's own runs", () => {
  it('grow with text typed at their end; other people’s runs do not', () => {
    // Ann's own editor (her Yjs client is 1): her runs are hers, Bob's are not.
    const { ann, model } = annsDocument();
    bobEdits(ann, (blocks) => typeInto(blocks, 2, 0, 'Bob first. '));
    const doc = yXmlFragmentToProseMirrorRootNode(model.fragment, schema);
    const set = buildDecorations(model, doc);
    let bobFrom = 0;
    doc.forEach((_block, offset, index) => {
      if (index === 2) bobFrom = offset + 1;
    });
    const bobTo = bobFrom + 'Bob first. '.length;
    const grows = (d: { spec: { inclusiveEnd?: boolean } }) => d.spec.inclusiveEnd === true;
    const all = set.find();
    const bobs = all.filter((d) => d.from === bobFrom && d.to === bobTo);
    expect(bobs).toHaveLength(1);
    expect(bobs.every(grows)).toBe(false);
    const anns = all.filter((d) => !bobs.includes(d));
    expect(anns).toHaveLength(8);
    expect(anns.every(grows)).toBe(true);
  });
});
