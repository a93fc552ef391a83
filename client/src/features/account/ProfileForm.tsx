import {
  type CreditMode,
  creditedName,
  creditModeLabels,
  creditModes,
  updateProfileSchema,
} from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useAuth, useCurrentUser } from '../auth/useAuth.ts';
import { updateProfile } from './accountApi.ts';

type Field = 'name' | 'creditMode' | 'displayName';
const inputIds: Record<Field, string> = {
  name: 'profile-name',
  creditMode: 'profile-credit',
  displayName: 'profile-display-name',
};
const creditOptions = creditModes.map((value) => ({ value, label: creditModeLabels[value] }));

export function ProfileForm() {
  const user = useCurrentUser();
  const { signedIn } = useAuth();
  const [name, setName] = useState(user.name);
  const [creditMode, setCreditMode] = useState<CreditMode>(user.creditMode);
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    const checked = validate(updateProfileSchema, {
      name,
      creditMode,
      // A chosen name only matters when it is what people see; otherwise it is kept.
      displayName: creditMode === 'display_name' ? displayName : displayName.trim() || null,
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return;
    }
    setBusy(true);
    try {
      const updated = await updateProfile(checked.data);
      signedIn(updated);
      setErrors({});
      setFormMessage(null);
      // The example uses the patient role; the real credit depends on the role in each workspace.
      const example = creditedName(updated, 'patient');
      setStatus(
        updated.creditMode === 'role_only'
          ? 'Saved. Others now see your role in each workspace, for example “A patient”.'
          : `Saved. Others now see you as “${example}”.`,
      );
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, [
        'name',
        'creditMode',
        'displayName',
      ] as const);
      setErrors(apiErrors);
      setFormMessage(Object.keys(apiErrors).length > 0 ? null : message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="profile-heading" className="section panel">
      <h2 id="profile-heading">Your name and credit</h2>
      <p>
        Choose how others see you next to your words and in the list of people in a document.
        Workspace owners always see your real name.
      </p>
      <FormError message={formMessage} fieldErrors={summaryOf(errors, inputIds)} />
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Your name and credit">
        <TextField
          id={inputIds.name}
          label="Name"
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <RadioGroup
          id={inputIds.creditMode}
          legend="How others see you credited"
          name="creditMode"
          options={creditOptions}
          value={creditMode}
          onChange={setCreditMode}
          error={errors.creditMode}
        />
        {creditMode === 'display_name' ? (
          <TextField
            id={inputIds.displayName}
            label="Chosen name"
            hint="For example your first name, or a name you are known by."
            autoComplete="nickname"
            value={displayName}
            onChange={setDisplayName}
            error={errors.displayName}
          />
        ) : null}
        <div>
          <Button type="submit" busy={busy}>
            Save name and credit
          </Button>
        </div>
      </form>
      <p role="status" className="confirmation">
        {status}
      </p>
    </section>
  );
}
