import { updatePreferencesSchema } from '@chorus/shared';
import { useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { useCurrentUser } from '../auth/useAuth.ts';
import { getPreferences, updatePreferences } from './accountApi.ts';
import { EmailAddressStatus } from './EmailAddressStatus.tsx';

/**
 * The email address and whether it is confirmed (see `EmailAddressStatus`), then
 * "Email me when someone mentions me": saved as soon as it is ticked or unticked (a
 * checkbox alone, like a switch), with the outcome said in a status message. The section's
 * id is where the emails' "turn these off" link leads.
 */
export function EmailPreferences() {
  const user = useCurrentUser();
  const { state, setData } = useApiQuery('preferences', getPreferences);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const change = async (emailMentions: boolean) => {
    if (state.status !== 'ready' || busy) return;
    const before = state.data;
    const input = updatePreferencesSchema.parse({ emailMentions });
    // Shown at once; put back if the server refuses, so the box always says what is kept.
    setData({ ...before, emailMentions });
    setBusy(true);
    setProblem(null);
    setStatus('');
    try {
      const saved = await updatePreferences(input);
      setData(saved);
      setStatus(
        saved.emailMentions
          ? 'Saved. You will get an email when someone mentions you and you have not read it in Chorus.'
          : 'Saved. You will not get emails when someone mentions you.',
      );
    } catch (error) {
      setData(before);
      setProblem(
        error instanceof ApiError
          ? error.message
          : 'Your choice was not saved. Check your connection and try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="email-preferences-heading" className="section" id="email-preferences">
      <h2 id="email-preferences-heading">Emails</h2>
      {state.status === 'loading' ? <p className="loading">Loading your email settings…</p> : null}
      {state.status === 'error' || problem ? (
        <p className="inline-alert" role="alert">
          {problem ?? (state.status === 'error' ? state.error.message : null)}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <>
          <EmailAddressStatus emailAvailable={state.data.emailAvailable} />
          {state.data.emailAvailable ? null : (
            <p id="email-unavailable">
              This Chorus server is not set up to send email, so it sends none for now
              {user.emailConfirmed ? '' : ', and cannot confirm your address'}. Your choice is kept
              for when it is.
            </p>
          )}
          <div className="checkbox">
            <input
              type="checkbox"
              id="email-mentions"
              checked={state.data.emailMentions}
              aria-describedby={[
                'email-mentions-hint',
                state.data.emailAvailable ? null : 'email-unavailable',
                user.emailConfirmed ? null : 'email-mentions-wait',
              ]
                .filter(Boolean)
                .join(' ')}
              onChange={(event) => void change(event.target.checked)}
            />
            <label htmlFor="email-mentions">Email me when someone mentions me</label>
          </div>
          <p id="email-mentions-hint" className="field__hint">
            Sent a few minutes after someone mentions you, only if you have not read the mention in
            Chorus by then. The email says who mentioned you, in which document, with a link; it
            never holds what they wrote, because comments can hold health information and stay in
            Chorus.
          </p>
          {user.emailConfirmed ? null : (
            <p id="email-mentions-wait" className="field__hint">
              These emails go only to a confirmed address: until you confirm yours, they wait (for a
              week at most), and are sent then if you still have not read the mentions.
            </p>
          )}
        </>
      ) : null}
      <p role="status" className="confirmation">
        {status}
      </p>
    </section>
  );
}
