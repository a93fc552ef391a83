import { Extension } from '@tiptap/core';
import { type EditorState, Selection, TextSelection } from '@tiptap/pm/state';

/**
 * The selection after Ctrl+Home or Ctrl+End (with Shift: extended from its anchor), or
 * null where there is nothing to do.
 *
 * The editor moves the caret itself rather than leaving the keys to the browser. When the
 * last paragraph ends with someone else's caret (a non-editable marker, as after they typed
 * at the end), Chrome put its caret at the *start* of that paragraph: Enter then split it
 * at its start and a paste went into the middle of their text.
 */
export function documentEndSelection(
  state: EditorState,
  end: 'start' | 'end',
  extend: boolean,
): Selection | null {
  const { doc, selection } = state;
  const target = end === 'end' ? Selection.atEnd(doc) : Selection.atStart(doc);
  if (!extend) return selection.eq(target) ? null : target;
  // A node selection (a table or a rule at the very end) cannot be extended as text.
  if (!(target instanceof TextSelection)) return target;
  // `between` finds text positions even when the anchor is not in text (a selected rule,
  // table cells, everything selected).
  const extended = TextSelection.between(selection.$anchor, target.$head);
  return selection.eq(extended) ? null : extended;
}

const isApple =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad|iPod/.test(navigator.userAgent);

/**
 * Ctrl+Home and Ctrl+End, with and without Shift, handled by the editor. On Apple devices
 * "Mod" is ⌘: ⌘Home and ⌘End, plus ⌘↑ and ⌘↓, their usual keys for these moves (Ctrl+Home
 * there is left to the browser). Elsewhere Ctrl+↑ and Ctrl+↓ move by paragraph and are
 * left to the browser.
 */
export const DocumentEnds = Extension.create({
  name: 'documentEnds',
  addKeyboardShortcuts() {
    const move = (end: 'start' | 'end', extend: boolean) => () => {
      const { view } = this.editor;
      const next = documentEndSelection(view.state, end, extend);
      // Already there: the key is still handled, so the browser does not move the caret.
      if (next) view.dispatch(view.state.tr.setSelection(next).scrollIntoView());
      return true;
    };
    const keys: Record<string, () => boolean> = {
      'Mod-Home': move('start', false),
      'Mod-End': move('end', false),
      'Shift-Mod-Home': move('start', true),
      'Shift-Mod-End': move('end', true),
    };
    if (isApple) {
      keys['Mod-ArrowUp'] = move('start', false);
      keys['Mod-ArrowDown'] = move('end', false);
      keys['Shift-Mod-ArrowUp'] = move('start', true);
      keys['Shift-Mod-ArrowDown'] = move('end', true);
    }
    return keys;
  },
});
