import { PageHeading } from '../../ui/PageHeading.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { DeleteAccountSection } from './DeleteAccountSection.tsx';
import { EmailPreferences } from './EmailPreferences.tsx';
import { PasswordForm } from './PasswordForm.tsx';
import { ProfileForm } from './ProfileForm.tsx';
import { SessionsList } from './SessionsList.tsx';
import { useSessions } from './useSessions.ts';

/**
 * A person's own account: name and credit, emails, password, where they are signed in,
 * deletion.
 */
export function AccountPage() {
  useDocumentTitle('Your account');
  const sessions = useSessions();
  return (
    <>
      <PageHeading>Your account</PageHeading>
      <ProfileForm />
      <EmailPreferences />
      <PasswordForm onChanged={sessions.reload} />
      <SessionsList sessions={sessions} />
      <DeleteAccountSection />
    </>
  );
}
