import { PASSWORD_MIN, signUpSchema } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Link } from '../../routes/Link.tsx';
import { navigate, safeNextPath } from '../../routes/navigation.ts';
import { useLocation } from '../../routes/useLocation.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
import { signUp } from './authApi.ts';
import { useAuth } from './useAuth.ts';

type Field = 'name' | 'email' | 'password';
const inputIds: Record<Field, string> = {
  name: 'signup-name',
  email: 'signup-email',
  password: 'signup-password',
};

export function SignUpPage() {
  const { signedIn } = useAuth();
  const { search } = useLocation();
  const next = search.get('next');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);
  const hasErrors = Boolean(formMessage) || Object.keys(errors).length > 0;
  useDocumentTitle(hasErrors ? 'Error: Create an account' : 'Create an account');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    await submit(signUpSchema, { name, email, password }, async (data) => {
      const user = await signUp(data);
      signedIn(user);
      navigate(safeNextPath(next), { replace: true });
    });
  };

  const signInHref = next ? `/signin?next=${encodeURIComponent(next)}` : '/signin';
  return (
    <div className="narrow">
      <PageHeading>Create an account</PageHeading>
      <p className="lede">
        Chorus is where patients, clinicians and commissioners write service plans together.
      </p>
      <FormError message={formMessage} fieldErrors={summary} />
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={inputIds.name}
          label="Name"
          hint="Shown to the people you work with."
          name="name"
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <TextField
          id={inputIds.email}
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          value={email}
          onChange={setEmail}
          error={errors.email}
        />
        <TextField
          id={inputIds.password}
          label="Password"
          hint={`Use at least ${PASSWORD_MIN} characters. A long phrase is easy to remember and hard to guess.`}
          type="password"
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={errors.password}
        />
        <div>
          <Button type="submit" busy={busy}>
            {busy ? 'Creating your account…' : 'Create account'}
          </Button>
        </div>
      </form>
      <p>
        Already have an account? <Link href={signInHref}>Sign in</Link>
      </p>
    </div>
  );
}
