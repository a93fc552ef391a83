import type { Editor } from '@tiptap/react';
import { useEditorState } from '@tiptap/react';
import { type FormEvent, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import {
  anchorForSelection,
  anchorRanges,
  setActiveThread,
  setCommentAnchors,
  threadsAt,
} from '../../editor/comments/commentAnchors.ts';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { Button } from '../../ui/Button.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import {
  type CommentThread,
  deleteComment,
  editComment,
  listThreads,
  openThread,
  replyTo,
  setResolved,
  type ThreadComment,
} from './commentsApi.ts';

interface CommentsPanelProps {
  editor: Editor;
  connection: DocumentConnection;
  documentId: string;
  canComment: boolean;
  accountId: string;
}

const problemOf = (error: unknown, fallback: string) =>
  error instanceof ApiError || error instanceof Error ? error.message : fallback;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** Ctrl+Alt+M (⌘⌥M on Apple devices), as in other editors: comment on the selection. */
const isCommentShortcut = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) && event.altKey && event.code === 'KeyM';

/**
 * The document's comment threads, beside the text. Threads are listed in the order their
 * text appears; the caret in commented text marks its thread, and "Show in the document"
 * selects the text a thread is about. The list is fetched again whenever anyone changes a
 * comment (the server's notice) and after each reconnection.
 */
export function CommentsPanel({
  editor,
  connection,
  documentId,
  canComment,
  accountId,
}: CommentsPanelProps) {
  const [threads, setThreads] = useState<CommentThread[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [draft, setDraft] = useState<{ start: string; end: string; quote: string } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const composerRef = useRef<HTMLTextAreaElement | null>(null);
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const next = await listThreads(documentId);
      if (request !== latest.current) return;
      setThreads(next);
      setLoadProblem(null);
    } catch (error) {
      if (request !== latest.current) return;
      setLoadProblem(problemOf(error, 'The comments could not be loaded.'));
    }
  }, [documentId]);

  useEffect(() => {
    void refresh();
    return connection.onNotice((topic) => {
      if (topic === 'comments') void refresh();
    });
  }, [connection, refresh]);

  useEffect(() => () => void latest.current++, []);

  // The open threads' text is highlighted in the editor; resolved ones are not.
  useEffect(() => {
    if (editor.isDestroyed) return;
    const open = (threads ?? []).filter((t) => !t.resolved);
    setCommentAnchors(
      editor.view,
      open.map((t) => ({ id: t.id, ...t.anchor })),
    );
  }, [editor, threads]);

  const view = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const state = e.state;
      const ranges = anchorRanges(state);
      return {
        hasSelection: !state.selection.empty,
        at: threadsAt(state).join(' '),
        // Document order, as a string so the panel redraws only when the order changes.
        order: [...ranges].map(([id, range]) => `${id}:${range ? range.from : 'gone'}`).join(' '),
      };
    },
  });
  const activeIds = useMemo(() => new Set(view.at.split(' ').filter(Boolean)), [view.at]);
  const positions = useMemo(() => {
    const map = new Map<string, number | null>();
    for (const entry of view.order.split(' ').filter(Boolean)) {
      const [id, from] = entry.split(':');
      if (id) map.set(id, from === 'gone' || from === undefined ? null : Number(from));
    }
    return map;
  }, [view.order]);

  // The thread the caret is in is marked in the text too.
  useEffect(() => {
    if (editor.isDestroyed) return;
    setActiveThread(editor.view, [...activeIds][0] ?? null);
  }, [editor, activeIds]);

  const startComment = useCallback(() => {
    if (!canComment) return;
    const anchor = anchorForSelection(editor.state);
    if (!anchor) {
      setHint('Select the text you want to comment on first, then choose “Add a comment”.');
      return;
    }
    setHint(null);
    setDraft(anchor);
  }, [editor, canComment]);

  useEffect(() => {
    if (draft) composerRef.current?.focus();
  }, [draft]);

  useEffect(() => {
    const dom = editor.view.dom;
    const onKey = (event: KeyboardEvent) => {
      if (!isCommentShortcut(event)) return;
      event.preventDefault();
      startComment();
    };
    dom.addEventListener('keydown', onKey);
    return () => dom.removeEventListener('keydown', onKey);
  }, [editor, startComment]);

  const showInDocument = (thread: CommentThread) => {
    const range = anchorRanges(editor.state).get(thread.id);
    if (!range) return;
    editor.chain().focus().setTextSelection(range).scrollIntoView().run();
  };

  const sorted = useMemo(() => {
    const list = (threads ?? []).filter((t) => showResolved || !t.resolved);
    const place = (t: CommentThread) => positions.get(t.id) ?? Number.POSITIVE_INFINITY;
    return list.sort((a, b) => place(a) - place(b) || a.createdAt.localeCompare(b.createdAt));
  }, [threads, showResolved, positions]);
  const resolvedCount = (threads ?? []).filter((t) => t.resolved).length;

  return (
    <aside className="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading" className="comments__heading">
        Comments
      </h2>
      {canComment ? (
        <>
          <Button
            variant="secondary"
            onClick={startComment}
            aria-keyshortcuts="Control+Alt+M"
            title="Comment on the selected text (Ctrl+Alt+M)"
          >
            Add a comment
          </Button>
          {hint ? (
            <p className="comments__hint" role="status">
              {hint}
            </p>
          ) : null}
          {draft ? (
            <NewThreadForm
              draft={draft}
              textareaRef={composerRef}
              onCancel={() => {
                setDraft(null);
                editor.commands.focus();
              }}
              onSend={async (body) => {
                await openThread(documentId, {
                  anchor: { start: draft.start, end: draft.end },
                  quote: draft.quote,
                  body,
                  mentions: [],
                });
                setDraft(null);
                await refresh();
              }}
            />
          ) : null}
        </>
      ) : (
        <p className="comments__hint">You can read comments here but not add them.</p>
      )}
      {loadProblem ? (
        <div className="comments__problem" role="alert">
          <p>{loadProblem}</p>
          <Button variant="secondary" onClick={() => void refresh()}>
            Try again
          </Button>
        </div>
      ) : null}
      {threads === null && !loadProblem ? <p role="status">Loading comments…</p> : null}
      {threads !== null && threads.length === 0 ? (
        <p className="comments__empty">No comments yet.</p>
      ) : null}
      {resolvedCount > 0 ? (
        <label className="comments__toggle">
          <input
            type="checkbox"
            checked={showResolved}
            onChange={(event) => setShowResolved(event.target.checked)}
          />{' '}
          Show resolved comments ({resolvedCount})
        </label>
      ) : null}
      <ol className="comments__list">
        {sorted.map((thread) => (
          <li key={thread.id}>
            <Thread
              thread={thread}
              documentId={documentId}
              accountId={accountId}
              canComment={canComment}
              active={activeIds.has(thread.id)}
              located={positions.get(thread.id) != null}
              onShow={() => showInDocument(thread)}
              onChanged={refresh}
            />
          </li>
        ))}
      </ol>
    </aside>
  );
}

function NewThreadForm({
  draft,
  textareaRef,
  onCancel,
  onSend,
}: {
  draft: { quote: string };
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  onCancel: () => void;
  onSend: (body: string) => Promise<void>;
}) {
  const [body, setBody] = useState('');
  const { busy, problem, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(() => onSend(body), 'Your comment could not be sent. Try again.');
  };
  return (
    <form className="comments__form" onSubmit={submit} aria-label="New comment">
      <p className="comments__quote-label">Commenting on:</p>
      <blockquote className="comments__quote">{draft.quote}</blockquote>
      <TextAreaField
        label="Your comment"
        value={body}
        onChange={setBody}
        rows={3}
        ref={textareaRef}
        error={problem ?? undefined}
      />
      <div className="comments__actions">
        <Button type="submit" busy={busy}>
          Comment
        </Button>
        <Button variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function Thread({
  thread,
  documentId,
  accountId,
  canComment,
  active,
  located,
  onShow,
  onChanged,
}: {
  thread: CommentThread;
  documentId: string;
  accountId: string;
  canComment: boolean;
  active: boolean;
  located: boolean;
  onShow: () => void;
  onChanged: () => Promise<void>;
}) {
  const headingId = useId();
  const resolve = useAction();
  const first = thread.comments[0];
  const label = first ? `Comment by ${first.authorName}` : 'Comment';
  return (
    <article
      className={`thread${active ? ' thread--active' : ''}${thread.resolved ? ' thread--resolved' : ''}`}
      aria-labelledby={headingId}
      aria-current={active ? 'true' : undefined}
    >
      <h3 id={headingId} className="visually-hidden">
        {label} on “{thread.quote}”
      </h3>
      <blockquote className="comments__quote">{thread.quote}</blockquote>
      {located ? (
        <Button variant="quiet" className="thread__show" onClick={onShow}>
          Show in the document
        </Button>
      ) : (
        <p className="thread__gone">The text this comment was on has been deleted.</p>
      )}
      {thread.resolved ? (
        <p className="thread__resolved">
          Resolved by {thread.resolved.byName}, {when(thread.resolved.at)}
        </p>
      ) : null}
      <ol className="thread__comments">
        {thread.comments.map((comment) => (
          <li key={comment.id}>
            <CommentItem
              comment={comment}
              documentId={documentId}
              own={comment.authorId === accountId && canComment}
              onChanged={onChanged}
            />
          </li>
        ))}
      </ol>
      {canComment ? (
        <>
          {thread.resolved ? null : (
            <ReplyForm documentId={documentId} threadId={thread.id} onSent={onChanged} />
          )}
          <Button
            variant="secondary"
            busy={resolve.busy}
            onClick={() =>
              void resolve.run(async () => {
                await setResolved(documentId, thread.id, !thread.resolved);
                await onChanged();
              }, 'The thread could not be changed. Try again.')
            }
          >
            {thread.resolved ? 'Reopen' : 'Resolve'}
            <span className="visually-hidden"> the comment on “{thread.quote}”</span>
          </Button>
          {resolve.problem ? (
            <p className="comments__error" role="alert">
              {resolve.problem}
            </p>
          ) : null}
        </>
      ) : null}
    </article>
  );
}

function CommentItem({
  comment,
  documentId,
  own,
  onChanged,
}: {
  comment: ThreadComment;
  documentId: string;
  own: boolean;
  onChanged: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(comment.body);
  const action = useAction();
  if (comment.deleted) {
    return <p className="comment comment--deleted">This comment was deleted by its author.</p>;
  }
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      await editComment(documentId, comment.id, {
        body,
        mentions: comment.mentions.map((m) => m.id),
      });
      await onChanged();
    }, 'Your change could not be saved. Try again.');
    if (ok) setEditing(false);
  };
  return (
    <div className="comment">
      <p className="comment__meta">
        <span
          className="comment__swatch"
          style={{ backgroundColor: comment.color }}
          aria-hidden="true"
        />
        <strong>{comment.authorName}</strong>
        {comment.roleLabel ? <span className="comment__role">, {comment.roleLabel}</span> : null}
        <span className="comment__time">
          {' · '}
          <time dateTime={comment.createdAt}>{when(comment.createdAt)}</time>
          {comment.editedAt ? ' (edited)' : null}
        </span>
      </p>
      {editing ? (
        <form onSubmit={save} aria-label="Change your comment">
          <TextAreaField
            label="Your comment"
            value={body}
            onChange={setBody}
            rows={3}
            error={action.problem ?? undefined}
            autoFocus
          />
          <div className="comments__actions">
            <Button type="submit" busy={action.busy}>
              Save
            </Button>
            <Button
              variant="quiet"
              onClick={() => {
                setEditing(false);
                setBody(comment.body);
                action.setProblem(null);
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <p className="comment__body">{comment.body}</p>
      )}
      {comment.mentions.length > 0 ? (
        <p className="comment__mentions">
          Mentions: {comment.mentions.map((m) => m.name).join(', ')}
        </p>
      ) : null}
      {own && !editing ? (
        <div className="comments__actions">
          <Button
            variant="quiet"
            onClick={() => {
              setBody(comment.body);
              setEditing(true);
            }}
          >
            Edit<span className="visually-hidden"> your comment</span>
          </Button>
          <Button
            variant="quiet"
            busy={action.busy}
            onClick={() =>
              void action.run(async () => {
                await deleteComment(documentId, comment.id);
                await onChanged();
              }, 'Your comment could not be deleted. Try again.')
            }
          >
            Delete<span className="visually-hidden"> your comment</span>
          </Button>
        </div>
      ) : null}
      {!editing && action.problem ? (
        <p className="comments__error" role="alert">
          {action.problem}
        </p>
      ) : null}
    </div>
  );
}

function ReplyForm({
  documentId,
  threadId,
  onSent,
}: {
  documentId: string;
  threadId: string;
  onSent: () => Promise<void>;
}) {
  const [body, setBody] = useState('');
  const { busy, problem, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(async () => {
      await replyTo(documentId, threadId, { body, mentions: [] });
      await onSent();
    }, 'Your reply could not be sent. Try again.');
    if (ok) setBody('');
  };
  return (
    <form className="comments__reply" onSubmit={submit} aria-label="Reply to this comment">
      <TextAreaField
        label="Your reply"
        value={body}
        onChange={setBody}
        rows={2}
        error={problem ?? undefined}
      />
      <Button type="submit" variant="secondary" busy={busy}>
        Send reply
      </Button>
    </form>
  );
}
