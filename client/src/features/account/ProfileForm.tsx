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
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
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
  const [status, setStatus] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    const values = {
      name,
      creditMode,
      // A chosen name only matters when it is what people see; otherwise it is kept.
      displayName: creditMode === 'display_name' ? displayName : displayName.trim() || null,
    };
    await submit(updateProfileSchema, values, async (data) => {
      const updated = await updateProfile(data);
      signedIn(updated);
      // The example uses the patient role; the real credit depends on the role in each workspace.
      const example = creditedName(updated, 'patient');
      setStatus(
        updated.creditMode === 'role_only'
          ? 'Saved. Others now see your role in each workspace, for example “A patient”.'
          : `Saved. Others now see you as “${example}”.`,
      );
    });
  };

  return (
    <section aria-labelledby="profile-heading" className="section panel">
      <h2 id="profile-heading">Your name and credit</h2>
      <p>
        Choose how others see you next to your words and in the list of people in a document.
        Workspace owners always see your real name.
      </p>
      <FormError message={formMessage} fieldErrors={summary} />
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
