import { ErrorId, PARAGRAPH_BREAK } from '@chorus/shared';
import * as Y from 'yjs';
import { AppError } from '../errors.ts';

/**
 * Suggestions whose words span paragraphs: from a place in one paragraph or heading to a
 * place in a later one beside it (same parent: both at the top level, both in one quote or
 * one list item), or in the next list items of one list. Accepting one does what deleting
 * that selection and typing the new words would do in the editor: the first paragraph keeps
 * its words before the start, then the new words, then the rest of the last paragraph; the
 * blocks in between go. Only text may be deleted this way: a stretch with a table, a rule,
 * code or one of Chorus's structured blocks in it is refused.
 */

/** Blocks whose content is words. */
const TEXTBLOCKS = new Set(['paragraph', 'heading']);
/** Blocks that hold only other blocks of words, which a suggestion may delete whole. */
const TEXT_CONTAINERS = new Set(['blockquote', 'bulletList', 'orderedList', 'listItem']);
const LISTS = new Set(['bulletList', 'orderedList']);

/** One end of a spanning stretch: its paragraph, and its text (none in an empty one). */
interface End {
  block: Y.XmlElement;
  text: Y.XmlText | null;
  index: number;
}

/** Where a suggestion spanning paragraphs is, found from its anchors. */
export interface Span {
  first: End;
  last: End;
  /** What accepting deletes after the first paragraph, up to and with the last one. */
  removed: { parent: Y.XmlElement | Y.XmlFragment; index: number; length: number };
  /** The blocks of words strictly between the two ends, in document order. */
  between: Y.XmlElement[];
  /** Where the last paragraph's list item's further blocks go (list items joined), if any. */
  moved: { from: Y.XmlElement; to: Y.XmlElement } | null;
}

const notPlainText = () =>
  new AppError(
    ErrorId.badRequest,
    'The selection runs across something a suggestion cannot delete (a table, a line break, a rule, a code block or a structured block such as a charter or a PDSA cycle). Select words on one side of it only, or suggest each part separately.',
    { anchor: 'Select words of paragraphs only.' },
  );

const notSideBySide = () =>
  new AppError(
    ErrorId.badRequest,
    'A suggestion can span paragraphs that are side by side (in the text, in one quote or in one list), not from one into another: select words from a paragraph to a later one beside it, or suggest each part separately.',
    { anchor: 'Select words from one paragraph to a later one beside it.' },
  );

/** The paragraph a position is in, when it is in one's words (or in an empty one). */
function endAt(position: Y.AbsolutePosition): End | null {
  const { type, index } = position;
  if (type instanceof Y.XmlText) {
    const block = type.parent;
    if (!(block instanceof Y.XmlElement) || !TEXTBLOCKS.has(block.nodeName)) return null;
    return { block, text: type, index };
  }
  if (type instanceof Y.XmlElement && TEXTBLOCKS.has(type.nodeName) && type.length === 0) {
    return { block: type, text: null, index: 0 };
  }
  return null;
}

const indexIn = (parent: Y.XmlElement | Y.XmlFragment, child: Y.XmlElement) =>
  parent.toArray().indexOf(child);

/** Whether a block holds only words (paragraphs, headings, quotes and lists of them). */
function isPlainText(block: Y.XmlElement | Y.XmlText): boolean {
  if (block instanceof Y.XmlText) {
    return (block.toDelta() as { insert: unknown }[]).every((op) => typeof op.insert === 'string');
  }
  if (TEXTBLOCKS.has(block.nodeName)) {
    return block.toArray().every((child) => child instanceof Y.XmlText && isPlainText(child));
  }
  if (!TEXT_CONTAINERS.has(block.nodeName)) return false;
  return block.toArray().every((child) => child instanceof Y.XmlElement && isPlainText(child));
}

/** The blocks of words in `block`, in document order (itself, for a paragraph). */
function textblocksIn(block: Y.XmlElement): Y.XmlElement[] {
  if (TEXTBLOCKS.has(block.nodeName)) return [block];
  return block
    .toArray()
    .flatMap((child) => (child instanceof Y.XmlElement ? textblocksIn(child) : []));
}

/** The characters of a paragraph's text (checked plain: no embedded objects). */
export const plainText = (text: Y.XmlText | null): string =>
  text
    ? (text.toDelta() as { insert: unknown }[])
        .map((op) => (typeof op.insert === 'string' ? op.insert : '\uFFFC'))
        .join('')
    : '';

const blockText = (block: Y.XmlElement) =>
  block
    .toArray()
    .map((child) => (child instanceof Y.XmlText ? plainText(child) : '\uFFFC'))
    .join('');

/**
 * The stretch between two anchors in different paragraphs; null when they are not ends of
 * such a stretch (the caller treats them as within one paragraph, or as words moved). Throws
 * a 400 saying what to select when the stretch is one a suggestion may not change.
 */
export function spanBetween(start: Y.AbsolutePosition, end: Y.AbsolutePosition): Span | null {
  const first = endAt(start);
  const last = endAt(end);
  if (!first || !last || first.block === last.block) return null;
  // Words after the start or before the end in the same paragraph that are not text (a
  // line break) would be deleted, or would have to move.
  const firstChildren = first.block.toArray();
  const lastChildren = last.block.toArray();
  if (first.text && firstChildren[firstChildren.length - 1] !== first.text) throw notPlainText();
  if (last.text && lastChildren[0] !== last.text) throw notPlainText();
  const parent = first.block.parent;
  if (!(parent instanceof Y.XmlElement || parent instanceof Y.XmlFragment)) return null;
  if (parent === last.block.parent) {
    const from = indexIn(parent, first.block);
    const to = indexIn(parent, last.block);
    // A paragraph deleted since (its anchor still finds it) is not among its parent's.
    if (from < 0 || to < from) return null;
    const between = parent.slice(from + 1, to) as unknown[];
    return spanOf(first, last, { parent, index: from + 1, length: to - from }, between, null);
  }
  // From one list item into a later one of the same list: the items join, as in the editor.
  const firstItem = parent;
  const lastItem = last.block.parent;
  const list = firstItem.parent;
  if (
    !(firstItem instanceof Y.XmlElement) ||
    !(lastItem instanceof Y.XmlElement) ||
    firstItem.nodeName !== 'listItem' ||
    lastItem.nodeName !== 'listItem' ||
    !(list instanceof Y.XmlElement) ||
    !LISTS.has(list.nodeName) ||
    lastItem.parent !== list
  ) {
    throw notSideBySide();
  }
  // The first paragraph must be its item's last block (a list nested after it would be
  // deleted), and the last its item's first.
  const firstItemChildren = firstItem.toArray();
  if (firstItemChildren[firstItemChildren.length - 1] !== first.block) throw notSideBySide();
  if (lastItem.get(0) !== last.block) throw notSideBySide();
  const from = indexIn(list, firstItem);
  const to = indexIn(list, lastItem);
  if (from < 0 || to < from) return null;
  const between = list.slice(from + 1, to) as unknown[];
  // What follows the last paragraph in its item (a nested list) moves to the first item.
  const moved = lastItem.length > 1 ? { from: lastItem, to: firstItem } : null;
  if (moved && !lastItem.toArray().every((c) => c instanceof Y.XmlElement && isPlainText(c))) {
    throw notPlainText();
  }
  return spanOf(first, last, { parent: list, index: from + 1, length: to - from }, between, moved);
}

function spanOf(
  first: End,
  last: End,
  removed: Span['removed'],
  betweenNodes: unknown[],
  moved: Span['moved'],
): Span {
  const between: Y.XmlElement[] = [];
  for (const node of betweenNodes) {
    if (!(node instanceof Y.XmlElement) || !isPlainText(node)) throw notPlainText();
    between.push(...textblocksIn(node));
  }
  // The last paragraph's rest moves: only its text can (a line break in it could not).
  if (!isPlainText(last.block)) throw notPlainText();
  return { first, last, removed, between, moved };
}

/**
 * The words of a stretch as a quote writes them: the first paragraph's after the start,
 * each paragraph between, the last's before the end, with a paragraph break after each.
 */
export function spanWords(span: Span): string {
  return [
    plainText(span.first.text).slice(span.first.index),
    ...span.between.map(blockText),
    plainText(span.last.text).slice(0, span.last.index),
  ].join(PARAGRAPH_BREAK);
}

type Op = { insert: unknown; attributes?: Record<string, unknown> };

/**
 * The formatting the new words take: the first replaced character's, or at the end of the
 * first paragraph (joining it to the next), the one before it (without a link, which does
 * not grow), as typing there would.
 */
export function spanFormat(span: Span): Record<string, unknown> {
  const { text, index } = span.first;
  if (!text) return {};
  const look = index < text.length ? index : index - 1;
  let at = 0;
  for (const op of text.toDelta() as Op[]) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1;
    if (look < at + length) {
      const format = op.attributes ?? {};
      if (index < text.length || !('link' in format)) return format;
      const { link: _link, ...rest } = format;
      return rest;
    }
    at += length;
  }
  return {};
}

/**
 * Writes an accepted spanning suggestion into `span`'s document, in the transaction the
 * caller opened. The rest of the last paragraph is re-created in the first (Yjs cannot move
 * text between paragraphs), with its formatting, written before the new words so the
 * ledger, which credits re-inserted text to whoever wrote the deleted text it matches
 * (`attribution/recordTransaction.ts`), matches it first: it stays its authors' words.
 */
export function writeSpan(span: Span, words: string, format: Record<string, unknown>): void {
  const { first, last, removed, moved } = span;
  const rest = last.text ? (last.text.toDelta() as Op[]) : [];
  const restOps: Op[] = [];
  let at = 0;
  for (const op of rest) {
    if (typeof op.insert !== 'string') continue;
    const start = Math.max(0, last.index - at);
    if (start < op.insert.length) {
      restOps.push({ insert: op.insert.slice(start), attributes: op.attributes ?? {} });
    }
    at += op.insert.length;
  }
  // A paragraph can hold several texts (two people typed into it while it was empty): all
  // that follow the anchored one are its rest too, and move with it.
  const following = last.block.toArray();
  for (const child of following.slice(last.text ? following.indexOf(last.text) + 1 : 0)) {
    if (!(child instanceof Y.XmlText)) continue;
    for (const op of child.toDelta() as Op[]) {
      if (typeof op.insert === 'string') {
        restOps.push({ insert: op.insert, attributes: op.attributes ?? {} });
      }
    }
  }
  const carried = moved ? moved.from.slice(1).map((node) => (node as Y.XmlElement).clone()) : [];
  let text = first.text;
  if (text) text.delete(first.index, text.length - first.index);
  removed.parent.delete(removed.index, removed.length);
  if (!text && (restOps.length > 0 || words)) {
    text = new Y.XmlText();
    first.block.insert(0, [text]);
  }
  if (text) {
    let position = first.index;
    for (const op of restOps) {
      text.insert(position, op.insert as string, op.attributes);
      position += (op.insert as string).length;
    }
    if (words) text.insert(first.index, words, format);
  }
  if (moved && carried.length > 0) moved.to.insert(moved.to.length, carried);
}
