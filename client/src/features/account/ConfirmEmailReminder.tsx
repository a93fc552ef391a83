import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { useCurrentUser } from '../auth/useAuth.ts';
import { getPreferences } from './accountApi.ts';

/**
 * On the home page, while the person's address is not confirmed and this server sends
 * email: without it they get no email when someone mentions them, and people whose
 * accounts were made before confirmation existed were never sent a link, so they would
 * otherwise never learn why.
 */
export function ConfirmEmailReminder() {
  const user = useCurrentUser();
  return user.emailConfirmed ? null : <Reminder email={user.email} />;
}

function Reminder({ email }: { email: string }) {
  const { state } = useApiQuery('preferences', getPreferences);
  if (state.status !== 'ready') return null;
  if (!state.data.emailAvailable || !state.data.emailMentions) return null;
  return (
    <section aria-labelledby="confirm-email-reminder-heading" className="section notice">
      <h2 id="confirm-email-reminder-heading">Confirm your email address</h2>
      <p>
        Chorus emails you when someone mentions you only once you have confirmed that {email} is
        yours. <Link href="/account#email-preferences">Confirm it on the account page</Link>.
      </p>
    </section>
  );
}
