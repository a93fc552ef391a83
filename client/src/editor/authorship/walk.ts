import type { Node as PmNode } from '@tiptap/pm/model';
import * as Y from 'yjs';

/**
 * Called for each visible run of text in one Yjs item: `pos` is the ProseMirror position
 * of its first character, whose Yjs id is (`client`, `clock`); character i has clock + i.
 * Return true to stop the walk.
 */
export type TextVisitor = (pos: number, client: number, clock: number, text: string) => boolean;

/** Only blocks overlapping [from, to) are visited; the rest are skipped by size. */
export interface WalkRange {
  from: number;
  to: number;
}

/**
 * One parallel walk of the Yjs fragment and the ProseMirror document the Collaboration
 * extension keeps in step with it: each Y.XmlElement is one node, each Y.XmlText a run of
 * text inside a textblock, each inline Y.XmlElement one leaf. Subtrees whose shapes
 * disagree (a change still being applied) are skipped rather than guessed at.
 */
export function walkText(
  fragment: Y.XmlFragment,
  doc: PmNode,
  visit: TextVisitor,
  range?: WalkRange,
): void {
  walkChildren(fragment, doc, 0, visit, range);
}

function walkChildren(
  parent: Y.XmlFragment | Y.XmlElement,
  node: PmNode,
  start: number,
  visit: TextVisitor,
  range: WalkRange | undefined,
): boolean {
  if (node.isTextblock) return walkInline(parent, node, start, visit);
  if (parent.length !== node.childCount) return false;
  let pos = start;
  let index = 0;
  // Walking the Yjs items directly avoids toArray() copies of long documents.
  let item = parent._start;
  while (item && index < node.childCount) {
    if (!item.deleted && item.content instanceof Y.ContentType) {
      const child = node.child(index);
      const type = item.content.type;
      const end = pos + child.nodeSize;
      const inRange = !range || (end > range.from && pos < range.to);
      if (inRange && type instanceof Y.XmlElement) {
        if (walkChildren(type, child, pos + 1, visit, range)) return true;
      }
      pos = end;
      index++;
      if (range && pos >= range.to) return false;
    }
    item = item.right;
  }
  return false;
}

/** Visible length of an inline child: characters of text, 1 for an inline node. */
function inlineLength(child: Y.XmlText | Y.XmlElement | Y.XmlHook): number {
  return child instanceof Y.XmlText ? child.length : 1;
}

function walkInline(
  parent: Y.XmlFragment | Y.XmlElement,
  node: PmNode,
  start: number,
  visit: TextVisitor,
): boolean {
  let size = 0;
  let item = parent._start;
  while (item) {
    if (!item.deleted && item.content instanceof Y.ContentType) {
      size += inlineLength(item.content.type as Y.XmlText | Y.XmlElement);
    }
    item = item.right;
  }
  // Mid-update, the two may briefly disagree: then this block is left for the next walk.
  if (size !== node.content.size) return false;
  let pos = start;
  item = parent._start;
  while (item) {
    if (!item.deleted && item.content instanceof Y.ContentType) {
      const child = item.content.type;
      if (child instanceof Y.XmlText) {
        let inner = child._start;
        while (inner) {
          if (!inner.deleted) {
            if (inner.content instanceof Y.ContentString) {
              const text = inner.content.str;
              if (visit(pos, inner.id.client, inner.id.clock, text)) return true;
              pos += text.length;
            } else if (inner.countable) {
              pos += inner.length;
            }
          }
          inner = inner.right;
        }
      } else {
        pos += 1;
      }
    }
    item = item.right;
  }
  return false;
}

/** The Yjs id of the character at `pos` (the one after it, or before it at a block end). */
export function idAt(
  fragment: Y.XmlFragment,
  doc: PmNode,
  pos: number,
): { client: number; clock: number } | null {
  type Id = { client: number; clock: number };
  // Holders, because TypeScript cannot see assignments made inside the visitor.
  const result: { found: Id | null; before: Id | null } = { found: null, before: null };
  walkText(
    fragment,
    doc,
    (start, client, clock, text) => {
      const end = start + text.length;
      if (pos >= start && pos < end) {
        result.found = { client, clock: clock + (pos - start) };
        return true;
      }
      if (pos === end) result.before = { client, clock: clock + text.length - 1 };
      return false;
    },
    { from: pos - 1, to: pos + 1 },
  );
  return result.found ?? result.before;
}

/** The position of the character with this Yjs id, or null if it is not in the document. */
export function positionOf(
  fragment: Y.XmlFragment,
  doc: PmNode,
  client: number,
  clock: number,
): number | null {
  const result: { found: number | null } = { found: null };
  walkText(fragment, doc, (start, c, first, text) => {
    if (c === client && clock >= first && clock < first + text.length) {
      result.found = start + (clock - first);
      return true;
    }
    return false;
  });
  return result.found;
}
