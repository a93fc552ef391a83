import { changePasswordSchema, PASSWORD_MIN } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
import { changePassword } from './accountApi.ts';

type Field = 'currentPassword' | 'newPassword';
const inputIds: Record<Field, string> = {
  currentPassword: 'password-current',
  newPassword: 'password-new',
};

export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [status, setStatus] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    await submit(changePasswordSchema, { currentPassword, newPassword }, async (data) => {
      await changePassword(data);
      setCurrentPassword('');
      setNewPassword('');
      setStatus('Password changed. You were signed out everywhere else.');
      onChanged();
    });
  };

  return (
    <section aria-labelledby="password-heading" className="section panel">
      <h2 id="password-heading">Change your password</h2>
      <p>Changing it signs you out on every other device and browser.</p>
      <FormError message={formMessage} fieldErrors={summary} />
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Change your password">
        <TextField
          id={inputIds.currentPassword}
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          error={errors.currentPassword}
        />
        <TextField
          id={inputIds.newPassword}
          label="New password"
          hint={`Use at least ${PASSWORD_MIN} characters.`}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={setNewPassword}
          error={errors.newPassword}
        />
        <div>
          <Button type="submit" busy={busy}>
            Change password
          </Button>
        </div>
      </form>
      <p role="status" className="confirmation">
        {status}
      </p>
    </section>
  );
}
