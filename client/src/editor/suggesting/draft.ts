/**
 * A suggestion being typed in suggesting mode: the stretch of the document's words it
 * would replace (`from`..`to`, empty for words to add at one place) and the words typed so
 * far. Nothing typed reaches the document: the draft is drawn over it, and sent as a
 * suggested edit when the person finishes it. Positions are the editor's (ProseMirror's).
 *
 * A draft grows only at its end, where the caret stays: typing adds words; Backspace takes
 * back typed words, then strikes out one more character before the stretch; Delete strikes
 * out the character after it. At a paragraph's edge, Backspace and Delete strike out the
 * paragraph break (`backspaceAcross`, `forwardDeleteAcross`), joining the paragraphs, where
 * the server takes such a suggestion; the editor says how many positions each character or
 * break takes. A selection across paragraphs starts a draft like any other.
 */
export interface Draft {
  from: number;
  to: number;
  text: string;
  /**
   * The person's own open suggestion this draft continues, when they typed at its place
   * again: it starts as that suggestion and replaces it when sent (merged into it, as
   * Google Docs does, instead of a second one beside it).
   */
  revises?: Revision;
}

/** An open suggestion being revised, and how it was listed when the draft took it up. */
export interface Revision {
  id: string;
  was: { anchor: { start: string; end: string }; quote: string; text: string };
}

/** Where the caret or selection is when a draft starts. */
export interface Caret {
  from: number;
  to: number;
}

/**
 * What a key did to the draft: the new one (null: nothing left to suggest), or, at the
 * paragraph's edge, the draft unchanged and which edge.
 */
export interface DraftChange {
  draft: Draft | null;
  edge?: 'start' | 'end';
}

/**
 * The draft, or none when it would change nothing (no words struck out or typed). One that
 * revises a suggestion stays even then: sent, it withdraws that suggestion.
 */
const settled = (draft: Draft): DraftChange =>
  draft.from === draft.to && draft.text === '' && !draft.revises ? { draft: null } : { draft };

/** Typed words: they start a draft on the selection, or add to the one being typed. */
export function typeWords(draft: Draft | null, caret: Caret, words: string): DraftChange {
  if (words === '') return { draft };
  if (!draft) return settled({ from: caret.from, to: caret.to, text: words });
  return { draft: { ...draft, text: draft.text + words } };
}

/** The last character (as a person sees it: a whole emoji or accented letter) of `text`. */
export function withoutLastCharacter(text: string): string {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let last = 0;
  for (const { index } of segmenter.segment(text)) last = index;
  return text.slice(0, last);
}

/**
 * Backspace. `widthBefore(pos)` is how many positions the character just before `pos` takes
 * (2 for a character outside the basic plane, 0 at the paragraph's start or before
 * something that is not text).
 */
export function backspace(
  draft: Draft | null,
  caret: Caret,
  widthBefore: (pos: number) => number,
): DraftChange {
  if (draft && draft.text !== '') {
    return settled({ ...draft, text: withoutLastCharacter(draft.text) });
  }
  if (!draft && caret.from !== caret.to) return settled({ ...caret, text: '' });
  const from = draft?.from ?? caret.from;
  const width = widthBefore(from);
  if (width === 0) return { edge: 'start', draft };
  return settled({ ...draft, from: from - width, to: draft?.to ?? caret.to, text: '' });
}

/** Delete (forward). `widthAfter(pos)` as `widthBefore`, for the character after `pos`. */
export function forwardDelete(
  draft: Draft | null,
  caret: Caret,
  widthAfter: (pos: number) => number,
): DraftChange {
  if (!draft && caret.from !== caret.to) return settled({ ...caret, text: '' });
  const to = draft?.to ?? caret.to;
  const width = widthAfter(to);
  if (width === 0) return { edge: 'end', draft };
  return settled({
    ...draft,
    from: draft?.from ?? caret.from,
    to: to + width,
    text: draft?.text ?? '',
  });
}

/**
 * Pasted or dropped text as words of one paragraph: line breaks become spaces, and
 * invisible control or direction characters go (the server refuses them, since they could
 * make the words shown differ from those written).
 */
export function pastedWords(text: string): string {
  return typedWords(text.replace(/\s*[\r\n]+\s*/g, ' ')).trim();
}

/** Typed characters as words: line breaks become spaces, invisible characters go. */
export function typedWords(text: string): string {
  return text.replace(/[\r\n]/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Cs}\uFFFE\uFFFF]/gu, '');
}

/** Maps a draft through a change of the document; null when its place is gone. */
export function mapDraft(draft: Draft, map: (pos: number, assoc: -1 | 1) => number): Draft {
  if (draft.from === draft.to) {
    // Words to add stay after the character they follow, as their anchor will.
    const at = map(draft.from, -1);
    return { ...draft, from: at, to: at };
  }
  // Words typed just before or after the struck-out stretch stay outside it.
  const from = map(draft.from, 1);
  const to = map(draft.to, -1);
  return { ...draft, from, to: Math.max(from, to) };
}

/**
 * Backspace that may cross a paragraph break: at the start of a paragraph, with no words
 * typed, it strikes out the break before (`breakBefore(pos)`: how many positions lie
 * between the end of the paragraph before and `pos`, 0 when it may not be joined), so
 * the suggestion joins the two paragraphs; further Backspaces strike out words before it.
 */
export function backspaceAcross(
  draft: Draft | null,
  caret: Caret,
  widthBefore: (pos: number) => number,
  breakBefore: (pos: number) => number,
): DraftChange {
  const result = backspace(draft, caret, widthBefore);
  if (result.edge !== 'start') return result;
  const from = draft?.from ?? caret.from;
  const width = breakBefore(from);
  if (width === 0) return result;
  return settled({
    ...draft,
    from: from - width,
    to: draft?.to ?? caret.to,
    text: draft?.text ?? '',
  });
}

/** Delete that may cross the paragraph break after (`breakAfter`, as `breakBefore`). */
export function forwardDeleteAcross(
  draft: Draft | null,
  caret: Caret,
  widthAfter: (pos: number) => number,
  breakAfter: (pos: number) => number,
): DraftChange {
  const result = forwardDelete(draft, caret, widthAfter);
  if (result.edge !== 'end') return result;
  const to = draft?.to ?? caret.to;
  const width = breakAfter(to);
  if (width === 0) return result;
  return settled({
    ...draft,
    from: draft?.from ?? caret.from,
    to: to + width,
    text: draft?.text ?? '',
  });
}

/**
 * An input method's composition under way in suggesting mode (Japanese, Chinese or Korean
 * input, an accent picker, and a phone keyboard's word suggestions, which compose every
 * word). Its words are shown where they go but are not part of the draft until it ends:
 * the input method may still rewrite all of them. `at` is where they go (the draft's end,
 * or the caret); `before` is the draft as it was when the composition began, which a
 * cancelled composition goes back to.
 */
export interface Composition {
  at: number;
  /** What it shows so far (kept so that words being composed are not lost on leaving). */
  text: string;
  before: Draft | null;
}

/**
 * A composition beginning: it continues `draft` (the one being typed, or one's own
 * suggestion taken up at the caret), after its words; with no draft, over a selection it
 * strikes the selected words out (as typing over them does) and goes after them, and at a
 * caret it goes there. `before` is the draft being typed until now (none when it began on
 * a selection or one's own sent suggestion).
 */
export function startComposition(
  draft: Draft | null,
  caret: Caret,
  before: Draft | null,
): { draft: Draft | null; composition: Composition } {
  if (draft) return { draft, composition: { at: draft.to, text: '', before } };
  if (caret.from !== caret.to) {
    return {
      draft: { from: caret.from, to: caret.to, text: '' },
      composition: { at: caret.to, text: '', before },
    };
  }
  return { draft: null, composition: { at: caret.from, text: '', before } };
}

/**
 * A composition ending with `words` (what the input method committed): they are typed
 * into the draft at the composition's place. Ended with nothing (cancelled, or all its
 * characters taken back), it leaves the draft as it was before the composition began.
 */
export function endComposition(
  draft: Draft | null,
  composition: Composition,
  words: string,
): DraftChange {
  const typed = typedWords(words);
  if (typed === '') return { draft: composition.before };
  return typeWords(draft, { from: composition.at, to: composition.at }, typed);
}

/** Maps a composition through a change of the document, as its words to add would be. */
export function mapComposition(
  composition: Composition,
  map: (pos: number, assoc: -1 | 1) => number,
): Composition {
  return {
    ...composition,
    at: map(composition.at, -1),
    before: composition.before ? mapDraft(composition.before, map) : null,
  };
}
