import type { Editor } from '@tiptap/react';
import { useCallback, useSyncExternalStore } from 'react';

/**
 * Whether a structured block's own fields and controls may change it: the editor takes
 * edits, the content is not read-only for this person, and they are not suggesting (only
 * words of the text are suggested). Followed on every transaction (suggesting turning on
 * or off) and every update (the editor made editable or not), so a block redraws then: a
 * node view is otherwise redrawn only when its node changes.
 */
export function useBlockEditable(editor: Editor): boolean {
  const subscribe = useCallback(
    (changed: () => void) => {
      editor.on('transaction', changed);
      editor.on('update', changed);
      return () => {
        editor.off('transaction', changed);
        editor.off('update', changed);
      };
    },
    [editor],
  );
  return useSyncExternalStore(
    subscribe,
    () => editor.isEditable && !editor.storage.readOnlyContent?.locked(),
  );
}
