import { can, documentKindLabels, type Permission, threadPath } from '@chorus/shared';
import { useState } from 'react';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { InvitesPanel } from '../invites/InvitesPanel.tsx';
import { LeaveWorkspace } from '../members/LeaveWorkspace.tsx';
import { MembersTable } from '../members/MembersTable.tsx';
import { AddMemberForm } from './AddMemberForm.tsx';
import { CreateDocumentForm } from './CreateDocumentForm.tsx';
import { isPermission, permissionLabel, roleLabel } from './labels.ts';
import {
  deleteDocument,
  getWorkspace,
  type Mention,
  type WorkspaceDetail,
} from './workspacesApi.ts';

export function WorkspacePage({ workspaceId }: { workspaceId: string }) {
  const { state, reload } = useApiQuery(workspaceId, getWorkspace);
  useDocumentTitle(
    state.status === 'ready'
      ? state.data.workspace.name
      : state.status === 'error'
        ? 'Workspace not available'
        : 'Loading workspace',
  );

  if (state.status === 'loading') return <Loading label="Loading the workspace…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Workspace not available</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  return <WorkspaceView detail={state.data} onChanged={reload} />;
}

function WorkspaceView({ detail, onChanged }: { detail: WorkspaceDetail; onChanged: () => void }) {
  const { workspace, documents, members, me, mentions } = detail;
  const permission: Permission | null = isPermission(workspace.permission)
    ? workspace.permission
    : null;
  // Only to hide what this person cannot do; the server checks every request itself.
  const manage = can(permission, 'workspace.manageMembers');
  const [documentStatus, setDocumentStatus] = useState('');
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Your workspaces</Link>
      </nav>
      <PageHeading>{workspace.name}</PageHeading>
      <p className="lede">
        Your permission here: {permissionLabel(workspace.permission)}. Your role in the group:{' '}
        {roleLabel(me.participantRole)}.
      </p>
      {can(permission, 'workspace.viewAudit') ? (
        <p>
          <Link href={`/workspaces/${workspace.id}/audit`}>Audit log</Link>
        </p>
      ) : null}

      {mentions.length > 0 ? <MentionsOfYou mentions={mentions} /> : null}

      <section aria-labelledby="documents-heading" className="section">
        <h2 id="documents-heading">Documents</h2>
        {documents.length === 0 ? (
          <p>There are no documents yet.</p>
        ) : (
          <ul className="card-list">
            {documents.map((document) => (
              <li key={document.id} className="card">
                <div className="card__main">
                  <Link href={`/documents/${document.id}`} className="card__link">
                    {document.title}
                  </Link>
                  <span className="card__meta">{documentKindLabels[document.kind]}</span>
                </div>
                {can(permission, 'document.delete') ? (
                  <ConfirmAction
                    className="card__action"
                    trigger={
                      <>
                        Delete<span className="visually-hidden"> {document.title}</span>
                      </>
                    }
                    question={`Are you sure? “${document.title}” will be deleted for everyone.`}
                    confirmLabel={`Delete ${document.title}`}
                    onConfirm={async () => {
                      await deleteDocument(document.id);
                      setDocumentStatus(`“${document.title}” was deleted.`);
                      onChanged();
                    }}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <p role="status" className="confirmation">
          {documentStatus}
        </p>
      </section>

      {can(permission, 'document.create') ? (
        <CreateDocumentForm workspaceId={workspace.id} />
      ) : null}

      <section aria-labelledby="members-heading" className="section">
        <h2 id="members-heading">Members</h2>
        <MembersTable
          workspaceId={workspace.id}
          members={members}
          myUserId={me.userId}
          manage={manage}
          onChanged={onChanged}
        />
        {manage ? <AddMemberForm workspaceId={workspace.id} onAdded={onChanged} /> : null}
        <LeaveWorkspace
          workspaceId={workspace.id}
          workspaceName={workspace.name}
          myUserId={me.userId}
        />
      </section>

      {can(permission, 'workspace.invite') ? <InvitesPanel workspaceId={workspace.id} /> : null}
    </>
  );
}

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** Open comment threads that mention this person: what others are waiting for them on. */
function MentionsOfYou({ mentions }: { mentions: readonly Mention[] }) {
  return (
    <section aria-labelledby="mentions-heading" className="section">
      <h2 id="mentions-heading">Mentions of you</h2>
      <p>Comments that mention you, in threads not yet resolved, newest first.</p>
      <ul className="card-list">
        {mentions.map((m) => (
          <li key={`${m.threadId}:${m.at}`} className="card">
            <div className="card__main">
              <Link href={threadPath(m.documentId, m.threadId)} className="card__link">
                {m.byName} in {m.documentTitle}
              </Link>
              <span className="card__meta">
                On “{m.quote}”, <time dateTime={m.at}>{when(m.at)}</time>
              </span>
              <p className="mention__body">{m.body}</p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
