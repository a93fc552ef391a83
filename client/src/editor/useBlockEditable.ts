import { type Editor, useEditorState } from '@tiptap/react';

/**
 * Whether a structured block's own fields and controls may change it: the editor takes
 * edits, the content is not read-only for this person, and they are not suggesting (only
 * words of the text are suggested). Followed on every transaction, so a block redraws when
 * suggesting turns on or off (a node view is redrawn only when its node changes).
 */
export function useBlockEditable(editor: Editor): boolean {
  return useEditorState({
    editor,
    selector: ({ editor: e }) => e.isEditable && !e.storage.readOnlyContent?.locked(),
  });
}
