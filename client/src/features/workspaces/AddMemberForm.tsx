import { addMemberSchema } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { TextField } from '../../ui/TextField.tsx';
import { addMember, type WorkspaceMember } from './workspacesApi.ts';

const inputIds = { email: 'member-email' } as const;

export function AddMemberForm({
  workspaceId,
  onAdded,
}: {
  workspaceId: string;
  onAdded: (member: WorkspaceMember) => void;
}) {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'email'>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [confirmation, setConfirmation] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setConfirmation('');
    const checked = validate(addMemberSchema, { email });
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return;
    }
    setBusy(true);
    try {
      const member = await addMember(workspaceId, checked.data);
      onAdded(member);
      setEmail('');
      setErrors({});
      setFormMessage(null);
      setConfirmation(`${member.name} was added. They can now open this workspace's documents.`);
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, ['email'] as const);
      setErrors(apiErrors);
      setFormMessage(apiErrors.email ? null : message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel">
      <h3>Add a person</h3>
      <p>
        They must have signed up to Chorus first. Added people can read and edit every document in
        this workspace.
      </p>
      <FormError message={formMessage} fieldErrors={summaryOf(errors, inputIds)} />
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={inputIds.email}
          label="Email of the person to add"
          type="email"
          autoComplete="off"
          inputMode="email"
          spellCheck={false}
          value={email}
          onChange={setEmail}
          error={errors.email}
        />
        <div>
          <Button type="submit" busy={busy}>
            Add person
          </Button>
        </div>
      </form>
      <p role="status" className="confirmation">
        {confirmation}
      </p>
    </div>
  );
}
