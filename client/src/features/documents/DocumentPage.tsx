import {
  creditedName,
  type DocumentKind,
  documentKindLabels,
  hasLifecycle,
  locksText,
  participantRoleLabels,
} from '@chorus/shared';
import type { Editor } from '@tiptap/react';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { CollaborativeEditor } from '../../editor/CollaborativeEditor.tsx';
import type { CaretUser } from '../../editor/extensions.ts';
import { Link } from '../../routes/Link.tsx';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { heldAfterChange, heldAsItLocks } from '../../sync/heldWords.ts';
import { clearOfflineDocument } from '../../sync/offlineStore.ts';
import type { SaveTracker } from '../../sync/saveTracker.ts';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { useAuth, useCurrentUser } from '../auth/useAuth.ts';
import { CommentsPanel } from '../comments/CommentsPanel.tsx';
import { StatusPanel } from '../lifecycle/StatusPanel.tsx';
import { isParticipantRole } from '../workspaces/labels.ts';
import { type DocumentInfo, getDocument } from './documentsApi.ts';
import { PresenceList } from './PresenceList.tsx';
import { RenameForm } from './RenameForm.tsx';
import { forbiddenMessage, SaveStatus } from './SaveStatus.tsx';
import { useDocumentConnection } from './useDocumentConnection.ts';
import { usePresence } from './usePresence.ts';
import { WordDownload } from './WordDownload.tsx';

/** The document page; loaded lazily so the sign-in pages never download the editor. */
export default function DocumentPage({ documentId }: { documentId: string }) {
  const { state, setData } = useApiQuery(documentId, getDocument);
  useDocumentTitle(
    state.status === 'ready'
      ? state.data.document.title
      : state.status === 'error'
        ? 'Document not available'
        : 'Loading document',
  );

  if (state.status === 'loading') return <Loading label="Loading the document…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Document not available</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  // Connect only once the server has said this person may open the document.
  return <DocumentWorkspace info={state.data} onInfoChange={setData} />;
}

/** What happened after the server said this person's access changed. */
type AccessNotice =
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'changed'; permission: string }
  | { kind: 'gone' }
  | { kind: 'failed'; message: string };

/** What a permission allows on this page, in words, shown next to the title. */
function readOnlyReason(permission: string): string | null {
  switch (permission) {
    case 'viewer':
      return 'You can view this document but not change it.';
    case 'commenter':
      return 'You are a commenter: you can comment on this document but not change its text.';
    default:
      return null;
  }
}

function nowAllowed(permission: string): string {
  switch (permission) {
    case 'owner':
      return 'You can now edit this document and manage who can open it.';
    case 'editor':
      return 'You can now edit this document.';
    case 'commenter':
      return 'You can now comment on this document, but not change its text.';
    default:
      return 'You can now view this document only.';
  }
}

/** More access changes than this within the window means something is wrong: stop. */
const MAX_RECHECKS = 4;
const RECHECK_WINDOW_MS = 30_000;

function DocumentWorkspace({
  info,
  onInfoChange,
}: {
  info: DocumentInfo;
  onInfoChange: (info: DocumentInfo) => void;
}) {
  const { document, workspace } = info;
  const { signedOut } = useAuth();
  const user = useCurrentUser();
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<AccessNotice>({ kind: 'none' });
  const latestCheck = useRef(0);
  const recentChecks = useRef<number[]>([]);
  // Closed (`locksText`): nobody may change the text, whatever their permission. Followed
  // live from the status panel, which hears every change to the status.
  const [locked, setLocked] = useState(info.textLocked ?? false);
  const lockedRef = useRef(locked);
  // Reopened, and the page not yet started again from the server's copy: it waits while
  // the editor still shows words the server refused, until their author has copied them.
  const [reopened, setReopened] = useState(false);
  const reopenedRef = useRef(false);
  const infoRef = useRef(info);
  infoRef.current = info;

  useEffect(
    () => () => {
      // Answers that arrive after the page is gone are ignored.
      latestCheck.current++;
    },
    [],
  );

  const recheck = useCallback(() => {
    const check = ++latestCheck.current;
    const lockedBefore = lockedRef.current;
    setNotice({ kind: 'checking' });
    getDocument(document.id).then(
      (next) => {
        if (check !== latestCheck.current) return;
        const before = infoRef.current;
        const nextLocked = next.textLocked ?? false;
        onInfoChange(next);
        lockedRef.current = nextLocked;
        setLocked(nextLocked);
        // Only the document was closed or reopened (the server sends away a connection
        // whose changes it refused while closed): the status panel says so, not an alert.
        const onlyLock = next.permission === before.permission && nextLocked !== lockedBefore;
        setNotice(onlyLock ? { kind: 'none' } : { kind: 'changed', permission: next.permission });
        if (onlyLock && !nextLocked) {
          // Reopened: the editor starts again from the server's copy once nothing refused
          // is left on screen (see `resume`).
          lockedRef.current = true;
          reopenedRef.current = true;
          setLocked(true);
          setReopened(true);
          return;
        }
        // A new key remounts the live part: the old socket and Y.Doc go, a new one comes.
        setGeneration((value) => value + 1);
      },
      (error: unknown) => {
        if (check !== latestCheck.current) return;
        if (error instanceof ApiError && error.status === 401) {
          signedOut();
        } else if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
          setNotice({ kind: 'gone' });
        } else {
          const message =
            error instanceof ApiError ? error.message : 'Chorus could not check your access.';
          setNotice({ kind: 'failed', message });
        }
      },
    );
  }, [document.id, onInfoChange, signedOut]);

  const onForbidden = useCallback(() => {
    const now = Date.now();
    recentChecks.current = [
      ...recentChecks.current.filter((at) => now - at < RECHECK_WINDOW_MS),
      now,
    ];
    if (recentChecks.current.length > MAX_RECHECKS) {
      // The server keeps refusing the socket while the API allows the page: do not loop.
      latestCheck.current++;
      setNotice({
        kind: 'failed',
        message: 'The connection keeps being refused. Reload the page in a moment.',
      });
      return;
    }
    recheck();
  }, [recheck]);

  const onStatus = useCallback((status: string) => {
    if (locksText(status)) {
      lockedRef.current = true;
      reopenedRef.current = false;
      setLocked(true);
      setReopened(false);
      return;
    }
    // Reopened: the text stays read-only until the editor starts again (`resume`).
    if (lockedRef.current) {
      reopenedRef.current = true;
      setReopened(true);
    }
  }, []);

  /**
   * Starts the editor again from the server's copy after a reopening. What the server
   * refused while the document was closed is not sent now (as after an access change),
   * so this browser's offline copy of it goes: the page calls this at once when nothing
   * refused is on screen, and otherwise when its author chooses to carry on.
   */
  const resume = useCallback(() => {
    void clearOfflineDocument(user.id, document.id).finally(() => {
      // Closed again meanwhile: it stays as it is.
      if (!reopenedRef.current) return;
      reopenedRef.current = false;
      lockedRef.current = false;
      setReopened(false);
      setLocked(false);
      setGeneration((value) => value + 1);
    });
  }, [user.id, document.id]);

  const gone = notice.kind === 'gone';
  const canEdit = info.canEdit && !gone;
  const reason = gone ? null : readOnlyReason(info.permission);
  const role =
    info.participantRole && isParticipantRole(info.participantRole) ? info.participantRole : null;
  // How this person appears in their own presence entry, as the server shows them to others.
  const me: CaretUser = {
    name: role ? creditedName(user, role) : user.name,
    color: info.color ?? user.color,
    role: role ? participantRoleLabels[role] : '',
  };
  const onRenamed = (title: string) => onInfoChange({ ...info, document: { ...document, title } });

  return (
    <div className="document-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Your workspaces</Link>
        {workspace ? (
          <>
            <span aria-hidden="true" className="breadcrumb__separator">
              /
            </span>
            <Link href={`/workspaces/${workspace.id}`}>Back to {workspace.name}</Link>
          </>
        ) : null}
      </nav>
      <PageHeading className="document-page__title">{document.title}</PageHeading>
      <p className="document-page__kind">
        {documentKindLabels[document.kind]}
        {' · '}
        <Link href={`/documents/${document.id}/contributions`}>Contributions</Link>
        {' · '}
        <Link href={`/documents/${document.id}/versions`}>Versions</Link>
        {' · '}
        {/* Quotes without consent and names people did not agree to are left out (server). */}
        <a href={`/api/documents/${encodeURIComponent(document.id)}/export.docx`} download>
          Download as Word document
        </a>
        {document.kind === 'procurement_evaluation' ? (
          <>
            {' · '}
            <Link href={`/documents/${document.id}/evaluation`}>Scoring</Link>
          </>
        ) : null}
        {info.canManage && !gone ? (
          <>
            {' · '}
            <Link href={`/documents/${document.id}/access`}>Sharing</Link>
          </>
        ) : null}
      </p>
      <WordDownload documentId={document.id} />
      {reason ? <p className="document-page__permission">{reason}</p> : null}
      {/* Not an alert: the server also sends a connection away when the document is only
          closed or reopened, and the answer may show nothing changed for this person. */}
      {notice.kind === 'checking' ? (
        <p className="access-checking" role="status">
          Checking what you can do in this document…
        </p>
      ) : null}
      {notice.kind === 'none' || notice.kind === 'checking' ? null : (
        <AccessAlert notice={notice} onRetry={recheck} />
      )}
      {canEdit ? (
        <RenameForm
          key={`rename-${generation}`}
          documentId={document.id}
          title={document.title}
          onRenamed={onRenamed}
        />
      ) : null}
      <LiveDocument
        key={`live-${generation}`}
        documentId={document.id}
        kind={document.kind}
        isOwner={info.permission === 'owner' && !gone}
        canEdit={canEdit}
        locked={locked}
        reopened={reopened}
        onResume={resume}
        onStatus={onStatus}
        canComment={(info.canComment ?? false) && !gone}
        me={me}
        accountId={user.id}
        onForbidden={onForbidden}
      />
    </div>
  );
}

function AccessAlert({ notice, onRetry }: { notice: AccessNotice; onRetry: () => void }) {
  return (
    <div className="access-alert" role="alert">
      <p>
        <strong>Your access to this document changed.</strong>
      </p>
      {notice.kind === 'changed' ? <p>{nowAllowed(notice.permission)}</p> : null}
      {notice.kind === 'gone' ? (
        <>
          <p>
            You no longer have access to this document. The text you had open is still shown below,
            read-only, so you can copy what you need.
          </p>
          <p>
            <Link href="/">Go back to your workspaces</Link>
          </p>
        </>
      ) : null}
      {notice.kind === 'failed' ? (
        <>
          <p>{notice.message}</p>
          <Button variant="secondary" onClick={onRetry}>
            Check again
          </Button>
        </>
      ) : null}
    </div>
  );
}

/** The socket, editor and presence of one connection; remounted to reconnect. */
function LiveDocument({
  documentId,
  kind,
  isOwner,
  canEdit,
  locked,
  reopened,
  onResume,
  onStatus,
  canComment,
  me,
  accountId,
  onForbidden,
}: {
  documentId: string;
  kind: DocumentKind;
  isOwner: boolean;
  /** What the permission allows (the offline copy and the status moves follow it). */
  canEdit: boolean;
  /** The document is closed: its text is read-only for everyone now. */
  locked: boolean;
  /** Reopened, waiting to start again from the server's copy (see `onResume`). */
  reopened: boolean;
  onResume: () => void;
  onStatus: (status: string) => void;
  canComment: boolean;
  me: CaretUser;
  accountId: string;
  onForbidden: () => void;
}) {
  // Only people who may edit keep an offline copy: a reader has nothing to send later.
  const connection = useDocumentConnection(documentId, onForbidden, canEdit ? accountId : null);
  const people = usePresence(connection?.provider ?? null);
  const [editor, setEditor] = useState<Editor | null>(null);
  return (
    <div className="document-page__layout">
      <div className="document-page__main">
        {connection ? (
          <ConnectedEditor
            connection={connection}
            kind={kind}
            canEdit={canEdit}
            locked={locked}
            reopened={reopened}
            onResume={onResume}
            canComment={canComment}
            me={me}
            onEditor={setEditor}
          />
        ) : (
          <p className="save-status" role="status" aria-live="polite">
            Connecting…
          </p>
        )}
      </div>
      <div className="document-page__side">
        {connection && hasLifecycle(kind) ? (
          <StatusPanel
            key={connection.doc.guid}
            documentId={documentId}
            kind={kind}
            connection={connection}
            accountId={accountId}
            canEdit={canEdit}
            isOwner={isOwner}
            onStatus={onStatus}
          />
        ) : null}
        <aside className="document-page__aside" aria-labelledby="presence-heading">
          <PresenceList people={people} />
        </aside>
        {connection && editor && !editor.isDestroyed ? (
          <CommentsPanel
            key={connection.doc.guid}
            editor={editor}
            connection={connection}
            documentId={documentId}
            canComment={canComment}
            canEdit={canEdit}
            textLocked={locked}
            accountId={accountId}
          />
        ) : null}
      </div>
    </div>
  );
}

/**
 * Why the connection closed for good, or null while it is open. Only this re-renders the
 * editor's surroundings; the save line follows every other change by itself.
 */
function useClosedMessage(tracker: SaveTracker): string | null {
  const subscribe = useCallback((onChange: () => void) => tracker.subscribe(onChange), [tracker]);
  return useSyncExternalStore(subscribe, () =>
    tracker.state.kind === 'closed' ? tracker.state.message : null,
  );
}

/**
 * Whether the text locked while this person had changes the server had not confirmed: they
 * stay on screen (the server refused them), and the page says so, until a confirmation
 * that arrives after the closing covers them (see `heldWords.ts`).
 */
function useHeldAtClosing(tracker: SaveTracker, locked: boolean): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    setHeld(heldAsItLocks(tracker, locked));
    if (!locked) return;
    return tracker.subscribe(() => setHeld((now) => heldAfterChange(now, tracker)));
  }, [tracker, locked]);
  return held;
}

function ConnectedEditor({
  connection,
  kind,
  canEdit,
  locked,
  reopened,
  onResume,
  canComment,
  me,
  onEditor,
}: {
  connection: DocumentConnection;
  kind: DocumentKind;
  canEdit: boolean;
  locked: boolean;
  reopened: boolean;
  onResume: () => void;
  canComment: boolean;
  me: CaretUser;
  onEditor: (editor: Editor) => void;
}) {
  const closedMessage = useClosedMessage(connection.tracker);
  const closed = closedMessage !== null;
  // An access change is explained (and recovered from) by the page, not with "reload".
  const accessChanged = closedMessage === forbiddenMessage;
  const heldText = useHeldAtClosing(connection.tracker, canEdit && locked);
  // The editor is built again when the text locks or unlocks: focus that was in the old
  // one goes to the new one, not back to the start of the page (WCAG 2.4.3).
  const lockedBefore = useRef(locked);
  const refocus = useRef(false);
  if (lockedBefore.current !== locked) {
    lockedBefore.current = locked;
    refocus.current = document.activeElement?.closest('.ProseMirror') != null;
  }
  const onEditorBuilt = useCallback(
    (editor: Editor) => {
      onEditor(editor);
      if (!refocus.current) return;
      refocus.current = false;
      requestAnimationFrame(() => {
        if (!editor.isDestroyed) editor.commands.focus(null, { scrollIntoView: false });
      });
    },
    [onEditor],
  );
  // Reopened with nothing refused on screen: start again from the server's copy at once.
  useEffect(() => {
    if (reopened && !heldText) onResume();
  }, [reopened, heldText, onResume]);
  return (
    <>
      <SaveStatus tracker={connection.tracker} readOnly={!canEdit || locked} />
      {heldText && !reopened ? (
        <div className="closed-alert" role="alert">
          <p>
            <strong>This document was closed while you were typing.</strong> What you typed last may
            not have been saved: it is still shown below so you can copy it. An owner can reopen the
            document by moving its status back.
          </p>
        </div>
      ) : null}
      {heldText && reopened ? (
        <div className="closed-alert" role="alert">
          <p>
            <strong>The document has been reopened.</strong> What you typed while it was closed was
            not saved, and is still shown below. Copy it first if you want it: carrying on starts
            the editor again from the saved text, without those words.
          </p>
          <Button variant="secondary" onClick={onResume}>
            Carry on editing from the saved text
          </Button>
        </div>
      ) : null}
      {closed && !accessChanged ? (
        <div className="closed-alert" role="alert">
          <p>
            <strong>Editing has stopped.</strong> {closedMessage} What you typed is still shown
            below so you can copy it.
          </p>
          <Button variant="secondary" onClick={() => window.location.reload()}>
            Reload the page
          </Button>
        </div>
      ) : null}
      <CollaborativeEditor
        // Built again when the text locks, so that every block's own controls follow; the
        // Y.Doc (and what was typed in it) stays.
        key={`${connection.doc.guid}:${locked}`}
        connection={connection}
        user={me}
        editable={canEdit && !locked && !closed}
        navigable={canComment && !closed}
        onEditor={onEditorBuilt}
        kind={kind}
      />
    </>
  );
}
