import { type Node as PmNode, Schema } from '@tiptap/pm/model';
import { Mapping, StepMap } from '@tiptap/pm/transform';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { describe, expect, it } from 'vitest';
import {
  MAX_DIRTY_RANGES,
  markDirty,
  normalizeRanges,
  remoteChangeMapping,
} from './dirtyRanges.ts';

const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: { group: 'block', content: 'text*' },
    text: {},
  },
});

const para = (text: string) => schema.node('paragraph', null, text ? [schema.text(text)] : []);
const docOf = (blocks: PmNode[]) => schema.node('doc', null, blocks);
/** Start of the text of top-level block `index`. */
function textStart(doc: PmNode, index: number): number {
  let pos = 0;
  for (let i = 0; i < index; i++) pos += doc.child(i).nodeSize;
  return pos + 1;
}
/** [oldStart, oldEnd, newStart, newEnd] of each change in a mapping's first map. */
function changesOf(mapping: Mapping | null): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  mapping?.maps[0]?.forEach((a, b, c, d) => {
    out.push([a, b, c, d]);
  });
  return out;
}
/** One fresh paragraph per text. */
const blocks = (texts: string[]) => texts.map(para);

describe('normalizeRanges', () => {
  it('sorts and joins stretches that overlap or touch, and keeps the others apart', () => {
    expect(
      normalizeRanges([
        { from: 50, to: 60 },
        { from: 5, to: 10 },
        { from: 10, to: 12 },
        { from: 55, to: 70 },
      ]),
    ).toEqual([
      { from: 5, to: 12 },
      { from: 50, to: 70 },
    ]);
  });

  it(`joins the closest stretches first beyond ${MAX_DIRTY_RANGES}`, () => {
    const many = Array.from({ length: MAX_DIRTY_RANGES }, (_, i) => ({
      from: i * 100,
      to: i * 100 + 1,
    }));
    // One more, 3 after the first: the closest pair.
    const out = normalizeRanges([...many, { from: 4, to: 5 }]);
    expect(out).toHaveLength(MAX_DIRTY_RANGES);
    expect(out[0]).toEqual({ from: 0, to: 5 });
    expect(out[1]).toEqual({ from: 100, to: 101 });
  });

  it('picks the smallest gaps to join, however many stretches there are', () => {
    // 1,500 one-character stretches (a document rebuilt from scratch), 10 apart, except
    // for four wide gaps, which must survive as boundaries.
    const wide = new Set([100, 400, 900, 1200]);
    const many: { from: number; to: number }[] = [];
    let at = 0;
    for (let i = 0; i < 1500; i++) {
      many.push({ from: at, to: at + 1 });
      at += wide.has(i) ? 1000 : 10;
    }
    const out = normalizeRanges(many);
    expect(out).toHaveLength(MAX_DIRTY_RANGES);
    for (const i of wide) {
      const end = (many[i] as { to: number }).to;
      expect(out.some((r) => r.to === end)).toBe(true);
    }
  });
});

describe('markDirty', () => {
  it('keeps two distant changes as two stretches, and carries earlier ones through', () => {
    // Two insertions of 3 characters, at 10 and at 500 (old positions).
    const mapping = new Mapping([new StepMap([10, 0, 3, 500, 0, 3])]);
    const dirty = markDirty([{ from: 200, to: 205 }], mapping);
    expect(dirty).toEqual([
      { from: 10, to: 13 },
      { from: 203, to: 208 },
      { from: 503, to: 506 },
    ]);
  });

  it('stays "all" once everything must be redrawn, and unchanged for no change', () => {
    const mapping = new Mapping([new StepMap([10, 0, 3])]);
    expect(markDirty('all', mapping)).toBe('all');
    expect(markDirty(null, new Mapping())).toBeNull();
  });
});

describe('remoteChangeMapping', () => {
  const texts = ['first block', 'second block', 'third block', 'fourth block', 'fifth block'];

  it('maps only the characters typed in two blocks far apart, as the sync binding gives them', () => {
    const before = docOf(blocks(texts));
    // The binding replaces blocks 1 to 3 but keeps untouched blocks as the same objects.
    const kept = Array.from({ length: 5 }, (_, i) => before.child(i));
    kept[1] = para('second block!');
    kept[3] = para('fourth! block');
    const after = docOf(kept);
    const mapping = remoteChangeMapping(before, after);
    expect(mapping).not.toBeNull();
    const second = textStart(before, 1) + 'second block'.length;
    const fourth = textStart(before, 3) + 'fourth'.length;
    expect(changesOf(mapping)).toEqual([
      [second, second, second, second + 1],
      [fourth, fourth, fourth + 1, fourth + 2],
    ]);

    // A mark on the untouched third block survives; through the binding's own replacement
    // of blocks 1 to 3 it would have been dropped.
    const third = textStart(before, 2);
    const drawn = DecorationSet.create(before, [Decoration.inline(third, third + 5, {})]);
    const mapped = drawn.map(mapping ?? new Mapping(), after).find();
    expect(mapped.map((d) => [d.from, d.to])).toEqual([[third + 1, third + 6]]);
  });

  it('narrows a document rebuilt from scratch to what differs in content', () => {
    const before = docOf(blocks(texts));
    const after = docOf(blocks(texts.map((t, i) => (i === 2 ? 'third blocks' : t))));
    const at = textStart(before, 2) + 'third block'.length;
    const changes = changesOf(remoteChangeMapping(before, after));
    expect(changes.filter(([a, b, c, d]) => b > a || d > c)).toEqual([[at, at, at, at + 1]]);
    // Every other block is a new node with the same text: marked (an empty change inside
    // it) so it is redrawn, since who wrote it may have changed, but nothing moves.
    const marked = changes.filter(([a, b, c, d]) => a === b && c === d).map(([a]) => a);
    expect(marked).toEqual([0, 1, 3, 4].map((i) => textStart(before, i)));
  });

  it('maps a split, a join and a removed block so that the blocks around them keep their place', () => {
    const before = docOf(blocks(texts));
    const kept = Array.from({ length: 5 }, (_, i) => before.child(i));
    // Block 1 split in two, blocks 3 and 4 joined (as the binding gives them: new nodes
    // for what changed, the same objects for the rest).
    const after = docOf([
      kept[0] as PmNode,
      para('second'),
      para(' block'),
      kept[2] as PmNode,
      para('fourth blockfifth block'),
    ]);
    const mapping = remoteChangeMapping(before, after);
    expect(mapping).not.toBeNull();
    // The third block's text moved by exactly the two positions the split added.
    const third = textStart(before, 2);
    expect(mapping?.map(third)).toBe(textStart(after, 3));
    expect(mapping?.map(third + 5)).toBe(textStart(after, 3) + 5);
    // Text at the start of the first block and after the join stays where it belongs.
    expect(mapping?.map(1)).toBe(1);
    const fifth = textStart(before, 4);
    expect(mapping?.map(fifth + 2)).toBe(textStart(after, 4) + 'fourth block'.length + 2);

    const removed = docOf([kept[0], kept[1], kept[3], kept[4]] as PmNode[]);
    const gone = remoteChangeMapping(before, removed);
    expect(gone?.map(textStart(before, 3))).toBe(textStart(removed, 2));
  });

  it('does not misplace text typed among repeated letters', () => {
    const before = docOf(blocks(['aaaa', 'tail']));
    const after = docOf([para('aaaaa'), before.child(1)]);
    const changes = changesOf(remoteChangeMapping(before, after));
    expect(changes).toHaveLength(1);
    const [[oldStart, oldEnd, newStart, newEnd] = [0, 0, 0, 0]] = changes;
    expect(oldEnd - oldStart).toBe(0);
    expect(newEnd - newStart).toBe(1);
    expect(remoteChangeMapping(before, after)?.map(textStart(before, 1))).toBe(textStart(after, 1));
  });

  it('covers an added block, and gives up (null) when blocks swapped places', () => {
    const before = docOf(blocks(texts));
    const kept = Array.from({ length: 5 }, (_, i) => before.child(i));
    const added = docOf([...kept.slice(0, 2), para('new'), ...kept.slice(2)]);
    const at = textStart(before, 2) - 1;
    expect(changesOf(remoteChangeMapping(before, added))).toEqual([
      [at, at, at, at + para('new').nodeSize],
    ]);

    const swapped = docOf([kept[1], kept[0], ...kept.slice(2)] as PmNode[]);
    expect(remoteChangeMapping(before, swapped)).toBeNull();
  });
});
