import { PARAGRAPH_BREAK } from '@chorus/shared';
import { Extension } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from '@tiptap/y-tiptap';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { isRemoteChange, remoteChangeMapping } from '../authorship/dirtyRanges.ts';
import type { Revision } from '../suggesting/draft.ts';
import { paragraphBreakDecorations } from '../suggesting/spanDrawing.ts';

/** A comment thread's anchor as the server keeps it: two encoded Yjs relative positions. */
export interface CommentAnchor {
  id: string;
  start: string;
  end: string;
  /** Highlighted while the thread is open; a resolved thread's words are only located. */
  open: boolean;
  /** For a suggested edit: the words proposed in place of the anchored ones. */
  suggestion?: string;
  /** A suggestion to add words at one place: its anchors are that place, not words. */
  insertion?: boolean;
  /**
   * Set on the person's own open suggestions, which they may revise (typing at their
   * place again in suggesting mode continues them): the quote as listed.
   */
  revisable?: { quote: string };
}

export interface AnchorRange {
  from: number;
  to: number;
}

interface AnchorsState {
  anchors: readonly CommentAnchor[];
  active: string | null;
  /** Where each anchor is now; null when its text was deleted. */
  ranges: ReadonlyMap<string, AnchorRange | null>;
  /** The open threads' ids (the ones highlighted). */
  open: ReadonlySet<string>;
  /** The open suggestions' proposed words, by thread id (drawn struck through). */
  suggestions: ReadonlyMap<string, string>;
  /** The threads anchored to one place (suggestions to add words). */
  points: ReadonlySet<string>;
  /** Suggestions not drawn here: being revised, and drawn as the draft instead. */
  hidden: ReadonlySet<string>;
  decorations: DecorationSet;
  /** Remote edits arrived since the anchors were last found from their Yjs positions. */
  stale: boolean;
}

type AnchorsMeta =
  | { type: 'anchors'; anchors: readonly CommentAnchor[] }
  | { type: 'active'; id: string | null }
  | { type: 'hidden'; ids: ReadonlySet<string> }
  | { type: 'refresh' };

export const commentAnchorsKey = new PluginKey<AnchorsState>('commentAnchors');

/** Quiet time after remote edits before anchors are found again from their Yjs positions. */
const REFRESH_MS = 250;
/** Someone typing without pause still has the anchors found again at least this often. */
const REFRESH_MAX_WAIT_MS = 1_000;

interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Map<Y.AbstractType<unknown>, PmNode | PmNode[]> };
}

function syncState(state: EditorState): SyncState | null {
  const sync: unknown = ySyncPluginKey.getState(state);
  if (typeof sync !== 'object' || sync === null || !('binding' in sync)) return null;
  return sync as SyncState;
}

function decodePosition(base64: string): Y.RelativePosition | null {
  try {
    return Y.decodeRelativePosition(fromBase64(base64));
  } catch {
    return null;
  }
}

/**
 * Where each anchor is in the editor's document now, from its Yjs relative positions (so
 * it follows the text through everyone's edits); null if the text is gone.
 */
function locate(
  state: EditorState,
  anchors: readonly CommentAnchor[],
): Map<string, AnchorRange | null> {
  const sync = syncState(state);
  const ranges = new Map<string, AnchorRange | null>();
  const size = state.doc.content.size;
  for (const anchor of anchors) {
    const start = decodePosition(anchor.start);
    const end = decodePosition(anchor.end);
    if (!sync || !start || !end) {
      ranges.set(anchor.id, null);
      continue;
    }
    const map = sync.binding.mapping;
    const from = relativePositionToAbsolutePosition(sync.doc, sync.type, start, map);
    const to = relativePositionToAbsolutePosition(sync.doc, sync.type, end, map);
    // Words to add are at one place; words to change or comment on are at least one long.
    const shortest = anchor.insertion ? 0 : 1;
    ranges.set(
      anchor.id,
      from === null || to === null || to - from < shortest || to > size ? null : { from, to },
    );
  }
  return ranges;
}

function draw(
  doc: PmNode,
  ranges: ReadonlyMap<string, AnchorRange | null>,
  { open, active, suggestions, hidden }: Omit<AnchorsState, 'ranges' | 'decorations'>,
): DecorationSet {
  const decorations: Decoration[] = [];
  for (const [id, range] of ranges) {
    if (!range || !open.has(id) || hidden.has(id)) continue;
    const suggestion = suggestions.get(id);
    const classes = ['comment-anchor'];
    if (id === active) classes.push('comment-anchor--active');
    if (suggestion !== undefined) classes.push('comment-anchor--suggestion');
    if (suggestion) {
      // The proposed words are shown where they would go, after any they would replace.
      decorations.push(
        Decoration.widget(range.to, () => suggestionMarker('addition'), {
          side: -1,
          key: 'marker:addition',
          ignoreSelection: true,
        }),
        Decoration.widget(range.to, () => insertedWords(suggestion, id === active), {
          side: -1,
          key: `suggestion:${id}:${id === active}:${suggestion}`,
          ignoreSelection: true,
        }),
      );
    }
    if (range.from === range.to) continue;
    if (suggestion !== undefined) {
      decorations.push(
        Decoration.widget(range.from, () => suggestionMarker('deletion'), {
          side: 1,
          key: 'marker:deletion',
          ignoreSelection: true,
        }),
        ...paragraphBreakDecorations(doc, range.from, range.to, id),
      );
    }
    decorations.push(
      Decoration.inline(
        range.from,
        range.to,
        {
          class: classes.join(' '),
          'data-thread': id,
          // Said by screen readers and shown on hover: the tint alone tells neither.
          title:
            suggestion === undefined
              ? 'Commented text: the comment is in Comments, beside the document'
              : suggestion === ''
                ? 'Suggested change: delete these words (see Comments, beside the document)'
                : `Suggested change: replace with “${suggestion}” (see Comments, beside the document)`,
        },
        { thread: id },
      ),
    );
  }
  return DecorationSet.create(doc, decorations);
}

/**
 * Suggested words drawn in the text (not part of it): underlined and tinted, and said as
 * suggested (not colour alone). Shared with the suggestion being typed.
 */
export function insertedWords(words: string, active = false, whole = false): HTMLElement {
  const ins = document.createElement('ins');
  ins.className = active ? 'suggestion-insert suggestion-insert--active' : 'suggestion-insert';
  // Someone else's long one is cut short in the text (anyone who may comment can suggest
  // 5,000 characters); Comments shows it whole. One's own being typed is shown whole.
  ins.textContent = whole || words.length <= PREVIEW ? words : `${cutAt(words, PREVIEW - 1)}…`;
  ins.title = `Suggested words to add: “${words}” (see Comments, beside the document)`;
  return ins;
}

/** The most characters of suggested words drawn in the text. */
const PREVIEW = 80;

/** `text` cut to at most `most` code units, never inside a character (an emoji, say). */
function cutAt(text: string, most: number): string {
  let end = 0;
  for (const { index, segment } of new Intl.Segmenter(undefined, {
    granularity: 'grapheme',
  }).segment(text)) {
    if (index + segment.length > most) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/**
 * Said before suggested words and struck-out ones, for screen readers: neither the tint
 * nor the strike-through is read out, and the words would run into the document's own.
 */
export function suggestionMarker(kind: 'addition' | 'deletion'): HTMLElement {
  const marker = document.createElement('span');
  marker.className = 'visually-hidden suggestion-marker';
  marker.textContent = kind === 'addition' ? 'suggested addition: ' : 'suggested deletion: ';
  return marker;
}

function build(
  state: EditorState,
  anchors: readonly CommentAnchor[],
  active: string | null,
  hidden: ReadonlySet<string>,
): AnchorsState {
  const ranges = locate(state, anchors);
  const open = new Set(anchors.filter((a) => a.open).map((a) => a.id));
  const suggestions = new Map<string, string>();
  for (const a of anchors) if (a.suggestion !== undefined) suggestions.set(a.id, a.suggestion);
  const points = new Set(anchors.filter((a) => a.insertion).map((a) => a.id));
  const value = { anchors, active, open, suggestions, points, hidden, stale: false };
  return { ...value, ranges, decorations: draw(state.doc, ranges, value) };
}

/**
 * Highlights the text open comment threads are anchored to. Edits move the highlights
 * with the text at once (through each change's mapping); after remote edits, which the
 * binding applies as one large replacement, the anchors are found again from their Yjs
 * positions once the edits pause.
 */
export const CommentAnchors = Extension.create({
  name: 'commentAnchors',
  addProseMirrorPlugins() {
    return [commentAnchorsPlugin()];
  },
});

export function commentAnchorsPlugin(): Plugin<AnchorsState> {
  return new Plugin<AnchorsState>({
    key: commentAnchorsKey,
    state: {
      init: () => ({
        anchors: [],
        active: null,
        ranges: new Map(),
        open: new Set(),
        suggestions: new Map(),
        points: new Set(),
        hidden: new Set(),
        decorations: DecorationSet.empty,
        stale: false,
      }),
      apply(tr, value, _old, state) {
        const meta = tr.getMeta(commentAnchorsKey) as AnchorsMeta | undefined;
        if (meta?.type === 'anchors') {
          return build(state, meta.anchors, value.active, value.hidden);
        }
        if (meta?.type === 'refresh') {
          return build(state, value.anchors, value.active, value.hidden);
        }
        if (meta?.type === 'active' || meta?.type === 'hidden') {
          const next =
            meta.type === 'active' ? { ...value, active: meta.id } : { ...value, hidden: meta.ids };
          return { ...next, decorations: draw(tr.doc, next.ranges, next) };
        }
        if (!tr.docChanged || value.anchors.length === 0) return value;
        const remote = isRemoteChange(tr);
        const mapping = remote
          ? (remoteChangeMapping(tr.before, tr.doc) ?? tr.mapping)
          : tr.mapping;
        const ranges = new Map<string, AnchorRange | null>();
        for (const [id, range] of value.ranges) {
          if (!range) {
            ranges.set(id, null);
            continue;
          }
          if (value.points.has(id)) {
            // A place to add words stays after the character it follows, as its anchor does.
            const at = mapping.map(range.from, -1);
            ranges.set(id, { from: at, to: at });
            continue;
          }
          const from = mapping.map(range.from, 1);
          const to = mapping.map(range.to, -1);
          ranges.set(id, to > from ? { from, to } : null);
        }
        return {
          ...value,
          ranges,
          decorations: draw(tr.doc, ranges, value),
          // Local edits are mapped exactly; only remote ones need the Yjs positions.
          stale: value.stale || remote,
        };
      },
    },
    props: {
      decorations: (state) => commentAnchorsKey.getState(state)?.decorations,
    },
    view: () => {
      let timer: ReturnType<typeof setTimeout> | null = null;
      let waitingSince = 0;
      return {
        update(view: EditorView, previous: EditorState) {
          if (view.state.doc === previous.doc) return;
          if (!commentAnchorsKey.getState(view.state)?.stale) return;
          const now = performance.now();
          if (timer) clearTimeout(timer);
          else waitingSince = now;
          const wait = Math.max(0, Math.min(REFRESH_MS, waitingSince + REFRESH_MAX_WAIT_MS - now));
          timer = setTimeout(() => {
            timer = null;
            if (view.isDestroyed) return;
            view.dispatch(
              view.state.tr.setMeta(commentAnchorsKey, {
                type: 'refresh',
              } satisfies AnchorsMeta),
            );
          }, wait);
        },
        destroy() {
          if (timer) clearTimeout(timer);
        },
      };
    },
  });
}

/**
 * Leaves these suggestions undrawn (set on a transaction): suggesting mode draws one being
 * revised as its draft instead.
 */
export function hideSuggestions<T extends Transaction>(tr: T, ids: ReadonlySet<string>): T {
  return tr.setMeta(commentAnchorsKey, { type: 'hidden', ids } satisfies AnchorsMeta);
}

/** The person's own open suggestion whose proposed words are drawn at `pos`, if any. */
export function ownSuggestionAt(
  state: EditorState,
  pos: number,
): { from: number; to: number; text: string; revises: Revision } | null {
  const value = commentAnchorsKey.getState(state);
  if (!value) return null;
  for (const anchor of value.anchors) {
    const range = value.ranges.get(anchor.id);
    const text = anchor.suggestion;
    if (!anchor.revisable || !anchor.open || text === undefined || value.hidden.has(anchor.id)) {
      continue;
    }
    if (!range || range.to !== pos) continue;
    const was = {
      anchor: { start: anchor.start, end: anchor.end },
      quote: anchor.revisable.quote,
      text,
    };
    return { from: range.from, to: range.to, text, revises: { id: anchor.id, was } };
  }
  return null;
}

/** Locates these threads' anchors and highlights the open ones. */
export function setCommentAnchors(view: EditorView, anchors: readonly CommentAnchor[]): void {
  view.dispatch(
    view.state.tr.setMeta(commentAnchorsKey, { type: 'anchors', anchors } satisfies AnchorsMeta),
  );
}

export function setActiveThread(view: EditorView, id: string | null): void {
  if (commentAnchorsKey.getState(view.state)?.active === id) return;
  view.dispatch(
    view.state.tr.setMeta(commentAnchorsKey, { type: 'active', id } satisfies AnchorsMeta),
  );
}

/** Where each anchor is now (null: its text was deleted). */
export function anchorRanges(state: EditorState): ReadonlyMap<string, AnchorRange | null> {
  return commentAnchorsKey.getState(state)?.ranges ?? new Map();
}

/** The threads whose text the caret is in (or the selection starts in). */
export function threadsAt(state: EditorState): string[] {
  const pos = state.selection.from;
  const found: string[] = [];
  for (const [id, range] of anchorRanges(state)) {
    if (range && range.from <= pos && pos <= range.to) found.push(id);
  }
  return found;
}

/**
 * The selection as an anchor for a new thread, with the text it covers; null when nothing
 * (or nothing but spaces) is selected.
 */
export function anchorForSelection(
  state: EditorState,
): { start: string; end: string; quote: string } | null {
  const { from, to, empty } = state.selection;
  if (empty) return null;
  const quote = state.doc.textBetween(from, to, ' ', ' ').trim();
  const anchor = encodeRange(state, from, to);
  if (!quote || !anchor) return null;
  return { ...anchor, quote: quote.length > 1_000 ? `${quote.slice(0, 999)}…` : quote };
}

/** Yjs relative positions for the stretch `from`..`to`, sticking to its own characters. */
function encodeRange(
  state: EditorState,
  from: number,
  to: number,
): { start: string; end: string } | null {
  const sync = syncState(state);
  if (!sync) return null;
  const map = sync.binding.mapping;
  // The binding's positions stick to the character before them: right for the end (text
  // typed just after the commented words stays outside), but the start must stick to the
  // first commented character, or text typed just before would join the comment.
  const before = absolutePositionToRelativePosition(from, sync.type, map) as Y.RelativePosition;
  const at = Y.createAbsolutePositionFromRelativePosition(before, sync.doc);
  const start = at ? Y.createRelativePositionFromTypeIndex(at.type, at.index, 0) : before;
  const end = absolutePositionToRelativePosition(to, sync.type, map) as Y.RelativePosition;
  return {
    start: toBase64(Y.encodeRelativePosition(start)),
    end: toBase64(Y.encodeRelativePosition(end)),
  };
}

/**
 * The selection as a suggested edit can change it: words within one paragraph, with no
 * line break or other inline object among them, and their exact text (the server checks
 * it against the document). Otherwise a sentence saying what to select.
 */
export function suggestionRange(
  state: EditorState,
): { start: string; end: string; quote: string } | { problem: string } {
  const { from, to, empty } = state.selection;
  if (empty)
    return { problem: 'Select the words you want to change first, then choose “Suggest an edit”.' };
  return suggestionBetween(state, from, to);
}

/**
 * The words `from`..`to` as a suggested edit can change them (see `suggestionRange`); when
 * `from === to`, the one place where words would be added, typed in suggesting mode.
 */
export function suggestionBetween(
  state: EditorState,
  from: number,
  to: number,
): { start: string; end: string; quote: string } | { problem: string } {
  const problem = suggestionProblem(state.doc, from, to);
  if (problem) return { problem };
  // Across paragraphs, one line feed per paragraph break, as the server writes the quote.
  const quote = state.doc.textBetween(from, to, PARAGRAPH_BREAK);
  const anchor = from === to ? encodePoint(state, from) : encodeRange(state, from, to);
  if (!anchor) return { problem: 'The document is still loading. Try again in a moment.' };
  return { ...anchor, quote };
}

/**
 * Why `from`..`to` cannot be suggested on, or null when it is words of one paragraph (or,
 * when `from === to`, a place beside words in one, or in an empty paragraph or heading),
 * as the server takes a suggestion.
 */
export function suggestionProblem(doc: PmNode, from: number, to: number): string | null {
  const $from = doc.resolve(from);
  if (from < to && !$from.sameParent(doc.resolve(to))) return spanProblem(doc, from, to);
  if (!$from.sameParent(doc.resolve(to)) || !$from.parent.isTextblock) {
    return 'A suggestion changes words of paragraphs. Select words only.';
  }
  let onlyText = true;
  doc.nodesBetween(from, to, (node) => {
    if (node.isInline && !node.isText) onlyText = false;
  });
  if (!onlyText) {
    return 'Select words without a line break or picture among them, then suggest the change.';
  }
  if (to - from > 1_000) {
    return 'Select at most 1,000 characters to change, or suggest a shorter change.';
  }
  // The server anchors words to add to text, or to an empty paragraph or heading; not,
  // say, to a place between two line breaks.
  const parent = $from.parent;
  const emptyBlock =
    parent.content.size === 0 &&
    (parent.type.name === 'paragraph' || parent.type.name === 'heading');
  if (from === to && !emptyBlock && !$from.nodeBefore?.isText && !$from.nodeAfter?.isText) {
    return 'Words can be suggested beside other words, or in an empty paragraph, only. Say in a comment where they should go.';
  }
  return null;
}

/** Blocks whose content is words; and blocks of only those, which a suggestion may delete. */
const TEXTBLOCKS = new Set(['paragraph', 'heading']);
const TEXT_CONTAINERS = new Set(['blockquote', 'bulletList', 'orderedList', 'listItem']);

/** Whether a block holds only words (no line break, table, rule, code or structured block). */
function isPlainText(node: PmNode): boolean {
  if (TEXTBLOCKS.has(node.type.name)) {
    let plain = true;
    node.forEach((child) => {
      if (!child.isText) plain = false;
    });
    return plain;
  }
  if (!TEXT_CONTAINERS.has(node.type.name)) return false;
  let plain = true;
  node.forEach((child) => {
    if (!isPlainText(child)) plain = false;
  });
  return plain;
}

/**
 * Why `from`..`to`, from one paragraph into a later one, cannot be suggested on, or null
 * when the server takes it (`server/src/services/suggestionSpans.ts`, whose rules these
 * mirror): both ends in paragraphs or headings side by side (same parent) or in list items
 * of one list, with only words between, and only words in the last paragraph (its rest
 * moves into the first when accepted).
 */
export function spanProblem(doc: PmNode, from: number, to: number): string | null {
  const $from = doc.resolve(from);
  const $to = doc.resolve(to);
  const cannotDelete =
    'The selection runs across something a suggestion cannot delete (a table, a line break, a rule, a code block or a structured block). Select words on one side of it only.';
  const notBeside =
    'A suggestion can span paragraphs side by side (in the text, in one quote or in one list) only. Select words from a paragraph to a later one beside it.';
  if (!TEXTBLOCKS.has($from.parent.type.name) || !TEXTBLOCKS.has($to.parent.type.name)) {
    return $from.parent.isTextblock && $to.parent.isTextblock ? cannotDelete : notBeside;
  }
  if ($from.depth !== $to.depth) return notBeside;
  const parentOf = ($pos: typeof $from) => $pos.node($pos.depth - 1);
  if (parentOf($from) !== parentOf($to)) {
    // Paragraphs in list items of one list: the first its item's last block, the last its
    // item's first.
    const inItems =
      $from.depth >= 3 &&
      parentOf($from).type.name === 'listItem' &&
      parentOf($to).type.name === 'listItem' &&
      $from.node($from.depth - 2) === $to.node($to.depth - 2) &&
      $from.index($from.depth - 1) === parentOf($from).childCount - 1 &&
      $to.index($to.depth - 1) === 0;
    if (!inItems) return notBeside;
    let plainItem = true;
    parentOf($to).forEach((child) => {
      if (!isPlainText(child)) plainItem = false;
    });
    if (!plainItem) return cannotDelete;
  }
  let plain = isPlainText($to.parent);
  doc.nodesBetween(from, to, (node, pos) => {
    // What holds the start (the document, a quote, the first list item) is not deleted.
    if (pos < from && pos + node.nodeSize > from && !node.isTextblock) return true;
    if (node.isInline && !node.isText) plain = false;
    if (node.isBlock && !node.isTextblock && !TEXT_CONTAINERS.has(node.type.name)) {
      plain = false;
    }
    if (node.isTextblock && !TEXTBLOCKS.has(node.type.name)) plain = false;
    return plain;
  });
  if (!plain) return cannotDelete;
  if (doc.textBetween(from, to, PARAGRAPH_BREAK).length > 1_000) {
    return 'Select at most 1,000 characters to change, or suggest a shorter change.';
  }
  return null;
}

/**
 * A place to add words: both anchors are one Yjs position sticking to the character
 * before it (the binding's), so words someone else types there later come after it, and
 * the server finds nothing between the two.
 */
function encodePoint(state: EditorState, at: number): { start: string; end: string } | null {
  const sync = syncState(state);
  if (!sync) return null;
  const position = absolutePositionToRelativePosition(at, sync.type, sync.binding.mapping);
  const encoded = toBase64(Y.encodeRelativePosition(position as Y.RelativePosition));
  return { start: encoded, end: encoded };
}
