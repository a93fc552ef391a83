import { type DocumentPermission, documentPermissions, permissionLabels } from '@chorus/shared';
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { permissionLabel } from '../workspaces/labels.ts';
import { getWorkspace, type WorkspaceMember } from '../workspaces/workspacesApi.ts';
import {
  type DocumentAccess,
  type DocumentInfo,
  getDocument,
  getDocumentAccess,
  setDocumentAccess,
} from './documentsApi.ts';

interface SharingData {
  info: DocumentInfo;
  members: WorkspaceMember[];
  access: DocumentAccess;
}

async function loadSharing(documentId: string): Promise<SharingData> {
  const [info, access] = await Promise.all([
    getDocument(documentId),
    getDocumentAccess(documentId),
  ]);
  const members = (await getWorkspace(info.document.workspaceId)).members;
  return { info, members, access };
}

/** Owners choose who may open one document, and with what permission. */
export function DocumentAccessPage({ documentId }: { documentId: string }) {
  const { state } = useApiQuery(documentId, loadSharing);
  useDocumentTitle(
    state.status === 'ready' ? `Sharing – ${state.data.info.document.title}` : 'Sharing',
  );
  if (state.status === 'loading') return <Loading label="Loading sharing…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Sharing</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  return <SharingForm data={state.data} />;
}

type Choice = DocumentPermission | 'default';
const choiceLabels: Record<DocumentPermission, string> = {
  ...permissionLabels,
  none: 'No access',
};

function SharingForm({ data }: { data: SharingData }) {
  const { info, members } = data;
  const checkboxId = useId();
  const [restricted, setRestricted] = useState(data.access.restricted);
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(data.access.overrides.map((o) => [o.userId, o.permission])),
  );
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = info.document.title;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setStatus('');
    const overrides = members.flatMap((member) => {
      const choice = choices[member.userId] ?? 'default';
      return choice === 'default' || member.permission === 'owner'
        ? []
        : [{ userId: member.userId, permission: choice }];
    });
    try {
      await setDocumentAccess(info.document.id, { restricted, overrides });
      setStatus('Sharing saved. People with this document open now see what they may do.');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'Sharing was not saved. Try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/documents/${info.document.id}`}>Back to {title}</Link>
      </nav>
      <PageHeading>Sharing “{title}”</PageHeading>
      <p className="lede">
        By default everyone in {info.workspace?.name ?? 'the workspace'} can open this document with
        their workspace permission. Owners can always open it.
      </p>
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Sharing">
        <div className="checkbox">
          <input
            id={checkboxId}
            type="checkbox"
            checked={restricted}
            onChange={(event) => setRestricted(event.target.checked)}
          />
          <label htmlFor={checkboxId}>Only people chosen below can open this document</label>
        </div>
        <table className="data-table">
          <caption className="visually-hidden">Access for each member</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Workspace permission</th>
              <th scope="col">Access to this document</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const fallback = restricted
                ? 'Default (no access while restricted)'
                : `Workspace default (${permissionLabel(member.permission)})`;
              const options = [
                { value: 'default' as Choice, label: fallback },
                ...documentPermissions.map((value) => ({
                  value: value as Choice,
                  label: choiceLabels[value],
                })),
              ];
              return (
                <tr key={member.userId}>
                  <th scope="row" data-label="Person">
                    {member.name}
                  </th>
                  <td data-label="Workspace permission">{permissionLabel(member.permission)}</td>
                  <td data-label="Access to this document">
                    {member.permission === 'owner' ? (
                      'Owner (always)'
                    ) : (
                      <SelectField
                        label={`Access for ${member.name}`}
                        hideLabel
                        options={options}
                        value={choices[member.userId] ?? 'default'}
                        onChange={(choice) =>
                          setChoices((current) => ({ ...current, [member.userId]: choice }))
                        }
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div>
          <Button type="submit" busy={busy}>
            Save sharing
          </Button>
        </div>
      </form>
      <p role="status" className="confirmation">
        {status}
      </p>
    </>
  );
}
