import { useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { useCurrentUser } from '../auth/useAuth.ts';
import { sendConfirmationEmail } from './accountApi.ts';

/**
 * Whether the person's email address is confirmed (proven theirs with the emailed link),
 * and, while it is not and this server sends email, a button to send the link again, its
 * outcome said in a status message (or an alert when refused, with the server's words).
 */
export function EmailAddressStatus({ emailAvailable }: { emailAvailable: boolean }) {
  const user = useCurrentUser();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const sendAgain = async () => {
    if (busy) return;
    setBusy(true);
    setStatus('');
    setProblem(null);
    try {
      const { sentTo } = await sendConfirmationEmail();
      setStatus(
        `Sent to ${sentTo}. Open the link in that email to confirm your address; it works for 24 hours. If it does not arrive, check your spam folder.`,
      );
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error.message
          : 'The email was not sent. Check your connection and try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack" id="email-address">
      <p>
        Your email address: <strong>{user.email}</strong>{' '}
        <span
          className={user.emailConfirmed ? 'email-state email-state--confirmed' : 'email-state'}
        >
          {user.emailConfirmed ? 'Confirmed' : 'Not confirmed'}
        </span>
      </p>
      {/* With no mail server, the section says below that nothing can be sent or confirmed. */}
      {user.emailConfirmed || !emailAvailable ? null : (
        <>
          <p id="email-unconfirmed">
            When you signed up, Chorus sent a link to this address. Open it to confirm that the
            address is yours: until then, Chorus sends it no emails.
          </p>
          <div>
            <Button variant="secondary" busy={busy} onClick={() => void sendAgain()}>
              Send the confirmation email again
            </Button>
          </div>
        </>
      )}
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <p role="status" className="confirmation">
        {status}
      </p>
    </div>
  );
}
