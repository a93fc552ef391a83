import { CONFIRM_EMAIL_PATH, CONFIRM_EMAIL_TOKEN_PATTERN } from '@chorus/shared';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Link } from '../../routes/Link.tsx';
import { navigate } from '../../routes/navigation.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { confirmEmail } from './authApi.ts';
import { useAuth } from './useAuth.ts';

type Outcome =
  | { status: 'working' }
  | { status: 'confirmed'; email: string; already: boolean }
  | { status: 'failed'; message: string };

const NO_CODE =
  'This address has no confirmation code in it. Open the link from the email again, or copy all of it into the address bar.';

/**
 * Where the link in a confirmation email lands (`/confirm-email?token=…`), signed in or not:
 * the token alone proves the mailbox. The page takes the token out of the address bar
 * before anything else (so it is not left in the history, a bookmark or a shared screen;
 * the server also serves this page with `Referrer-Policy: no-referrer`), sends it once,
 * and says the outcome in words.
 */
export function ConfirmEmailPage() {
  const { auth, signedIn } = useAuth();
  // Read once, before the address is changed below.
  const [token] = useState(() => new URLSearchParams(window.location.search).get('token'));
  const [outcome, setOutcome] = useState<Outcome>({ status: 'working' });
  // Sent once even when React runs effects twice (StrictMode): a token works only once.
  const sent = useRef<Promise<Outcome> | null>(null);

  useEffect(() => {
    navigate(CONFIRM_EMAIL_PATH, { replace: true });
    sent.current ??=
      token && CONFIRM_EMAIL_TOKEN_PATTERN.test(token)
        ? confirmEmail({ token }).then(
            ({ email, alreadyConfirmed }): Outcome => ({
              status: 'confirmed',
              email,
              already: alreadyConfirmed === true,
            }),
            (error: unknown): Outcome => ({
              status: 'failed',
              message:
                error instanceof ApiError
                  ? error.message
                  : 'Your email address could not be confirmed. Check your connection and open the link again.',
            }),
          )
        : Promise.resolve({ status: 'failed', message: NO_CODE });
    let current = true;
    void sent.current.then((result) => {
      if (current) setOutcome(result);
    });
    return () => {
      current = false;
    };
  }, [token]);

  // The signed-in person's own address: their account page should say so without a reload.
  const signedInUser = auth.status === 'signedIn' ? auth.user : null;
  useEffect(() => {
    if (
      outcome.status === 'confirmed' &&
      signedInUser &&
      !signedInUser.emailConfirmed &&
      signedInUser.email === outcome.email
    ) {
      signedIn({ ...signedInUser, emailConfirmed: true });
    }
  }, [outcome, signedInUser, signedIn]);

  const isSignedIn = signedInUser !== null;
  useDocumentTitle(
    outcome.status === 'confirmed'
      ? 'Email address confirmed'
      : outcome.status === 'failed'
        ? 'Email address not confirmed'
        : 'Confirming your email address',
  );

  return (
    <div className="narrow">
      <PageHeading>
        {outcome.status === 'confirmed'
          ? 'Email address confirmed'
          : outcome.status === 'failed'
            ? 'Email address not confirmed'
            : 'Confirming your email address'}
      </PageHeading>
      <p role="status" className="confirmation">
        {outcome.status === 'working'
          ? 'Confirming your email address…'
          : outcome.status === 'confirmed'
            ? outcome.already
              ? `Your email address is already confirmed: ${outcome.email} is confirmed as yours, and there is nothing more to do.`
              : `${outcome.email} is confirmed as yours. Chorus can now email you, for example when someone mentions you.`
            : ''}
      </p>
      {outcome.status === 'failed' ? (
        <p className="inline-alert" role="alert">
          {outcome.message}
        </p>
      ) : null}
      {outcome.status === 'confirmed' ? (
        <p>
          {isSignedIn ? (
            <Link href="/">Go to your workspaces</Link>
          ) : (
            <Link href="/signin">Sign in to Chorus</Link>
          )}
        </p>
      ) : null}
      {outcome.status === 'failed' ? (
        <p>
          {isSignedIn ? (
            <Link href="/account#email-preferences">
              Go to Your account to send a new confirmation email
            </Link>
          ) : (
            <Link href={`/signin?next=${encodeURIComponent('/account#email-preferences')}`}>
              Sign in to send a new confirmation email
            </Link>
          )}
        </p>
      ) : null}
    </div>
  );
}
