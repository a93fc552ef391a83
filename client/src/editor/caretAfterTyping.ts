import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';

/** A collapsed caret or a range, as positions in the document. */
interface Span {
  from: number;
  to: number;
}

/**
 * Where the caret belongs after text was typed at a caret, or null to keep what the
 * browser reported.
 *
 * ProseMirror lets the browser insert typed text and then reads the DOM back, caret
 * included. Chrome sometimes leaves its caret *before* the character it just inserted
 * when it is typed into a new, empty paragraph within a few milliseconds of pressing
 * Enter (seen in its "input" event: the caret at offset 0, the new text after it).
 * ProseMirror then puts the caret there too, and the rest of the word is typed in front of its first letter
 * ("C1xyz" became "1xyzC"). Typing at a caret always leaves the caret after the typed
 * text, so when the reported caret sits at the start of text typed at a caret, it is
 * moved to the end. A range being replaced, and IME composition (where the caret can
 * legitimately sit inside the composed text), are left as reported.
 */
export function caretAfterTypedText(
  before: Span,
  insertedAt: Span,
  text: string,
  reported: Span,
  composing: boolean,
): number | null {
  const typedAtCaret =
    before.from === before.to &&
    insertedAt.from === insertedAt.to &&
    before.from === insertedAt.from;
  const caretLeftBehind = reported.from === reported.to && reported.from === insertedAt.from;
  if (composing || text.length === 0 || !typedAtCaret || !caretLeftBehind) return null;
  return insertedAt.from + text.length;
}

const caretAfterTypingKey = new PluginKey('caretAfterTyping');

/**
 * Keeps the caret after typed text (see `caretAfterTypedText`). Its priority is the
 * lowest, so every input rule (lists from "- ", links, ...) sees the text first and this
 * applies only to plain typing.
 */
export const CaretAfterTyping = Extension.create({
  name: 'caretAfterTyping',
  priority: 1,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: caretAfterTypingKey,
        props: {
          handleTextInput(view, from, to, text, typeText) {
            const tr = typeText();
            const caret = caretAfterTypedText(
              view.state.selection,
              { from, to },
              text,
              tr.selection,
              // A composition that has just ended still marks its last transaction.
              view.composing || tr.getMeta('composition') !== undefined,
            );
            if (caret === null || caret > tr.doc.content.size) return false;
            view.dispatch(tr.setSelection(TextSelection.create(tr.doc, caret)));
            return true;
          },
        },
      }),
    ];
  },
});
