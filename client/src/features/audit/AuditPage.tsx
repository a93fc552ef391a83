import { type AuditAction, auditActions, can } from '@chorus/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { formatDateTime, isPermission } from '../workspaces/labels.ts';
import { getWorkspace, type WorkspaceDetail } from '../workspaces/workspacesApi.ts';
import { type AuditEntry, listAudit } from './auditApi.ts';
import { auditActionLabels, describeAuditEntry, isAuditAction } from './describeAudit.ts';

const PAGE_SIZE = 50;
const ALL = 'all';

/** The workspace's audit log for owners: who did what, newest first. */
export function AuditPage({ workspaceId }: { workspaceId: string }) {
  const { state } = useApiQuery(workspaceId, getWorkspace);
  useDocumentTitle(
    state.status === 'ready' ? `Audit log – ${state.data.workspace.name}` : 'Audit log',
  );
  if (state.status === 'loading') return <Loading label="Loading the audit log…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Audit log</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  const permission = state.data.workspace.permission;
  if (!can(isPermission(permission) ? permission : null, 'workspace.viewAudit')) {
    return (
      <>
        <PageHeading>Audit log</PageHeading>
        <ProblemPanel message="Only the owners of this workspace can see its audit log." />
      </>
    );
  }
  return <AuditView detail={state.data} />;
}

interface Filter {
  action: AuditAction | undefined;
  actorId: string | undefined;
}

type Page =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; entries: AuditEntry[]; more: boolean; loadingMore: boolean };

function AuditView({ detail }: { detail: WorkspaceDetail }) {
  const { workspace, members, documents } = detail;
  const [action, setAction] = useState<string>(ALL);
  const [actorId, setActorId] = useState<string>(ALL);
  const [filter, setFilter] = useState<Filter>({ action: undefined, actorId: undefined });
  const [page, setPage] = useState<Page>({ status: 'loading' });
  const request = useRef(0);
  const titles = new Map(documents.map((document) => [document.id, document.title]));

  useEffect(() => {
    const mine = ++request.current;
    setPage({ status: 'loading' });
    listAudit(workspace.id, { ...filter, limit: PAGE_SIZE }).then(
      (entries) => {
        if (mine === request.current)
          setPage({
            status: 'ready',
            entries,
            more: entries.length === PAGE_SIZE,
            loadingMore: false,
          });
      },
      (error: unknown) => {
        if (mine === request.current) setPage({ status: 'error', message: messageOf(error) });
      },
    );
  }, [workspace.id, filter]);

  const showOlder = async () => {
    if (page.status !== 'ready' || page.loadingMore) return;
    const last = page.entries.at(-1);
    if (!last) return;
    const mine = ++request.current;
    setPage({ ...page, loadingMore: true });
    try {
      const older = await listAudit(workspace.id, { ...filter, before: last.id, limit: PAGE_SIZE });
      if (mine !== request.current) return;
      setPage({
        status: 'ready',
        entries: [...page.entries, ...older],
        more: older.length === PAGE_SIZE,
        loadingMore: false,
      });
    } catch (error) {
      if (mine === request.current) setPage({ status: 'error', message: messageOf(error) });
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilter({
      action: isAuditAction(action) ? action : undefined,
      actorId: actorId === ALL ? undefined : actorId,
    });
  };

  const actionOptions = [
    { value: ALL, label: 'All actions' },
    ...auditActions.map((value) => ({ value, label: auditActionLabels[value] })),
  ];
  const personOptions = [
    { value: ALL, label: 'Everyone' },
    ...members.map((member) => ({ value: member.userId, label: member.name })),
  ];

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Your workspaces</Link>
        <span aria-hidden="true" className="breadcrumb__separator">
          /
        </span>
        <Link href={`/workspaces/${workspace.id}`}>Back to {workspace.name}</Link>
      </nav>
      <PageHeading>Audit log</PageHeading>
      <p className="lede">
        Everything that happened in {workspace.name}, newest first, including the sign-ins of its
        members. Entries are never changed or deleted.
      </p>
      <form className="filters" onSubmit={onSubmit} aria-label="Filter the audit log">
        <SelectField label="Action" options={actionOptions} value={action} onChange={setAction} />
        <SelectField label="Person" options={personOptions} value={actorId} onChange={setActorId} />
        <div className="filters__submit">
          <Button type="submit" variant="secondary">
            Apply filters
          </Button>
        </div>
      </form>
      <div className="section">
        {page.status === 'loading' ? <Loading label="Loading entries…" /> : null}
        {page.status === 'error' ? (
          <p className="inline-alert" role="alert">
            {page.message}
          </p>
        ) : null}
        {page.status === 'ready' ? (
          <>
            <p role="status" className="audit__count">
              {page.entries.length === 0
                ? 'No entries match these filters.'
                : `Showing ${page.entries.length} ${page.entries.length === 1 ? 'entry' : 'entries'}.`}
            </p>
            {page.entries.length > 0 ? (
              <table className="data-table audit-table">
                <caption>Audit log</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {page.entries.map((entry) => (
                    <tr key={entry.id}>
                      <td data-label="When">
                        <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                      </td>
                      <td data-label="Who">{entry.actorName ?? 'Unknown'}</td>
                      <td data-label="What">{describeAuditEntry(entry, titles)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {page.more ? (
              <div className="button-row">
                <Button variant="secondary" busy={page.loadingMore} onClick={showOlder}>
                  Show older
                </Button>
              </div>
            ) : null}
          </>
        ) : null}
      </div>
    </>
  );
}

function messageOf(error: unknown): string {
  return error instanceof ApiError
    ? error.message
    : 'The audit log could not be loaded. Try again.';
}
