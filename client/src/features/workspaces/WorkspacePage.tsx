import { can, documentKindLabels, type Permission } from '@chorus/shared';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { AddMemberForm } from './AddMemberForm.tsx';
import { CreateDocumentForm } from './CreateDocumentForm.tsx';
import {
  getWorkspace,
  permissionLabel,
  type WorkspaceDetail,
  type WorkspaceMember,
} from './workspacesApi.ts';

export function WorkspacePage({ workspaceId }: { workspaceId: string }) {
  const { state, setData } = useApiQuery(workspaceId, getWorkspace);
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
  return <WorkspaceView detail={state.data} onChange={setData} />;
}

function WorkspaceView({
  detail,
  onChange,
}: {
  detail: WorkspaceDetail;
  onChange: (detail: WorkspaceDetail) => void;
}) {
  const { workspace, documents, members } = detail;
  const permission = workspace.permission as Permission;
  const addMember = (member: WorkspaceMember) =>
    onChange({ ...detail, members: [...members, member] });
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Your workspaces</Link>
      </nav>
      <PageHeading>{workspace.name}</PageHeading>
      <p className="lede">Your permission here: {permissionLabel(workspace.permission)}.</p>

      <section aria-labelledby="documents-heading" className="section">
        <h2 id="documents-heading">Documents</h2>
        {documents.length === 0 ? (
          <p>There are no documents yet.</p>
        ) : (
          <ul className="card-list">
            {documents.map((document) => (
              <li key={document.id} className="card">
                <Link href={`/documents/${document.id}`} className="card__link">
                  {document.title}
                </Link>
                <span className="card__meta">{documentKindLabels[document.kind]}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {can(permission, 'document.create') ? (
        <CreateDocumentForm workspaceId={workspace.id} />
      ) : null}

      <section aria-labelledby="members-heading" className="section">
        <h2 id="members-heading">Members</h2>
        <ul className="member-list">
          {members.map((member) => (
            <li key={member.userId} className="member">
              <span className="member__name">{member.name}</span>
              {member.email ? <span className="member__email">{member.email}</span> : null}
              <span className="member__permission">{permissionLabel(member.permission)}</span>
            </li>
          ))}
        </ul>
        {can(permission, 'workspace.manageMembers') ? (
          <AddMemberForm workspaceId={workspace.id} onAdded={addMember} />
        ) : null}
      </section>
    </>
  );
}
