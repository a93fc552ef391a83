import type { Node as PmNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { Mapping, StepMap } from '@tiptap/pm/transform';
import { ySyncPluginKey } from '@tiptap/y-tiptap';

/** A stretch of the document that changed since the last redraw, in current positions. */
export interface Dirty {
  from: number;
  to: number;
}

/**
 * Beyond this many separate stretches, the closest two are joined. Five people typing in
 * five places plus the reader make six; the cap only bounds the bookkeeping.
 */
export const MAX_DIRTY_RANGES = 16;

/**
 * Sorted, with overlapping or touching stretches joined, and at most `MAX_DIRTY_RANGES`
 * (the two with the smallest gap between them are joined first).
 */
export function normalizeRanges(ranges: readonly Dirty[]): Dirty[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: Dirty[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ from: r.from, to: r.to });
  }
  if (merged.length <= MAX_DIRTY_RANGES) return merged;
  // Join across the smallest gaps until few enough remain. Joining never changes the
  // other gaps, so picking them all at once equals joining the closest pair repeatedly.
  const gaps = merged.slice(1).map((r, i) => ({ i, gap: r.from - (merged[i] as Dirty).to }));
  gaps.sort((a, b) => a.gap - b.gap || a.i - b.i);
  const joinAfter = new Set(gaps.slice(0, merged.length - MAX_DIRTY_RANGES).map((g) => g.i));
  const joined: Dirty[] = [];
  merged.forEach((r, i) => {
    const last = joined[joined.length - 1];
    if (last && joinAfter.has(i - 1)) last.to = r.to;
    else joined.push(r);
  });
  return joined;
}

/**
 * The stretches still to redraw after a change: the earlier ones carried through its
 * mapping, plus each stretch it wrote. Kept apart, so that five people typing in five
 * places redraw five paragraphs, not everything between the first and the last.
 */
export function markDirty(dirty: Dirty[] | 'all' | null, mapping: Mapping): Dirty[] | 'all' | null {
  if (dirty === 'all') return 'all';
  const ranges: Dirty[] = (dirty ?? []).map((r) => ({
    from: mapping.map(r.from, -1),
    to: mapping.map(r.to, 1),
  }));
  mapping.maps.forEach((map, i) => {
    const later = mapping.slice(i + 1);
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      ranges.push({ from: later.map(newStart, -1), to: later.map(newEnd, 1) });
    });
  });
  return ranges.length > 0 ? normalizeRanges(ranges) : dirty;
}

/**
 * [start, oldSize, newSize] of the smallest change turning the top-level blocks
 * [oldFrom, oldTo) of `before` into [newFrom, newTo) of `after`, compared by content.
 */
function narrowed(
  before: PmNode,
  after: PmNode,
  oldFrom: number,
  oldTo: number,
  newFrom: number,
  newTo: number,
): [number, number, number] {
  const a = before.content.cut(oldFrom, oldTo);
  const b = after.content.cut(newFrom, newTo);
  const start = a.findDiffStart(b, oldFrom);
  if (start === null) return [oldFrom, 0, 0];
  const end = a.findDiffEnd(b, oldTo, newTo);
  if (!end) return [oldFrom, oldTo - oldFrom, newTo - newFrom];
  const startB = start + newFrom - oldFrom;
  let endA = end.a;
  let endB = end.b;
  // Repeated text can make the ends overlap the start: push them back past it.
  const overlap = Math.max(start - endA, startB - endB);
  if (overlap > 0) {
    endA += overlap;
    endB += overlap;
  }
  return [start, endA - start, endB - startB];
}

/** Whether a transaction is the sync binding applying others' edits (not this person's). */
export function isRemoteChange(tr: Pick<Transaction, 'getMeta'>): boolean {
  const meta: unknown = tr.getMeta(ySyncPluginKey);
  return (
    typeof meta === 'object' && meta !== null && 'isChangeOrigin' in meta && !!meta.isChangeOrigin
  );
}

/**
 * What a remote change really changed, as a mapping from the document before it to the one
 * after. The sync binding replaces the run of top-level blocks from the first changed one
 * to the last, keeping every untouched block as the same node object; mapping through that
 * replacement would wipe the author view's marks in every block between two people typing
 * far apart. Blocks are matched one to one instead (added and removed ones by identity),
 * and each changed block or run of blocks is narrowed to the characters that differ.
 * Returns null when blocks moved (no cheap answer).
 */
export function remoteChangeMapping(before: PmNode, after: PmNode): Mapping | null {
  // Identity first: the binding keeps untouched blocks as the same objects. Equal content
  // also counts, for a document the binding rebuilt from scratch.
  const same = (a: PmNode, b: PmNode) => a === b || a.eq(b);
  const oldCount = before.childCount;
  const newCount = after.childCount;
  // Only added or removed blocks need these; typing (one block changed in place) never
  // builds them, so a remote keystroke does not index every block of a long document.
  let kept: { oldNodes: Set<PmNode>; newNodes: Set<PmNode> } | null = null;
  const keptBlocks = () => {
    if (!kept) {
      kept = { oldNodes: new Set(), newNodes: new Set() };
      for (let k = 0; k < oldCount; k++) kept.oldNodes.add(before.child(k));
      for (let k = 0; k < newCount; k++) kept.newNodes.add(after.child(k));
    }
    return kept;
  };
  const ranges: number[] = [];
  let i = 0;
  let j = 0;
  let oldPos = 0;
  let newPos = 0;
  while (i < oldCount || j < newCount) {
    if (i < oldCount && j < newCount && same(before.child(i), after.child(j))) {
      const size = before.child(i).nodeSize;
      // Same text in a new node: the binding rebuilt it, so its Yjs items (and so who
      // wrote it) may have changed. Nothing moves, but the block is redrawn.
      if (before.child(i) !== after.child(j)) ranges.push(oldPos + 1, 0, 0);
      oldPos += size;
      newPos += size;
      i++;
      j++;
      continue;
    }
    // One block changed in place (typing): the next ones line up again.
    if (
      i < oldCount &&
      j < newCount &&
      (i + 1 === oldCount
        ? j + 1 === newCount
        : j + 1 < newCount && same(before.child(i + 1), after.child(j + 1)))
    ) {
      const oldSize = before.child(i).nodeSize;
      const newSize = after.child(j).nodeSize;
      ranges.push(...narrowed(before, after, oldPos, oldPos + oldSize, newPos, newPos + newSize));
      oldPos += oldSize;
      newPos += newSize;
      i++;
      j++;
      continue;
    }
    const runOld = { i, pos: oldPos };
    const runNew = { j, pos: newPos };
    const { oldNodes, newNodes } = keptBlocks();
    while (i < oldCount && !newNodes.has(before.child(i))) oldPos += before.child(i++).nodeSize;
    while (j < newCount && !oldNodes.has(after.child(j))) newPos += after.child(j++).nodeSize;
    // Both sides now stand on kept blocks (or at the end); different ones means a move.
    if (i < oldCount && j < newCount && before.child(i) !== after.child(j)) return null;
    if (i === runOld.i && j === runNew.j) return null;
    ranges.push(...narrowed(before, after, runOld.pos, oldPos, runNew.pos, newPos));
  }
  return new Mapping([new StepMap(ranges)]);
}
