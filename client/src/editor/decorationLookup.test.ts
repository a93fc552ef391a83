import { Schema } from '@tiptap/pm/model';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { expect, it } from 'vitest';

/**
 * prosemirror-view is patched (patches/prosemirror-view@1.42.9.patch) to find each
 * block's decorations by binary search; this checks it still finds exactly the right ones.
 */
it("finds each block's own decorations among many blocks", () => {
  const schema = new Schema({
    nodes: { doc: { content: 'paragraph+' }, paragraph: { content: 'text*' }, text: {} },
  });
  const blocks = Array.from({ length: 300 }, (_, i) =>
    schema.node('paragraph', null, [schema.text(`block ${i}`)]),
  );
  const doc = schema.node('doc', null, blocks);
  const decorations: Decoration[] = [];
  doc.forEach((_block, offset, index) => {
    // Every third block has none; the others one mark over their first two letters.
    if (index % 3 !== 0) decorations.push(Decoration.inline(offset + 1, offset + 3, {}, { index }));
  });
  const set = DecorationSet.create(doc, decorations);
  doc.forEach((block, offset, index) => {
    const own = set.forChild(offset, block);
    if (!(own instanceof DecorationSet)) throw new Error('one set per block expected');
    const found = own.find();
    if (index % 3 === 0) expect(found).toEqual([]);
    else expect(found.map((d) => [d.from, d.to, d.spec.index])).toEqual([[0, 2, index]]);
  });
});
