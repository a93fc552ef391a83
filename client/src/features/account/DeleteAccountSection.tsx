import { deleteAccountSchema } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
import { ACCOUNT_DELETED_KEY, deleteAccount, deletionPlan } from './accountApi.ts';

const inputIds = { password: 'delete-account-password' };

/**
 * Deleting one's own account, confirmed with the password. It says beforehand what
 * happens to what the person wrote (it stays, credited to their role only) and to the
 * workspaces they are in, and why it cannot go ahead while they are a workspace's only owner.
 */
export function DeleteAccountSection() {
  const { state } = useApiQuery('deletion', deletionPlan);
  const [password, setPassword] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);
  const blockedBy = state.status === 'ready' ? state.data.blockedBy : [];
  const alone = state.status === 'ready' ? state.data.alone : [];

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    await submit(deleteAccountSchema, { password }, async (data) => {
      await deleteAccount(data);
      // A fresh start: every session has ended, so nothing of this page's state is kept.
      // The sign-in page says why (from this tab's storage, which no link can set).
      sessionStorage.setItem(ACCOUNT_DELETED_KEY, '1');
      window.location.assign('/signin');
    });
  };

  return (
    <section aria-labelledby="delete-account-heading" className="section panel">
      <h2 id="delete-account-heading">Delete your account</h2>
      <p>
        Your name, email address and password are removed, and you are signed out everywhere. What
        you wrote stays in the documents, because it is part of the group’s work: it is credited to
        your role only (for example “A patient”), never to your name.
      </p>
      {alone.length > 0 ? (
        <p>
          You are the only member of {alone.map((w) => `“${w.name}”`).join(', ')}:{' '}
          {alone.length === 1 ? 'it is' : 'they are'} erased with your account: documents, their
          history and invite links included.
        </p>
      ) : null}
      {state.status === 'error' ? (
        <p className="inline-alert" role="alert">
          {state.error.message}
        </p>
      ) : null}
      {blockedBy.length > 0 ? (
        <p className="inline-alert" role="alert">
          You are the only owner of {blockedBy.map((w) => `“${w.name}”`).join(', ')}. Make another
          member an owner there first, so the workspace is not left without one.
        </p>
      ) : (
        <>
          <FormError message={formMessage} fieldErrors={summary} />
          <form className="stack" onSubmit={onSubmit} noValidate aria-label="Delete your account">
            <TextField
              id={inputIds.password}
              label="Your password"
              hint="Enter it to confirm that you want to delete your account. This cannot be undone."
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={setPassword}
              error={errors.password}
            />
            <div>
              <Button type="submit" busy={busy}>
                Delete my account
              </Button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
