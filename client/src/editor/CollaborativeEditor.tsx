import type { DocumentKind } from '@chorus/shared';
import type { EditorState } from '@tiptap/pm/state';
import { type Editor, EditorContent, useEditor } from '@tiptap/react';
import { memo, useEffect, useRef } from 'react';
import type { DocumentConnection } from '../sync/connectDocument.ts';
import { AuthorshipExtension } from './authorship/AuthorshipExtension.ts';
import { AuthorView } from './authorship/AuthorView.tsx';
import { CommentAnchors } from './comments/commentAnchors.ts';
import { ReadOnlyContent } from './comments/readOnlyContent.ts';
import { type CaretUser, editorExtensions } from './extensions.ts';
import { readPendingInput } from './pendingInput.ts';
import { isSuggesting, SuggestingMode } from './suggesting/suggestingMode.ts';
import { Toolbar } from './Toolbar.tsx';

interface CollaborativeEditorProps {
  connection: DocumentConnection;
  user: CaretUser;
  editable: boolean;
  /**
   * May move a caret and select text without editing (commenters): the content stays
   * read-only, but text can be chosen with the keyboard to comment on.
   */
  navigable?: boolean;
  /** Called with the editor once it exists (the comments beside it need it). */
  onEditor?: (editor: Editor) => void;
  /** The document's kind: the toolbar offers the structured blocks it uses. */
  kind?: DocumentKind;
}

/** In suggesting mode the text takes typing (as suggestions), and looks it. */
function editorAttributes(editable: boolean): (state: EditorState) => Record<string, string> {
  return (state) => {
    const suggesting = isSuggesting(state);
    return {
      class: suggesting ? 'editor__content editor__content--suggesting' : 'editor__content',
      role: 'textbox',
      'aria-label': suggesting ? 'Document content, suggesting' : 'Document content',
      'aria-multiline': 'true',
      'aria-readonly': String(!editable && !suggesting),
    };
  };
}

/**
 * The Tiptap editor bound to one connection's Y.Doc. Render it with `key` set to the
 * connection so a new connection always gets a new editor (never a rebind).
 *
 * Memoised: Tiptap's `useEditor` hands its options to the editor on every render, and
 * that update makes the Yjs binding compare the whole document with the Y.Doc. The page
 * around it re-renders on every save confirmation and presence change.
 */
export const CollaborativeEditor = memo(
  CollaborativeEditorView,
  (a, b) =>
    a.connection === b.connection &&
    a.editable === b.editable &&
    a.navigable === b.navigable &&
    a.onEditor === b.onEditor &&
    a.kind === b.kind &&
    a.user.name === b.user.name &&
    a.user.color === b.user.color &&
    a.user.role === b.user.role,
);

function CollaborativeEditorView({
  connection,
  user,
  editable,
  navigable = false,
  onEditor,
  kind,
}: CollaborativeEditorProps) {
  const locked = useRef(!editable);
  locked.current = !editable;
  // Structured blocks' own fields are read-only while suggesting too: only words of the
  // text are suggested, and the mode refuses every other change (the blocks are redrawn
  // when it turns on or off, see suggestingMode.ts).
  const built = useRef<Editor | null>(null);
  const editor = useEditor({
    // The author view draws nothing until it is switched on.
    extensions: [
      ...editorExtensions(connection, user),
      AuthorshipExtension,
      CommentAnchors,
      ReadOnlyContent.configure({
        locked: () => locked.current || (built.current ? isSuggesting(built.current.state) : false),
      }),
      SuggestingMode,
    ],
    editable: editable || navigable,
    // Content comes only from the Y.Doc; the server seeded the template.
    editorProps: { attributes: editorAttributes(editable) },
    shouldRerenderOnTransaction: false,
  });
  built.current = editor;

  // A remote edit or caret must not redraw a caret the browser has moved but not yet
  // reported (see readPendingInput).
  useEffect(
    () => connection.beforeRemoteMessage(() => readPendingInput(editor.view)),
    [connection, editor],
  );

  useEffect(() => onEditor?.(editor), [editor, onEditor]);

  useEffect(() => {
    if (editor.isDestroyed) return;
    if (editor.isEditable !== (editable || navigable)) editor.setEditable(editable || navigable);
    editor.setOptions({ editorProps: { attributes: editorAttributes(editable) } });
  }, [editor, editable, navigable]);

  return (
    <>
      <AuthorView editor={editor} connection={connection} />
      <div className="editor">
        <Toolbar editor={editor} editable={editable} kind={kind} />
        <EditorContent editor={editor} className="editor__frame" />
      </div>
    </>
  );
}
