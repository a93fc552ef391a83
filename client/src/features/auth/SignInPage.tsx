import { signInSchema } from '@chorus/shared';
import { type FormEvent, useEffect, useState } from 'react';
import { Link } from '../../routes/Link.tsx';
import { navigate, safeNextPath } from '../../routes/navigation.ts';
import { useLocation } from '../../routes/useLocation.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { ACCOUNT_DELETED_KEY } from '../account/accountApi.ts';
import { signIn } from './authApi.ts';
import { useAuth } from './useAuth.ts';

type Field = 'email' | 'password';
const inputIds: Record<Field, string> = { email: 'signin-email', password: 'signin-password' };

export function SignInPage() {
  const { signedIn } = useAuth();
  const { search } = useLocation();
  const next = search.get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasErrors = Boolean(formMessage) || Object.keys(errors).length > 0;
  const [accountDeleted] = useState(() => sessionStorage.getItem(ACCOUNT_DELETED_KEY) === '1');
  useEffect(() => sessionStorage.removeItem(ACCOUNT_DELETED_KEY), []);
  useDocumentTitle(hasErrors ? 'Error: Sign in' : 'Sign in');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate(signInSchema, { email, password });
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return;
    }
    setBusy(true);
    try {
      const user = await signIn(checked.data);
      signedIn(user);
      navigate(safeNextPath(next), { replace: true });
    } catch (error) {
      // What the person typed stays in the fields; only the messages change.
      const { message, errors: apiErrors } = fromApiError(error, ['email', 'password'] as const);
      setErrors(apiErrors);
      setFormMessage(message);
      setBusy(false);
    }
  };

  const signUpHref = next ? `/signup?next=${encodeURIComponent(next)}` : '/signup';
  return (
    <div className="narrow">
      <PageHeading>Sign in</PageHeading>
      {accountDeleted ? (
        <p role="status" className="confirmation">
          Your account was deleted, and you were signed out everywhere.
        </p>
      ) : null}
      <p className="lede">Sign in to work on documents with the people in your workspaces.</p>
      <FormError message={formMessage} fieldErrors={summaryOf(errors, inputIds)} />
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={inputIds.email}
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          value={email}
          onChange={setEmail}
          error={errors.email}
        />
        <TextField
          id={inputIds.password}
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
        />
        <div>
          <Button type="submit" busy={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </div>
      </form>
      <p>
        New to Chorus? <Link href={signUpHref}>Create an account</Link>
      </p>
    </div>
  );
}
