import { createWorkspaceSchema } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { navigate } from '../../routes/navigation.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
import { ConfirmEmailReminder } from '../account/ConfirmEmailReminder.tsx';
import { permissionLabel } from './labels.ts';
import { createWorkspace, listWorkspaces } from './workspacesApi.ts';

export function HomePage() {
  useDocumentTitle('Your workspaces');
  const { state } = useApiQuery('me', listWorkspaces);
  return (
    <>
      <PageHeading>Your workspaces</PageHeading>
      <ConfirmEmailReminder />
      <section aria-labelledby="workspace-list-heading" className="section">
        <h2 id="workspace-list-heading" className="visually-hidden">
          Workspace list
        </h2>
        {state.status === 'loading' ? <Loading label="Loading your workspaces…" /> : null}
        {state.status === 'error' ? <ProblemPanel message={state.error.message} /> : null}
        {state.status === 'ready' && state.data.length === 0 ? (
          <p>You are not in any workspaces yet. Create one below, or ask an owner to add you.</p>
        ) : null}
        {state.status === 'ready' && state.data.length > 0 ? (
          <ul className="card-list">
            {state.data.map((workspace) => (
              <li key={workspace.id} className="card">
                <Link href={`/workspaces/${workspace.id}`} className="card__link">
                  {workspace.name}
                </Link>
                <span className="card__meta">{permissionLabel(workspace.permission)}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <CreateWorkspaceForm />
    </>
  );
}

const inputIds = { name: 'workspace-name' } as const;

function CreateWorkspaceForm() {
  const [name, setName] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    await submit(createWorkspaceSchema, { name }, async (data) => {
      const workspace = await createWorkspace(data);
      navigate(`/workspaces/${workspace.id}`);
    });
  };

  return (
    <section aria-labelledby="create-workspace-heading" className="section panel">
      <h2 id="create-workspace-heading">Create a workspace</h2>
      <p>A workspace holds the documents for one piece of work and the people working on it.</p>
      <FormError message={formMessage} fieldErrors={summary} />
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={inputIds.name}
          label="Workspace name"
          hint="For example: Community diabetes service redesign"
          autoComplete="off"
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <div>
          <Button type="submit" busy={busy}>
            Create workspace
          </Button>
        </div>
      </form>
    </section>
  );
}
