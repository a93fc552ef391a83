import { PARAGRAPH_BREAK, spokenQuote } from '@chorus/shared';
import { Extension } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { isRemoteChange, remoteChangeMapping } from '../authorship/dirtyRanges.ts';
import {
  commentAnchorsKey,
  hideSuggestions,
  insertedWords,
  ownSuggestionAt,
  spanProblem,
  suggestionBetween,
  suggestionMarker,
  suggestionProblem,
} from '../comments/commentAnchors.ts';
import { readPendingInput } from '../pendingInput.ts';
import {
  backspaceAcross,
  type Caret,
  type Composition,
  type Draft,
  type DraftChange,
  endComposition,
  forwardDeleteAcross,
  mapComposition,
  mapDraft,
  pastedWords,
  type Revision,
  startComposition,
  typedWords,
  typeWords,
} from './draft.ts';
import { paragraphBreakDecorations } from './spanDrawing.ts';

/** A suggestion typed in suggesting mode, as the comments API takes it. */
export interface TypedSuggestion {
  anchor: { start: string; end: string };
  quote: string;
  text: string;
}

/** What the page around the editor does with typed suggestions (the comments panel). */
export interface SuggestingHandlers {
  /** Sends one; resolves once it is listed with the others (and so drawn by them). */
  send: (suggestion: TypedSuggestion) => Promise<void>;
  /** Replaces one's own open suggestion with what it became; resolves once listed. */
  revise: (revision: Revision, suggestion: TypedSuggestion) => Promise<void>;
  /** Withdraws one's own open suggestion, taken back to nothing; resolves once listed. */
  withdraw: (revision: Revision) => Promise<void>;
  /** Says something in words (a status line), e.g. why a key did nothing. */
  say: (message: string) => void;
}

interface Sending extends Draft {
  id: number;
}

/** A composition under way, drawn in a widget of its own (see `compositionstart`). */
interface Composing extends Composition {
  id: number;
  /** Why its words cannot be suggested where it began (said with them when it ends). */
  refused: string | null;
}

interface SuggestingState {
  on: boolean;
  draft: Draft | null;
  /** Finished drafts on their way to the server, still drawn until they are listed. */
  sending: readonly Sending[];
  /** The words of a draft whose place someone else deleted, to say in full (then cleared). */
  dropped: string | null;
  /** An input method's composition under way, not yet part of the draft. */
  composing: Composing | null;
}

type SuggestingMeta =
  | { type: 'mode'; on: boolean }
  | { type: 'draft'; draft: Draft | null }
  /** A composition began or ended (with the draft it leaves), or shows other words. */
  | { type: 'composing'; draft: Draft | null; composing: Composing | null }
  | { type: 'composed-text'; text: string }
  /** The draft is finished and on its way: drawn as being sent, no longer typed into. */
  | { type: 'sent'; sending: Sending; wasTyped: boolean }
  /** The server answered: no longer drawn here (the comments draw it once listed). */
  | { type: 'answered'; id: number }
  | { type: 'dropped-said' };

export const suggestingKey = new PluginKey<SuggestingState>('suggesting');

export const isSuggesting = (state: EditorState): boolean =>
  suggestingKey.getState(state)?.on ?? false;

export const suggestionDraft = (state: EditorState): Draft | null =>
  suggestingKey.getState(state)?.draft ?? null;

/**
 * The draft with the words of a composition under way typed into it: what would be lost if
 * the editor went away now.
 */
function draftWithComposition(value: SuggestingState | undefined): Draft | null {
  if (!value) return null;
  const { draft, composing } = value;
  if (!composing || composing.refused || !composing.text) return draft;
  return endComposition(draft, composing, composing.text).draft;
}

/** Where a composition's widget is drawn among others at its place: after all of them. */
const COMPOSING_SIDE = -0.5;
/** What the composition's widget holds before the input method's words: a place for the caret. */
const CARET_PLACE = '\u200b';

/** How many positions the character just before `pos` takes, if it is text of the same block. */
function widthBefore(doc: PmNode, pos: number): number {
  const $pos = doc.resolve(pos);
  const node = $pos.nodeBefore;
  if (!$pos.parent.isTextblock || !node?.isText || !node.text) return 0;
  const code = node.text.charCodeAt(node.text.length - 1);
  return code >= 0xdc00 && code <= 0xdfff && node.text.length > 1 ? 2 : 1;
}

/** The same for the character just after `pos`. */
function widthAfter(doc: PmNode, pos: number): number {
  const $pos = doc.resolve(pos);
  const node = $pos.nodeAfter;
  if (!$pos.parent.isTextblock || !node?.isText || !node.text) return 0;
  const code = node.text.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff && node.text.length > 1 ? 2 : 1;
}

/**
 * How many positions the paragraph break before `pos` takes (from the end of the paragraph
 * before to `pos`), when `pos` is at a paragraph's start and a suggestion may join it to the
 * one before; 0 otherwise.
 */
function breakBefore(doc: PmNode, pos: number): number {
  const $pos = doc.resolve(pos);
  if (!$pos.parent.isTextblock || $pos.parentOffset !== 0) return 0;
  for (let at = pos - 1; at > 0; at--) {
    if (doc.resolve(at).parent.isTextblock) {
      return spanProblem(doc, at, pos) === null ? pos - at : 0;
    }
  }
  return 0;
}

/** The same for the break after `pos`, at a paragraph's end, joining the next one to it. */
function breakAfter(doc: PmNode, pos: number): number {
  const $pos = doc.resolve(pos);
  if (!$pos.parent.isTextblock || $pos.parentOffset !== $pos.parent.content.size) return 0;
  for (let at = pos + 1; at < doc.content.size; at++) {
    if (doc.resolve(at).parent.isTextblock) {
      return spanProblem(doc, pos, at) === null ? at - pos : 0;
    }
  }
  return 0;
}

/**
 * Whether a draft (after others' edits moved it) is still on words of one paragraph, or on
 * a stretch across paragraphs that a suggestion may change.
 */
const stillPlaced = (doc: PmNode, draft: Draft) =>
  draft.from >= 0 &&
  draft.to <= doc.content.size &&
  doc.resolve(draft.from).parent.isTextblock &&
  (doc.resolve(draft.from).sameParent(doc.resolve(draft.to)) ||
    spanProblem(doc, draft.from, draft.to) === null);

/**
 * A draft as the comments API takes it, with what it would do in words; a problem when it
 * cannot be sent as it is (others' edits may have changed its paragraph meanwhile); null
 * when it would change nothing.
 */
function asSuggestion(
  state: EditorState,
  draft: Draft,
): { typed: TypedSuggestion; what: string } | { problem: string } | null {
  const range = suggestionBetween(state, draft.from, draft.to);
  if ('problem' in range) return range;
  if (range.quote === draft.text) return null;
  return {
    typed: { anchor: { start: range.start, end: range.end }, quote: range.quote, text: draft.text },
    what: describe(draft, range.quote),
  };
}

/**
 * What sending a draft does, in words and as a call to the page: a new suggestion, the
 * revision of one's own that it continues, or that one's withdrawal when nothing is left of
 * it; a problem when it cannot be sent as it is; null when there is nothing to send.
 */
function outgoing(
  state: EditorState,
  draft: Draft,
):
  | { go: (to: SuggestingHandlers) => Promise<void>; what: string; done: string }
  | { problem: string }
  | null {
  const suggestion = asSuggestion(state, draft);
  const revision = draft.revises;
  if (suggestion && 'problem' in suggestion) return suggestion;
  if (!revision) {
    if (!suggestion) return null;
    return {
      go: (to) => to.send(suggestion.typed),
      what: suggestion.what,
      done: `Suggestion sent: ${suggestion.what}. It is in Comments, beside the document.`,
    };
  }
  if (!suggestion) {
    return {
      go: (to) => to.withdraw(revision),
      what: 'withdraw your suggestion',
      done: 'Your suggestion was taken back to nothing, so it was withdrawn.',
    };
  }
  const { typed, what } = suggestion;
  // Taken up and left as it was: nothing to change.
  if (typed.quote === revision.was.quote && typed.text === revision.was.text) return null;
  return {
    go: (to) => to.revise(revision, typed),
    what,
    done: `Your suggestion now reads: ${what}. It is in Comments, beside the document.`,
  };
}

const describe = (draft: Draft, quote: string) =>
  quote === ''
    ? `add “${draft.text}”`
    : draft.text === ''
      ? quote === PARAGRAPH_BREAK
        ? 'join two paragraphs'
        : `delete “${spokenQuote(quote)}”`
      : quote === PARAGRAPH_BREAK
        ? `join two paragraphs with “${draft.text}”`
        : `replace “${spokenQuote(quote)}” with “${draft.text}”`;

/**
 * Suggesting mode, as in Google Docs: what the person types, deletes or pastes does not
 * change the document; it is drawn over it as a suggestion (struck-out words, the new words
 * after them) and sent as a suggested edit when they press Enter, move the caret away,
 * leave the editor or turn the mode off. Escape discards it. Others' edits still arrive and
 * the draft follows them. Works for commenters, who cannot edit, and for editors who want
 * their change decided by others.
 */
export const SuggestingMode = Extension.create<
  Record<string, never>,
  { handlers: SuggestingHandlers | null }
>({
  name: 'suggestingMode',
  // Before the keymaps, so Backspace, Delete and Enter reach the draft first.
  priority: 1_000,
  addStorage() {
    return { handlers: null };
  },
  addProseMirrorPlugins() {
    const storage = this.storage;
    return [suggestingPlugin(() => storage.handlers)];
  },
});

declare module '@tiptap/core' {
  interface Storage {
    suggestingMode: { handlers: SuggestingHandlers | null };
  }
}

export function suggestingPlugin(handlers: () => SuggestingHandlers | null): Plugin {
  let nextId = 1;
  /** The widget an input method composes in, while it does (see `compositionstart`). */
  let composingDom: HTMLElement | null = null;
  // The last handlers seen: the page may let go of them just before the editor is
  // destroyed, and a draft typed until then is still sent (see `destroy`).
  let last: SuggestingHandlers | null = null;
  const current = () => {
    last = handlers() ?? last;
    return last;
  };
  const say = (message: string) => current()?.say(message);

  const setDraft = (view: EditorView, draft: Draft | null) => {
    const tr = view.state.tr.setMeta(suggestingKey, {
      type: 'draft',
      draft,
    } satisfies SuggestingMeta);
    if (draft) tr.setSelection(TextSelection.create(tr.doc, draft.to)).scrollIntoView();
    view.dispatch(tr);
  };

  const change = (view: EditorView, result: DraftChange) => {
    if (result.edge) {
      say(
        result.edge === 'start'
          ? 'A suggestion cannot join this paragraph to what is before it (the start of the document, a table, a list or a structured block).'
          : 'A suggestion cannot join this paragraph to what is after it (the end of the document, a table, a list or a structured block).',
      );
      return;
    }
    setDraft(view, result.draft);
  };

  /**
   * Sends a finished draft (the one being typed unless said otherwise); it stays drawn,
   * as being sent, until it is listed with the other suggestions.
   */
  const send = (view: EditorView, finished?: Draft) => {
    const draft = finished ?? suggestingKey.getState(view.state)?.draft;
    const to = current();
    if (!draft || !to || view.isDestroyed) return;
    const suggestion = outgoing(view.state, draft);
    if (!suggestion || 'problem' in suggestion) {
      if (!finished) setDraft(view, null);
      // It cannot be sent as it is: said in full, so the words can be typed again.
      if (suggestion) {
        say(`${suggestion.problem} Your suggestion was not sent; its words were: “${draft.text}”.`);
      }
      return;
    }
    const id = nextId++;
    const { what, done } = suggestion;
    view.dispatch(
      view.state.tr.setMeta(suggestingKey, {
        type: 'sent',
        sending: { ...draft, id },
        wasTyped: !finished,
      } satisfies SuggestingMeta),
    );
    const finish = () => {
      if (view.isDestroyed) return null;
      const sent = suggestingKey.getState(view.state)?.sending.find((s) => s.id === id) ?? null;
      view.dispatch(
        view.state.tr.setMeta(suggestingKey, { type: 'answered', id } satisfies SuggestingMeta),
      );
      return sent;
    };
    suggestion
      .go(to)
      .then(() => {
        finish();
        say(done);
      })
      .catch((error: unknown) => {
        const sent = finish();
        const reason = error instanceof Error ? error.message : 'It could not be sent.';
        // Nothing typed is lost: back as the draft (where it now is), or said in full. A
        // revision is said in full: the suggestion it continued may have been decided.
        if (
          sent &&
          !sent.revises &&
          view.hasFocus() &&
          !suggestingKey.getState(view.state)?.draft
        ) {
          setDraft(view, { from: sent.from, to: sent.to, text: sent.text });
          say(
            `Your suggestion to ${what} was not sent: ${reason} It is still here: press Enter to try again, or Escape to discard it.`,
          );
        } else {
          say(
            `Your suggestion to ${what} was not sent: ${reason} Copy the words from here if you need them.`,
          );
        }
      });
  };

  return new Plugin<SuggestingState>({
    key: suggestingKey,
    state: {
      init: () => ({ on: false, draft: null, sending: [], dropped: null, composing: null }),
      apply(tr, value) {
        let next = value;
        if (tr.docChanged && (value.draft || value.sending.length > 0 || value.composing)) {
          const narrowed = isRemoteChange(tr) ? remoteChangeMapping(tr.before, tr.doc) : null;
          // A remote change the binding could not narrow (blocks moved) maps as one
          // replacement of everything: its "deleted" says nothing about the draft's place.
          const exact = !isRemoteChange(tr) || narrowed !== null;
          const mapping = narrowed ?? tr.mapping;
          const map = (pos: number, assoc: -1 | 1) => mapping.map(pos, assoc);
          // Its place deleted by someone (the words around a place to add words, or the
          // words to change and what surrounds them), or its paragraph merged away: it has
          // no place left, and is said instead of being moved somewhere else.
          const before = next.draft;
          const around = before ? mapping.mapResult(before.from, -1) : null;
          const gone =
            exact &&
            before !== null &&
            around !== null &&
            (before.from === before.to
              ? around.deletedBefore && around.deletedAfter
              : mapping.mapResult(before.from, 1).deleted &&
                mapping.mapResult(before.to, -1).deleted);
          const draft = before ? mapDraft(before, map) : null;
          const placed = draft === null || (!gone && stillPlaced(tr.doc, draft));
          next = {
            ...next,
            draft: placed ? draft : null,
            dropped: placed ? next.dropped : (draft?.text ?? null),
            sending: next.sending
              .map((s) => ({ ...mapDraft(s, map), id: s.id }))
              .filter((s) => stillPlaced(tr.doc, s)),
            composing: next.composing
              ? {
                  ...next.composing,
                  ...mapComposition(next.composing, map),
                  // Its draft's place went (said above): a cancelled composition does not
                  // bring that draft back, and committed words are said, not placed.
                  ...(placed
                    ? {}
                    : {
                        before: null,
                        refused:
                          next.composing.refused ??
                          'Someone deleted the words your suggestion was on, so these could not be suggested there.',
                      }),
                }
              : null,
          };
        }
        const meta = tr.getMeta(suggestingKey) as SuggestingMeta | undefined;
        switch (meta?.type) {
          case 'mode':
            // Turned off, the draft is sent (by the view's update, which sees it before).
            return { ...next, on: meta.on, draft: null, composing: null };
          case 'draft':
            return { ...next, draft: meta.draft };
          case 'composing':
            return { ...next, draft: meta.draft, composing: meta.composing };
          case 'composed-text':
            return next.composing
              ? { ...next, composing: { ...next.composing, text: meta.text } }
              : next;
          case 'sent':
            return {
              ...next,
              draft: meta.wasTyped ? null : next.draft,
              sending: [...next.sending, meta.sending],
            };
          case 'answered':
            return { ...next, sending: next.sending.filter((s) => s.id !== meta.id) };
          case 'dropped-said':
            return { ...next, dropped: null };
          default:
            return next;
        }
      },
    },
    // A suggestion being revised is drawn as the draft, not also by the comments.
    appendTransaction(_trs, _before, state) {
      const ids = revising(suggestingKey.getState(state));
      const hidden = commentAnchorsKey.getState(state)?.hidden;
      if (!hidden || (hidden.size === ids.size && [...ids].every((id) => hidden.has(id)))) {
        return null;
      }
      return hideSuggestions(state.tr, ids);
    },
    // Nothing the person does changes the document while they suggest (others' edits do).
    filterTransaction(tr, state) {
      const value = suggestingKey.getState(state);
      if (!value?.on) return true;
      // While an input method composes, the caret stays at the composition's place: what
      // the editor reads of the page's caret then is the widget's edge, not a move.
      if (value.composing && tr.selectionSet && !tr.getMeta(suggestingKey) && !isRemoteChange(tr)) {
        return false;
      }
      return !tr.docChanged || isRemoteChange(tr);
    },
    props: {
      decorations(state) {
        const value = suggestingKey.getState(state);
        if (!value || (!value.draft && value.sending.length === 0 && !value.composing)) {
          return null;
        }
        const decorations: Decoration[] = [];
        const composing = value.composing;
        const dom = composingDom;
        if (composing && dom) {
          // Its key stays the same while it lasts, so every redraw (others' edits arriving)
          // keeps this element, and the words the input method is composing in it.
          decorations.push(
            Decoration.widget(composing.at, () => dom, {
              side: COMPOSING_SIDE,
              key: `composing:${composing.id}`,
              raw: true,
              ignoreSelection: true,
            }),
          );
        }
        const drafts = [...value.sending, ...(value.draft ? [value.draft] : [])];
        for (const d of drafts) {
          const sending = d !== value.draft;
          if (d.to > d.from) {
            decorations.push(
              Decoration.widget(d.from, () => suggestionMarker('deletion'), {
                side: 1,
                key: 'draft-deletion',
                ignoreSelection: true,
              }),
            );
            decorations.push(
              ...paragraphBreakDecorations(state.doc, d.from, d.to, 'draft'),
              Decoration.inline(d.from, d.to, {
                class: 'comment-anchor--suggestion suggestion-draft',
                title: sending
                  ? 'Your suggestion, being sent: these words struck out'
                  : 'Your suggestion: these words struck out (Enter sends it, Escape discards it)',
              }),
            );
          }
          if (d.text) {
            decorations.push(
              Decoration.widget(d.to, () => suggestionMarker('addition'), {
                side: -1,
                key: 'draft-addition',
                ignoreSelection: true,
              }),
              Decoration.widget(
                d.to,
                () => {
                  const ins = insertedWords(d.text, false, true);
                  ins.classList.add('suggestion-insert--draft');
                  ins.title = sending
                    ? `Your suggested words, being sent: “${d.text}”`
                    : `Your suggested words: “${d.text}” (Enter sends them, Escape discards them)`;
                  return ins;
                },
                { side: -1, key: `draft:${sending}:${d.text}`, ignoreSelection: true },
              ),
            );
          }
        }
        return DecorationSet.create(state.doc, decorations);
      },
      handleKeyDown(view, event) {
        const value = suggestingKey.getState(view.state);
        // An input method's keys are its own (229: a key it took, as Safari's Enter that
        // confirms a word just after the composition ends).
        if (!value?.on || event.isComposing || view.composing || event.keyCode === 229) {
          return false;
        }
        const { draft } = value;
        const caret: Caret = view.state.selection;
        switch (event.key) {
          case 'Escape':
            if (!draft) return false;
            setDraft(view, null);
            say(
              draft.revises
                ? 'Your changes to your suggestion were discarded: it is as it was.'
                : 'Your suggestion was discarded.',
            );
            return true;
          case 'Enter':
            if (draft) send(view);
            else {
              say(
                'Enter cannot suggest a new paragraph (a suggestion can delete paragraph breaks, not add them). Say in a comment where a new paragraph should go.',
              );
            }
            return true;
          case 'Backspace':
          case 'Delete': {
            const taken = draft ?? continued(view.state, caret);
            const problem = taken ? null : suggestionProblem(view.state.doc, caret.from, caret.to);
            if (problem) {
              say(problem);
              return true;
            }
            const doc = view.state.doc;
            change(
              view,
              event.key === 'Backspace'
                ? backspaceAcross(
                    taken,
                    caret,
                    (pos) => widthBefore(doc, pos),
                    (pos) => breakBefore(doc, pos),
                  )
                : forwardDeleteAcross(
                    taken,
                    caret,
                    (pos) => widthAfter(doc, pos),
                    (pos) => breakAfter(doc, pos),
                  ),
            );
            return true;
          }
          default:
            // Formatting, undo and the like would change the document: say so, not silence.
            if ((event.ctrlKey || event.metaKey) && /^[biuzy]$/i.test(event.key)) {
              say('In suggesting mode only words can be suggested, not formatting or undo.');
              return true;
            }
            return false;
        }
      },
      handleTextInput(view, from, to, text) {
        const value = suggestingKey.getState(view.state);
        if (!value?.on) return false;
        // Not an input method's words (see compositionstart): the document keeps its own.
        if (!view.composing && !value.composing) typeAt(view, { from, to }, text);
        return true;
      },
      handlePaste(view, _event, slice) {
        if (!isSuggesting(view.state)) return false;
        const text = pastedWords(slice.content.textBetween(0, slice.content.size, '\n', '\n'));
        const { from, to } = view.state.selection;
        if (text) typeAt(view, { from, to }, text);
        return true;
      },
      handleDrop(view) {
        if (!isSuggesting(view.state)) return false;
        say('In suggesting mode, copy and paste words instead of dragging them.');
        return true;
      },
      handleDOMEvents: {
        // Typed characters are taken before the browser puts them in the text, so the
        // text on screen stays the document's.
        beforeinput(view, event) {
          // Composing in the widget: the input method's own (its deletions too). Handled
          // here, so ProseMirror's Android fallback, which sees no change in the document
          // after a deletion and fakes a Backspace with a blur, never runs.
          if (suggestingKey.getState(view.state)?.composing) return true;
          if (!isSuggesting(view.state) || event.isComposing || view.composing) return false;
          if (event.inputType !== 'insertText' && event.inputType !== 'insertReplacementText') {
            return false;
          }
          const words = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
          event.preventDefault();
          // A spelling correction says which word it replaces, wherever the caret is.
          const target = event.getTargetRanges()[0];
          let at: Caret = view.state.selection;
          if (event.inputType === 'insertReplacementText' && target) {
            try {
              at = {
                from: view.posAtDOM(target.startContainer, target.startOffset),
                to: view.posAtDOM(target.endContainer, target.endOffset),
              };
            } catch {
              // Not in the editor's text: at the caret.
            }
          }
          if (typedWords(words)) typeAt(view, at, typedWords(words));
          return true;
        },
        /*
         * Words from an input method (Japanese, Chinese or Korean input, an accent picker,
         * and a phone keyboard's word suggestions, which compose every Latin word): the
         * input method writes them into the page and rewrites them as it composes, before
         * anyone can take them. Left in the document's text, ProseMirror would read them
         * as an edit (refused here, leaving the page and the document apart until a
         * redraw broke the composition). So the composition gets a place of its own: an
         * editable widget at the draft's end, holding the caret. ProseMirror ignores what
         * happens inside a widget (its mutations, and with `ignoreSelection` the caret in
         * it), draws nothing of it into the document, and leaves the caret there on
         * redraws because the caret at the widget's end is where the editor's own caret
         * is. The words become the draft's when the composition ends.
         */
        compositionstart(view) {
          if (!isSuggesting(view.state)) return false;
          beginComposition(view);
          // ProseMirror's own composition handling is for words written in its text.
          return true;
        },
        compositionupdate(view, event) {
          const composing = suggestingKey.getState(view.state)?.composing;
          if (!composing) return false;
          const text = event.data ?? '';
          if (text !== composing.text) {
            view.dispatch(
              view.state.tr.setMeta(suggestingKey, {
                type: 'composed-text',
                text,
              } satisfies SuggestingMeta),
            );
          }
          return true;
        },
        compositionend(view, event) {
          if (!suggestingKey.getState(view.state)?.composing) return false;
          const words = event.data ?? '';
          // Taken only if the input method composed them in the widget: one that composes
          // words already in the text (some phone keyboards re-open the word before the
          // caret) would have them taken twice, and the document's copy is redrawn.
          const shown = composingDom?.textContent?.replace(CARET_PLACE, '') ?? '';
          finishComposition(view, words, shown === words);
          return true;
        },
        keydown(view, event) {
          const composing = suggestingKey.getState(view.state)?.composing;
          if (!composing) return false;
          // While composing, keys are the input method's: no keymap (Enter, Backspace) may
          // act on them (ProseMirror's own guard is off, its composition not being used).
          if (event.isComposing || event.keyCode === 229) return true;
          // A key that is not the input method's: its composition ended without saying so
          // (browsers may end one silently when its element is redrawn). Its words are
          // taken as shown, and the key does what it does.
          finishComposition(view, composing.text, true);
          return false;
        },
        blur(view) {
          // Leaving the editor (to the comments, or anywhere) finishes the suggestion, and
          // a composition under way with the words it shows.
          const composing = suggestingKey.getState(view.state)?.composing;
          if (composing) finishComposition(view, composing.text, true);
          send(view);
          return false;
        },
      },
    },
    view(view) {
      // Leaving the page with a suggestion being typed asks first (as for a form).
      const onLeave = (event: BeforeUnloadEvent) => {
        const value = suggestingKey.getState(view.state);
        if (draftWithComposition(value) || value?.sending.length) event.preventDefault();
      };
      window.addEventListener('beforeunload', onLeave);
      return {
        update(_view, previous) {
          const before = suggestingKey.getState(previous);
          const value = suggestingKey.getState(view.state);
          if (value?.composing && composingDom && !composingDom.isConnected) {
            // Its widget left the page (its paragraph was redrawn): the input method lost
            // its place, so the composition ends with the words it showed.
            finishComposition(view, value.composing.text, true);
            return;
          }
          if (value?.composing) keepCaretComposing(view);
          // Kept while a draft exists, for `destroy` (the page may let go of them first).
          if (value?.draft) current();
          if (value?.dropped) {
            const words = value.dropped;
            view.dispatch(
              view.state.tr.setMeta(suggestingKey, {
                type: 'dropped-said',
              } satisfies SuggestingMeta),
            );
            say(
              `Someone deleted the words your suggestion was on, so it was not sent; its words were: “${words}”.`,
            );
            return;
          }
          // Turned off while typing one (or composing its words): it is finished.
          const typedBefore = before?.on && !value?.on ? draftWithComposition(before) : null;
          if (typedBefore) {
            composingDom = null;
            send(view, typedBefore);
            return;
          }
          if (before?.on && !value?.on) composingDom = null;
          const draft = value?.draft;
          if (!draft) return;
          const { from, to } = view.state.selection;
          // The caret moved away from the draft's end: it is finished.
          if (from !== draft.to || to !== draft.to) send(view);
        },
        destroy() {
          window.removeEventListener('beforeunload', onLeave);
          // The editor is being rebuilt or left (the document closed, the page changed):
          // what was being typed is sent rather than lost.
          const draft = draftWithComposition(suggestingKey.getState(view.state));
          const to = current();
          if (!draft || !to) return;
          const suggestion = outgoing(view.state, draft);
          if (!suggestion || 'problem' in suggestion) return;
          const { what, done } = suggestion;
          suggestion.go(to).then(
            () => say(done),
            (error: unknown) =>
              say(
                `Your suggestion to ${what} was not sent: ${error instanceof Error ? error.message : 'it could not be sent.'} Copy the words from here if you need them.`,
              ),
          );
        },
      };
    },
  });

  function typeAt(view: EditorView, at: Caret, text: string) {
    let draft = suggestingKey.getState(view.state)?.draft ?? null;
    if (draft && (at.from !== draft.to || at.to !== draft.to)) {
      // Typed somewhere else: the one being typed is finished, and a new one starts.
      send(view);
      draft = null;
    }
    draft ??= continued(view.state, at);
    const problem = draft ? null : suggestionProblem(view.state.doc, at.from, at.to);
    if (problem) {
      say(problem);
      return;
    }
    change(view, typeWords(draft, at, text));
  }

  /**
   * A composition begins: it goes after the draft's words (a selection is struck out and
   * it goes after it), in a widget of its own that takes the caret before the input method
   * writes anything.
   */
  function beginComposition(view: EditorView) {
    // Where the caret is now, not where it was last reported (as ProseMirror does).
    readPendingInput(view);
    const value = suggestingKey.getState(view.state);
    if (!value) return;
    const caret: Caret = view.state.selection;
    let current = value.draft;
    if (current && (caret.from !== current.to || caret.to !== current.to)) {
      send(view);
      current = null;
    }
    const taken = current ?? continued(view.state, caret);
    const refused = taken ? null : suggestionProblem(view.state.doc, caret.from, caret.to);
    // Where its words cannot go, it is still drawn apart (at the caret's end), and its
    // words are said with the reason when it ends.
    const { draft, composition } = refused
      ? { draft: current, composition: { at: caret.to, text: '', before: current } }
      : startComposition(taken, caret, current);
    const dom = document.createElement('span');
    dom.className = 'suggestion-composing';
    dom.title = 'Your words being composed: they join your suggestion when you finish them';
    const place = document.createTextNode(CARET_PLACE);
    dom.append(place);
    composingDom = dom;
    view.dispatch(
      view.state.tr
        .setSelection(TextSelection.create(view.state.doc, composition.at))
        .setMeta(suggestingKey, {
          type: 'composing',
          draft,
          composing: { ...composition, id: nextId++, refused },
        } satisfies SuggestingMeta),
    );
    // The caret into the widget, after its place holder: the input method writes there.
    if (dom.isConnected) dom.ownerDocument.getSelection()?.collapse(place, CARET_PLACE.length);
  }

  /**
   * Redrawing the paragraph (others' edits or carets arriving) may put the page's caret
   * back at the editor's own position, just after the widget: the input method would then
   * write its next words in the document's text. It goes back to the end of the composed
   * words, where the input method left it.
   */
  function keepCaretComposing(view: EditorView) {
    const dom = composingDom;
    const selection = dom?.ownerDocument.getSelection();
    if (!dom?.isConnected || !selection || !view.hasFocus()) return;
    if (selection.focusNode && dom.contains(selection.focusNode)) return;
    const text = dom.lastChild;
    if (text) selection.collapse(text, text.textContent?.length ?? 0);
  }

  /**
   * A composition ends with `words` (nothing when cancelled): they join the draft, unless
   * they could not go there (said, with the words) or were not composed in its widget.
   */
  function finishComposition(view: EditorView, words: string, inWidget: boolean) {
    const value = suggestingKey.getState(view.state);
    const composing = value?.composing;
    if (!value || !composing) return;
    composingDom = null;
    const typed = typedWords(words);
    const problem = !typed
      ? null
      : (composing.refused ??
        (inWidget
          ? null
          : 'Words from this input method could not be suggested here (it composed them in the document’s own text).'));
    const result: DraftChange = problem
      ? { draft: composing.before }
      : endComposition(value.draft, composing, words);
    const tr = view.state.tr.setMeta(suggestingKey, {
      type: 'composing',
      draft: result.draft,
      composing: null,
    } satisfies SuggestingMeta);
    // The caret after the words, where typing goes on.
    tr.setSelection(TextSelection.create(tr.doc, result.draft?.to ?? composing.at));
    view.dispatch(tr);
    if (problem) say(`${problem} Your words were: “${typed}”.`);
  }
}

/**
 * A draft continuing the person's own open suggestion when they type at its place (where
 * its words are drawn): merged into it when sent, as Google Docs does.
 */
function continued(state: EditorState, at: Caret): Draft | null {
  if (at.from !== at.to) return null;
  const own = ownSuggestionAt(state, at.from);
  return own ? { from: own.from, to: own.to, text: own.text, revises: own.revises } : null;
}

/** The ids of the suggestions being revised (typed or on their way), drawn as drafts. */
function revising(value: SuggestingState | undefined): Set<string> {
  const ids = new Set<string>();
  for (const d of [...(value?.sending ?? []), value?.draft]) {
    if (d?.revises) ids.add(d.revises.id);
  }
  return ids;
}

/** Turns suggesting mode on or off; turning it off sends what was being typed. */
export function setSuggesting(view: EditorView, on: boolean): void {
  if (isSuggesting(view.state) === on) return;
  view.dispatch(
    view.state.tr.setMeta(suggestingKey, { type: 'mode', on } satisfies SuggestingMeta),
  );
}
