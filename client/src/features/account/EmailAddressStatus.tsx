import { durationWords } from '@chorus/shared';
import { useEffect, useState } from 'react';
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
  // After a send, the button rests until another would be allowed (the server says when),
  // with the reason in words, rather than inviting a press that would be refused.
  const [resting, setResting] = useState<string | null>(null);
  const [restUntil, setRestUntil] = useState(0);
  useEffect(() => {
    if (restUntil === 0) return;
    const timer = setTimeout(() => setResting(null), Math.max(0, restUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [restUntil]);

  const sendAgain = async () => {
    if (busy || resting) return;
    setBusy(true);
    setStatus('');
    setProblem(null);
    try {
      const { sentTo, linkValidForMs, sendAgainInMs } = await sendConfirmationEmail();
      setStatus(
        `Sent to ${sentTo}. Open the link in that email to confirm your address; it works for ${durationWords(linkValidForMs)}. If it does not arrive, check your spam folder.`,
      );
      if (sendAgainInMs > 0) {
        setResting(
          `An email was just sent: you can ask for another in ${durationWords(sendAgainInMs)}, once you have checked your inbox and spam folder.`,
        );
        setRestUntil(Date.now() + sendAgainInMs);
      }
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
            <Button
              variant="secondary"
              busy={busy}
              aria-disabled={busy || resting !== null || undefined}
              aria-describedby={resting ? 'email-unconfirmed email-resting' : 'email-unconfirmed'}
              onClick={() => void sendAgain()}
            >
              Send the confirmation email again
            </Button>
          </div>
          {resting ? <p id="email-resting">{resting}</p> : null}
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
