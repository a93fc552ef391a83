import { documentKindLabels } from '@chorus/shared';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { CollaborativeEditor } from '../../editor/CollaborativeEditor.tsx';
import { Link } from '../../routes/Link.tsx';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { useSaveState } from '../../sync/useSaveState.ts';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { useCurrentUser } from '../auth/useAuth.ts';
import { type DocumentInfo, getDocument } from './documentsApi.ts';
import { PresenceList } from './PresenceList.tsx';
import { RenameForm } from './RenameForm.tsx';
import { SaveStatus } from './SaveStatus.tsx';
import { useDocumentConnection } from './useDocumentConnection.ts';
import { usePresence } from './usePresence.ts';

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

function DocumentWorkspace({
  info,
  onInfoChange,
}: {
  info: DocumentInfo;
  onInfoChange: (info: DocumentInfo) => void;
}) {
  const { document, workspace, canEdit } = info;
  const connection = useDocumentConnection(document.id);
  const people = usePresence(connection?.provider ?? null);

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
        {canEdit ? null : ' · You can read this document but not change it.'}
      </p>
      {canEdit ? (
        <RenameForm documentId={document.id} title={document.title} onRenamed={onRenamed} />
      ) : null}
      <div className="document-page__layout">
        <div className="document-page__main">
          {connection ? (
            <ConnectedEditor connection={connection} canEdit={canEdit} />
          ) : (
            <p className="save-status" role="status" aria-live="polite">
              Connecting…
            </p>
          )}
        </div>
        <aside className="document-page__aside" aria-labelledby="presence-heading">
          <PresenceList people={people} />
        </aside>
      </div>
    </div>
  );
}

function ConnectedEditor({
  connection,
  canEdit,
}: {
  connection: DocumentConnection;
  canEdit: boolean;
}) {
  const user = useCurrentUser();
  const saveState = useSaveState(connection.tracker);
  const closed = saveState.kind === 'closed';
  return (
    <>
      <SaveStatus state={saveState} />
      {closed ? (
        <div className="closed-alert" role="alert">
          <p>
            <strong>Editing has stopped.</strong> {saveState.message} What you typed is still shown
            below so you can copy it.
          </p>
          <Button variant="secondary" onClick={() => window.location.reload()}>
            Reload the page
          </Button>
        </div>
      ) : null}
      <CollaborativeEditor
        key={connection.doc.guid}
        connection={connection}
        user={{ name: user.name, color: user.color }}
        editable={canEdit && !closed}
      />
    </>
  );
}
