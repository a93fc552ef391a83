import { PARAGRAPH_BREAK, quoteParagraphs, spokenQuote } from '@chorus/shared';
import type { Editor } from '@tiptap/react';
import { useEditorState } from '@tiptap/react';
import {
  type FormEvent,
  Fragment,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ApiError } from '../../api/http.ts';
import {
  anchorForSelection,
  anchorRanges,
  type CommentAnchor,
  setActiveThread,
  setCommentAnchors,
  suggestionRange,
  threadsAt,
} from '../../editor/comments/commentAnchors.ts';
import {
  isSuggesting,
  setSuggesting as setSuggestingMode,
} from '../../editor/suggesting/suggestingMode.ts';
import { subscribeToLocation } from '../../routes/navigation.ts';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useAction } from '../../ui/useAction.ts';
import {
  type CommentThread,
  decideSuggestion,
  deleteComment,
  editComment,
  listThreads,
  type Mentionable,
  openThread,
  replyTo,
  reviseSuggestion,
  setResolved,
  suggestEdit,
  type ThreadComment,
  withdrawSuggestion,
} from './commentsApi.ts';
import { hasDraft, keepAnchor, pendingAnchor, useDraft } from './drafts.ts';

interface CommentsPanelProps {
  editor: Editor;
  connection: DocumentConnection;
  documentId: string;
  canComment: boolean;
  /** May change the text, and so accept or reject suggested edits. */
  canEdit: boolean;
  /** The document is closed: suggestions can be rejected, not accepted, until it reopens. */
  textLocked?: boolean;
  accountId: string;
}

type Selected = { start: string; end: string; quote: string };

const problemOf = (error: unknown, fallback: string) =>
  error instanceof ApiError || error instanceof Error ? error.message : fallback;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Ctrl+Alt+M (⌘⌥M on Apple devices), as in other editors: comment on the selection. Not
 * AltGr+M, which Windows reports as Ctrl+Alt and which types µ on many keyboards.
 */
const isCommentShortcut = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) &&
  event.altKey &&
  event.code === 'KeyM' &&
  !event.getModifierState('AltGraph');

/** The forms of a thread that may hold unsent text (see `drafts.ts`). */
const threadForms = (thread: CommentThread) => [
  `reply:${thread.id}`,
  ...thread.comments.map((c) => `edit:${c.id}`),
];

/** A suggestion to add words has no words of its own (its quote is empty). */
/** Whether the thread was opened by this person, and its opening comment still stands. */
const isOwnOpening = (thread: Pick<CommentThread, 'comments'>, accountId: string) =>
  thread.comments[0]?.authorId === accountId && !thread.comments[0].deleted;

/** The threads as the editor locates and draws them. */
const anchorsOf = (threads: readonly CommentThread[], accountId: string): CommentAnchor[] =>
  threads.map((t) => ({
    id: t.id,
    ...t.anchor,
    open: !t.resolved,
    suggestion: t.suggestion && !t.suggestion.outcome ? t.suggestion.text : undefined,
    insertion: isInsertion(t),
    // One's own open suggestion: typing at its place in suggesting mode continues it.
    revisable:
      t.suggestion && !t.suggestion.outcome && isOwnOpening(t, accountId)
        ? { quote: t.quote }
        : undefined,
  }));

const isInsertion = (thread: Pick<CommentThread, 'quote' | 'suggestion'>) =>
  thread.suggestion !== null && thread.suggestion !== undefined && thread.quote === '';

/**
 * What a thread is about, in words: "on “…”" (a paragraph break written ¶), for words to add
 * "to add “…”", for a paragraph break alone "to join two paragraphs".
 */
const about = (thread: Pick<CommentThread, 'quote' | 'suggestion'>) =>
  isInsertion(thread)
    ? `to add “${thread.suggestion?.text}”`
    : thread.suggestion && thread.quote === PARAGRAPH_BREAK
      ? thread.suggestion.text
        ? `to join two paragraphs with “${thread.suggestion.text}”`
        : 'to join two paragraphs'
      : `on “${spokenQuote(thread.quote)}”`;

/**
 * A quote as it reads in the document: a quote spanning paragraphs shows each on its own
 * line after a ¶, and says "paragraph break" to screen readers (a quote that is only a
 * break, joining two paragraphs, is only that).
 */
function QuoteText({ quote }: { quote: string }) {
  return (
    <>
      {quoteParagraphs(quote).map((words, i) => (
        // The paragraphs of a quote never change order: their place is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Fragment key={i}>
          {i > 0 ? (
            <>
              <span className="quote-break" aria-hidden="true">
                ¶
              </span>
              <span className="visually-hidden"> paragraph break </span>
              <br />
            </>
          ) : null}
          {words}
        </Fragment>
      ))}
    </>
  );
}

/** The thread the address links to (`#thread-…`), if any. */
const linkedThread = () => window.location.hash.match(/^#thread-([A-Za-z0-9]+)$/)?.[1] ?? null;

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
  canEdit,
  textLocked = false,
  accountId,
}: CommentsPanelProps) {
  const [threads, setThreads] = useState<CommentThread[] | null>(null);
  const [people, setPeople] = useState<Mentionable[]>([]);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const [draft, setDraftState] = useState(() => pendingAnchor(documentId));
  const setDraft = useCallback(
    (anchor: { start: string; end: string; quote: string } | null) => {
      keepAnchor(documentId, anchor);
      setDraftState(anchor);
    },
    [documentId],
  );
  // The words a suggested edit being written is about, kept like a comment's (drafts.ts).
  const suggestKey = `${documentId}#suggestion`;
  const [suggesting, setSuggestingState] = useState(() => pendingAnchor(suggestKey));
  const setSuggesting = useCallback(
    (anchor: Selected | null) => {
      keepAnchor(suggestKey, anchor);
      setSuggestingState(anchor);
    },
    [suggestKey],
  );
  const suggestRef = useRef<HTMLInputElement | null>(null);
  const [hint, setHint] = useState('');
  const composerRef = useRef<HTMLTextAreaElement | null>(null);
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  const [focusThread, setFocusThread] = useState<string | null>(null);
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const next = await listThreads(documentId);
      if (request !== latest.current) return;
      setThreads(next.threads);
      // Drawn in the text at once, not a render later: a suggestion typed in suggesting
      // mode stops being drawn as a draft as soon as this resolves, and must not blink.
      if (!editor.isDestroyed) setCommentAnchors(editor.view, anchorsOf(next.threads, accountId));
      setPeople(next.mentionable.filter((p) => p.id !== accountId));
      setLoadProblem(null);
    } catch (error) {
      if (request !== latest.current) return;
      setLoadProblem(problemOf(error, 'The comments could not be loaded.'));
    }
  }, [documentId, accountId, editor]);

  useEffect(() => {
    void refresh();
    return connection.onNotice((topic) => {
      if (topic === 'comments') void refresh();
    });
  }, [connection, refresh]);

  useEffect(() => () => void latest.current++, []);

  // Every thread's words are located (to order the list); only open ones are highlighted.
  useEffect(() => {
    if (editor.isDestroyed) return;
    setCommentAnchors(editor.view, anchorsOf(threads ?? [], accountId));
  }, [editor, threads, accountId]);

  // A link to one thread (from "Mentions of you" or a notification) takes focus to it once
  // it is listed: when the page opens, and when a link is followed from this very page
  // (the document stays open, so only the address changes).
  const linked = useRef(linkedThread());
  const [linkFollowed, setLinkFollowed] = useState(0);
  useEffect(
    () =>
      subscribeToLocation(() => {
        const id = linkedThread();
        if (!id) return;
        linked.current = id;
        setLinkFollowed((n) => n + 1);
      }),
    [],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when a link is followed
  useEffect(() => {
    const id = linked.current;
    if (!id || !threads?.some((t) => t.id === id)) return;
    linked.current = null;
    setFocusThread(id);
  }, [threads, linkFollowed]);

  // Focus follows what was done: to a new thread, or, when a thread left the list, to the
  // list's heading (never to a control that is gone).
  useEffect(() => {
    if (!focusThread || threads === null) return;
    setFocusThread(null);
    const target = document.getElementById(`thread-${focusThread}`) ?? headingRef.current;
    target?.focus();
  }, [focusThread, threads]);

  const view = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const state = e.state;
      const ranges = anchorRanges(state);
      const placed = [...ranges].filter(([, range]) => range !== null);
      placed.sort(([, a], [, b]) => (a?.from ?? 0) - (b?.from ?? 0));
      // Strings, so the panel redraws only when the caret's thread or the order changes,
      // not on every keystroke that moves the words along.
      return {
        at: threadsAt(state).join(' '),
        order: placed.map(([id]) => id).join(' '),
      };
    },
  });
  const activeIds = useMemo(() => new Set(view.at.split(' ').filter(Boolean)), [view.at]);
  const positions = useMemo(() => {
    const map = new Map<string, number>();
    view.order
      .split(' ')
      .filter(Boolean)
      .forEach((id, i) => {
        map.set(id, i);
      });
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
    setHint('');
    setDraft(anchor);
  }, [editor, canComment, setDraft]);

  useEffect(() => {
    if (draft) composerRef.current?.focus();
  }, [draft]);

  const startSuggestion = useCallback(() => {
    if (!canComment) return;
    const range = suggestionRange(editor.state);
    if ('problem' in range) {
      setHint(range.problem);
      return;
    }
    setHint('');
    setSuggesting(range);
  }, [editor, canComment, setSuggesting]);

  useEffect(() => {
    if (suggesting) suggestRef.current?.focus();
  }, [suggesting]);

  // Suggesting mode: what is typed in the text is sent from here, and said in the status.
  const typing = useEditorState({ editor, selector: ({ editor: e }) => isSuggesting(e.state) });
  useEffect(() => {
    if (!canComment) return;
    const storage = editor.storage.suggestingMode;
    storage.handlers = {
      send: async (typed) => {
        await suggestEdit(documentId, { ...typed, note: '' });
        await refresh();
      },
      revise: async ({ id, was }, typed) => {
        try {
          await reviseSuggestion(documentId, id, typed, was);
        } finally {
          await refresh();
        }
      },
      withdraw: async ({ id, was }) => {
        try {
          await withdrawSuggestion(documentId, id, was);
        } finally {
          await refresh();
        }
      },
      // Cleared first, so the same sentence twice (an edge reached again) is said again.
      say: (message) => {
        setHint('');
        requestAnimationFrame(() => setHint(message));
      },
    };
    const mine = storage.handlers;
    return () => {
      if (storage.handlers === mine) storage.handlers = null;
    };
  }, [editor, canComment, documentId, refresh]);
  // Someone who can no longer comment stops suggesting too.
  useEffect(() => {
    if (!canComment && !editor.isDestroyed) setSuggestingMode(editor.view, false);
  }, [editor, canComment]);

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

  // A thread someone is writing in stays, even if another person resolves it meanwhile.
  const list = (threads ?? []).filter(
    (t) => showResolved || !t.resolved || hasDraft(documentId, threadForms(t)),
  );
  const place = (t: CommentThread) => positions.get(t.id) ?? Number.POSITIVE_INFINITY;
  const sorted = list.sort((a, b) => place(a) - place(b) || a.createdAt.localeCompare(b.createdAt));
  const resolvedCount = (threads ?? []).filter((t) => t.resolved).length;

  return (
    <aside className="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading" className="comments__heading" ref={headingRef} tabIndex={-1}>
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
          </Button>{' '}
          <Button variant="secondary" onClick={startSuggestion}>
            Suggest an edit
          </Button>{' '}
          <Button
            variant="secondary"
            aria-pressed={typing}
            onClick={() => {
              setSuggestingMode(editor.view, !typing);
              setHint(
                typing
                  ? 'Suggesting is off.'
                  : 'Suggesting is on: what you type in the document becomes a suggestion.',
              );
              editor.commands.focus();
            }}
          >
            Suggest by typing
          </Button>
          {typing ? (
            <p className="comments__mode">
              <strong>Suggesting.</strong> What you type, delete or paste in the document is shown
              as a suggestion, not written. Enter sends it (so does moving the caret away); Escape
              discards it. Editors accept or reject it here.
            </p>
          ) : null}
          <p className="comments__hint" role="status">
            {hint}
          </p>
          {draft ? (
            <NewThreadForm
              documentId={documentId}
              draft={draft}
              people={people}
              textareaRef={composerRef}
              onCancel={() => {
                setDraft(null);
                editor.commands.focus();
              }}
              onSend={async (text) => {
                const id = await openThread(documentId, {
                  anchor: { start: draft.start, end: draft.end },
                  quote: draft.quote,
                  ...text,
                });
                setDraft(null);
                await refresh();
                setFocusThread(id);
              }}
            />
          ) : null}
          {suggesting ? (
            <NewSuggestionForm
              documentId={documentId}
              selected={suggesting}
              inputRef={suggestRef}
              onCancel={() => {
                setSuggesting(null);
                editor.commands.focus();
              }}
              onSend={async (text, note) => {
                const id = await suggestEdit(documentId, {
                  anchor: { start: suggesting.start, end: suggesting.end },
                  quote: suggesting.quote,
                  text,
                  note,
                });
                setSuggesting(null);
                await refresh();
                setFocusThread(id);
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
              people={people}
              canComment={canComment}
              canEdit={canEdit}
              textLocked={textLocked}
              announce={setHint}
              active={activeIds.has(thread.id)}
              located={positions.get(thread.id) != null}
              onShow={() => showInDocument(thread)}
              onChanged={async () => {
                await refresh();
                // Resolving or deleting may take the thread out of the list.
                setFocusThread(thread.id);
              }}
              refresh={refresh}
            />
          </li>
        ))}
      </ol>
    </aside>
  );
}

/** Who a comment being written mentions: picked from a list, shown, and removable. */
function useMentions(people: readonly Mentionable[], initial: readonly Mentionable[] = []) {
  const [mentioned, setMentioned] = useState<Mentionable[]>([...initial]);
  return {
    mentioned,
    ids: mentioned.map((m) => m.id),
    add: (id: string) => {
      const who = people.find((p) => p.id === id);
      if (who && !mentioned.some((m) => m.id === id)) setMentioned([...mentioned, who]);
      return who ?? null;
    },
    remove: (id: string) => setMentioned(mentioned.filter((m) => m.id !== id)),
    clear: () => setMentioned([]),
  };
}

/**
 * Mentions, for keyboard and screen-reader users alike: a plain list to pick from (no
 * pop-up to chase while typing). Picking someone adds "@Name" to the text.
 */
function MentionPicker({
  people,
  mentions,
  onPicked,
}: {
  people: readonly Mentionable[];
  mentions: ReturnType<typeof useMentions>;
  onPicked: (name: string) => void;
}) {
  const selectId = useId();
  if (people.length === 0 && mentions.mentioned.length === 0) return null;
  return (
    <div className="mentions">
      {people.length > 0 ? (
        <div className="field">
          <label className="field__label" htmlFor={selectId}>
            Mention someone
          </label>
          <select
            id={selectId}
            className="field__input"
            value=""
            onChange={(event) => {
              const who = mentions.add(event.target.value);
              if (who) onPicked(who.name);
            }}
          >
            <option value="">Choose a person…</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {mentions.mentioned.length > 0 ? (
        <ul className="mentions__list" aria-label="Mentioned">
          {mentions.mentioned.map((m) => (
            <li key={m.id}>
              {m.name}{' '}
              <Button variant="quiet" onClick={() => mentions.remove(m.id)}>
                Remove<span className="visually-hidden"> the mention of {m.name}</span>
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

const withMention = (body: string, name: string) =>
  `${body}${body === '' || /\s$/.test(body) ? '' : ' '}@${name} `;

function NewThreadForm({
  documentId,
  draft,
  people,
  textareaRef,
  onCancel,
  onSend,
}: {
  documentId: string;
  draft: { quote: string };
  people: readonly Mentionable[];
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  onCancel: () => void;
  onSend: (text: { body: string; mentions: string[] }) => Promise<void>;
}) {
  const draftText = useDraft(documentId, 'new');
  const body = draftText.text;
  const setBody = (update: string | ((b: string) => string)) =>
    draftText.set(typeof update === 'function' ? update(body) : update);
  const mentions = useMentions(people);
  const { busy, problem, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(
      () => onSend({ body, mentions: mentions.ids }),
      'Your comment could not be sent. Try again.',
    );
    if (ok) draftText.clear();
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
      <MentionPicker
        people={people}
        mentions={mentions}
        onPicked={(name) => setBody((b) => withMention(b, name))}
      />
      <div className="comments__actions">
        <Button type="submit" busy={busy}>
          Comment
        </Button>
        <Button
          variant="quiet"
          onClick={() => {
            draftText.clear();
            onCancel();
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

/**
 * A suggested edit being written: the selected words, what they should become (prefilled
 * with them, to change in place; empty suggests deleting them) and an optional note.
 */
function NewSuggestionForm({
  documentId,
  selected,
  inputRef,
  onCancel,
  onSend,
}: {
  documentId: string;
  selected: Selected;
  inputRef: React.RefObject<HTMLInputElement | null>;
  onCancel: () => void;
  onSend: (text: string, note: string) => Promise<void>;
}) {
  const replacement = useDraft(documentId, `suggestion:${selected.start}`);
  const note = useDraft(documentId, 'suggestion-note');
  // Starts as the selected words, to be changed in place; a draft comes back as it was.
  // Across paragraphs, the new words are one paragraph: each break starts as a space.
  const [text, setText] = useState(
    () => replacement.text || selected.quote.replaceAll(PARAGRAPH_BREAK, ' '),
  );
  const { busy, problem, run } = useAction();
  const clear = () => {
    replacement.clear();
    note.clear();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(
      () => onSend(text, note.text),
      'Your suggestion could not be sent. Try again.',
    );
    if (ok) clear();
  };
  return (
    <form className="comments__form" onSubmit={submit} aria-label="New suggested edit">
      <p className="comments__quote-label">Suggesting a change to:</p>
      <blockquote className="comments__quote">
        <QuoteText quote={selected.quote} />
      </blockquote>
      <TextField
        label="Change the words to"
        hint="Leave it empty to suggest deleting the words."
        value={text}
        onChange={(value) => {
          setText(value);
          replacement.set(value);
        }}
        ref={inputRef}
        error={problem ?? undefined}
      />
      <TextAreaField label="Why (optional)" value={note.text} onChange={note.set} rows={2} />
      <div className="comments__actions">
        <Button type="submit" busy={busy}>
          Suggest
        </Button>
        <Button
          variant="quiet"
          onClick={() => {
            clear();
            onCancel();
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}

/**
 * What a suggestion would change, in words as well as by strike-through, and for those
 * who may edit the text, Accept and Reject. Accepted words are credited to whoever
 * suggested them.
 */
function SuggestedChange({
  documentId,
  threadId,
  anchor,
  quote,
  suggestion,
  canDecide,
  textLocked,
  onDecided,
}: {
  documentId: string;
  threadId: string;
  anchor: CommentThread['anchor'];
  quote: string;
  suggestion: NonNullable<CommentThread['suggestion']>;
  canDecide: boolean;
  /** Closed: accepting would change the text, so only rejecting is offered. */
  textLocked: boolean;
  onDecided: (outcome: 'accepted' | 'rejected') => Promise<void>;
}) {
  const action = useAction();
  const decide = (outcome: 'accepted' | 'rejected') =>
    void action.run(async () => {
      // As shown here: if its suggester changed it meanwhile, the decision is refused and
      // the list shows it as it is now.
      await decideSuggestion(documentId, threadId, outcome, {
        anchor,
        quote,
        text: suggestion.text,
      });
      await onDecided(outcome);
    }, 'The suggestion could not be decided. Try again.');
  const what = about({ quote, suggestion });
  return (
    <div className="suggestion">
      <p className="suggestion__change">
        {quote === '' ? (
          <>
            {'Add '}
            <ins className="suggestion__new">{suggestion.text}</ins>
          </>
        ) : quote === PARAGRAPH_BREAK ? (
          <>
            {'Join two paragraphs: delete the '}
            <del className="suggestion__old">paragraph break ¶</del>
            {suggestion.text === '' ? null : (
              <>
                {' and put '}
                <ins className="suggestion__new">{suggestion.text}</ins>
                {' between them'}
              </>
            )}
          </>
        ) : (
          <>
            {suggestion.text === '' ? 'Delete ' : 'Replace '}
            <del className="suggestion__old">
              <QuoteText quote={quote} />
            </del>
            {suggestion.text === '' ? null : (
              <>
                {' with '}
                <ins className="suggestion__new">{suggestion.text}</ins>
              </>
            )}
          </>
        )}
      </p>
      {suggestion.decided ? (
        <p className="thread__resolved">
          {suggestion.outcome === 'accepted' ? 'Accepted' : 'Rejected'} by{' '}
          {suggestion.decided.byName}, {when(suggestion.decided.at)}
        </p>
      ) : canDecide ? (
        <div className="comments__actions">
          {textLocked ? (
            <p className="suggestion__waiting">
              The document is closed, so this can be accepted only once it is reopened.
            </p>
          ) : (
            <Button busy={action.busy} onClick={() => decide('accepted')}>
              Accept<span className="visually-hidden"> the suggestion {what}</span>
            </Button>
          )}
          <Button variant="secondary" busy={action.busy} onClick={() => decide('rejected')}>
            Reject<span className="visually-hidden"> the suggestion {what}</span>
          </Button>
        </div>
      ) : (
        <p className="suggestion__waiting">Waiting for an editor to accept or reject it.</p>
      )}
      {action.problem ? (
        <p className="comments__error" role="alert">
          {action.problem}
        </p>
      ) : null}
    </div>
  );
}

function Thread({
  thread,
  documentId,
  accountId,
  people,
  canComment,
  canEdit,
  textLocked,
  announce,
  active,
  located,
  onShow,
  onChanged,
  refresh,
}: {
  thread: CommentThread;
  documentId: string;
  accountId: string;
  people: readonly Mentionable[];
  canComment: boolean;
  canEdit: boolean;
  textLocked: boolean;
  /** Says something in the panel's status line (a decided suggestion leaves the list). */
  announce: (message: string) => void;
  active: boolean;
  located: boolean;
  onShow: () => void;
  /** After a change that may take the thread (or the control used) away: focus follows. */
  onChanged: () => Promise<void>;
  refresh: () => Promise<void>;
}) {
  const headingId = useId();
  const resolve = useAction();
  const first = thread.comments[0];
  const suggestion = thread.suggestion;
  const label = `${suggestion ? 'Suggestion' : 'Comment'}${first ? ` by ${first.authorName}` : ''}`;
  const mentionsYou = thread.comments.some((c) => c.mentions.some((m) => m.id === accountId));
  return (
    <article
      id={`thread-${thread.id}`}
      tabIndex={-1}
      className={`thread${active ? ' thread--active' : ''}${thread.resolved ? ' thread--resolved' : ''}`}
      aria-labelledby={headingId}
      aria-current={active ? 'true' : undefined}
    >
      <h3 id={headingId} className="visually-hidden">
        {label} {about(thread)}
      </h3>
      {suggestion ? (
        <SuggestedChange
          documentId={documentId}
          threadId={thread.id}
          anchor={thread.anchor}
          quote={thread.quote}
          suggestion={suggestion}
          canDecide={canEdit && located}
          textLocked={textLocked}
          onDecided={async (outcome) => {
            announce(
              outcome === 'accepted'
                ? isInsertion(thread)
                  ? `Suggestion accepted: “${suggestion.text}” is now in the document.`
                  : `Suggestion accepted: “${spokenQuote(thread.quote)}” now reads “${suggestion.text}” in the document.`
                : isInsertion(thread)
                  ? `Suggestion rejected: “${suggestion.text}” was not added.`
                  : `Suggestion rejected: “${spokenQuote(thread.quote)}” is unchanged.`,
            );
            await onChanged();
          }}
        />
      ) : (
        <blockquote className="comments__quote">
          <QuoteText quote={thread.quote} />
        </blockquote>
      )}
      {located ? (
        <Button variant="quiet" className="thread__show" onClick={onShow}>
          Show in the document
        </Button>
      ) : (
        <p className="thread__gone">The text this comment was on has been deleted.</p>
      )}
      {mentionsYou ? <p className="thread__mention">Mentions you</p> : null}
      {thread.resolved && !suggestion ? (
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
              people={people}
              onChanged={onChanged}
              onEdited={refresh}
            />
          </li>
        ))}
      </ol>
      {canComment ? (
        <>
          <ReplyForm
            documentId={documentId}
            threadId={thread.id}
            people={people}
            onSent={refresh}
          />
          {/* A suggestion is closed by accepting or rejecting it, not by resolving. */}
          {suggestion ? null : (
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
              <span className="visually-hidden"> the comment on “{spokenQuote(thread.quote)}”</span>
            </Button>
          )}
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
  people,
  onChanged,
  onEdited,
}: {
  comment: ThreadComment;
  documentId: string;
  own: boolean;
  people: readonly Mentionable[];
  onChanged: () => Promise<void>;
  onEdited: () => Promise<void>;
}) {
  const draft = useDraft(documentId, `edit:${comment.id}`);
  // An edit under way when the page rebuilt the list comes back open, with its text.
  const [editing, setEditing] = useState(draft.text !== '');
  const body = draft.text;
  const setBody = (update: string | ((b: string) => string)) =>
    draft.set(typeof update === 'function' ? update(body) : update);
  const editButton = useRef<HTMLButtonElement | null>(null);
  const mentions = useMentions(people, comment.mentions);
  const action = useAction();
  if (comment.deleted) {
    return <p className="comment comment--deleted">This comment was deleted by its author.</p>;
  }
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      await editComment(documentId, comment.id, { body, mentions: mentions.ids });
      await onEdited();
    }, 'Your change could not be saved. Try again.');
    if (ok) stopEditing();
  };
  const stopEditing = () => {
    draft.clear();
    setEditing(false);
    action.setProblem(null);
    requestAnimationFrame(() => editButton.current?.focus());
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
          <MentionPicker
            people={people}
            mentions={mentions}
            onPicked={(name) => setBody((b) => withMention(b, name))}
          />
          <div className="comments__actions">
            <Button type="submit" busy={action.busy}>
              Save
            </Button>
            <Button variant="quiet" onClick={stopEditing}>
              Cancel
            </Button>
          </div>
        </form>
      ) : comment.body ? (
        <p className="comment__body">{comment.body}</p>
      ) : null}
      {comment.mentions.length > 0 ? (
        <p className="comment__mentions">
          Mentions: {comment.mentions.map((m) => m.name).join(', ')}
        </p>
      ) : null}
      {own && !editing ? (
        <div className="comments__actions">
          <Button
            variant="quiet"
            ref={editButton}
            onClick={() => {
              setBody(comment.body);
              setEditing(true);
            }}
          >
            Edit<span className="visually-hidden"> your comment</span>
          </Button>
          <ConfirmAction
            trigger={
              <>
                Delete<span className="visually-hidden"> your comment</span>
              </>
            }
            question="Delete your comment? This cannot be undone."
            confirmLabel="Yes, delete it"
            onConfirm={async () => {
              await deleteComment(documentId, comment.id);
              await onChanged();
            }}
          />
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
  people,
  onSent,
}: {
  documentId: string;
  threadId: string;
  people: readonly Mentionable[];
  onSent: () => Promise<void>;
}) {
  const draft = useDraft(documentId, `reply:${threadId}`);
  const body = draft.text;
  const setBody = (update: string | ((b: string) => string)) =>
    draft.set(typeof update === 'function' ? update(body) : update);
  const mentions = useMentions(people);
  const { busy, problem, run } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(async () => {
      await replyTo(documentId, threadId, { body, mentions: mentions.ids });
      await onSent();
    }, 'Your reply could not be sent. Try again.');
    if (ok) {
      draft.clear();
      mentions.clear();
    }
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
      <MentionPicker
        people={people}
        mentions={mentions}
        onPicked={(name) => setBody((b) => withMention(b, name))}
      />
      <Button type="submit" variant="secondary" busy={busy}>
        Send reply
      </Button>
    </form>
  );
}
