import { PageHeading } from '../../ui/PageHeading.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { SessionsList } from './SessionsList.tsx';
import { useSessions } from './useSessions.ts';

/** A person's own account: name and credit, password, and where they are signed in. */
export function AccountPage() {
  useDocumentTitle('Your account');
  const sessions = useSessions();
  return (
    <>
      <PageHeading>Your account</PageHeading>
      <ProfileForm />
      <PasswordForm onChanged={sessions.reload} />
      <SessionsList sessions={sessions} />
    </>
  );
}
