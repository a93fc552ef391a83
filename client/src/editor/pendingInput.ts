import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/** The part of ProseMirror's (internal) DOM observer used here. */
interface DomObserver {
  flush(): void;
}

/**
 * Reads into the editor state whatever the browser has already done but not yet
 * reported: a caret moved by End, an arrow key or a click, whose "selectionchange" event
 * is still queued. Call it before applying a change that did not come from this person's
 * input (a remote edit, a remote caret, a redraw of the author view).
 *
 * ProseMirror draws every state it is given, caret included. A remote edit applied
 * between a key's caret move and its selectionchange event drew the old caret back, and
 * the next keystroke landed where the caret had been: Enter pressed just after End split
 * the line before its last word. The observer's flush is what ProseMirror itself runs on
 * selectionchange; it is internal API, so a missing observer is simply skipped.
 *
 * Call it only from a task of its own (an event, a timer, a message), never from inside a
 * ProseMirror dispatch or a Yjs transaction: what it reads may be an edit, and the binding
 * drops edits made while it is itself applying one.
 */
export function readPendingInput(view: EditorView): void {
  if (view.isDestroyed || !view.hasFocus()) return;
  const observer = (view as unknown as { domObserver?: Partial<DomObserver> }).domObserver;
  observer?.flush?.();
}

/**
 * Reads pending input before every key is handled. A key the browser handles itself
 * (Home, End, arrows) moves the caret in the page at once, but Chrome reports it with
 * "selectionchange" up to a frame or more later, so Enter pressed just after Home split
 * the line where the caret had been. The highest priority makes this run before every
 * keymap. IME composition is left alone: its keys belong to the composition.
 */
export const ReadPendingInput = Extension.create({
  name: 'readPendingInput',
  priority: 100_000,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('readPendingInput'),
        props: {
          handleKeyDown(view, event) {
            // Only real keys: ProseMirror sends itself synthetic ones (an Enter the mobile
            // keyboard made) from inside its own read of the page, which must not nest.
            if (
              !event.isTrusted ||
              view.composing ||
              event.isComposing ||
              event.key === 'Process'
            ) {
              return false;
            }
            readPendingInput(view);
            return false;
          },
        },
      }),
    ];
  },
});
