import { addMemberSchema, type ParticipantRole, type Permission } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { permissionOptions, roleOptions } from './labels.ts';
import { addMember, type WorkspaceMember } from './workspacesApi.ts';

type Field = 'email' | 'permission' | 'participantRole';
const inputIds: Record<Field, string> = {
  email: 'member-email',
  permission: 'member-permission',
  participantRole: 'member-role',
};

export function AddMemberForm({
  workspaceId,
  onAdded,
}: {
  workspaceId: string;
  onAdded: (member: WorkspaceMember) => void;
}) {
  const [email, setEmail] = useState('');
  const [permission, setPermission] = useState<Permission>('editor');
  const [participantRole, setParticipantRole] = useState<ParticipantRole>('other');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
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
      const member = await addMember(workspaceId, {
        email: checked.data.email,
        permission,
        participantRole,
      });
      onAdded(member);
      setEmail('');
      setErrors({});
      setFormMessage(null);
      setConfirmation(`${member.name} was added. They can now open this workspace's documents.`);
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, [
        'email',
        'permission',
        'participantRole',
      ] as const);
      setErrors(apiErrors);
      setFormMessage(Object.keys(apiErrors).length > 0 ? null : message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="add-member-heading" className="panel">
      <h3 id="add-member-heading">Add a person</h3>
      <p>
        For people who already have a Chorus account. For anyone else, create an invite link
        instead.
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
        <SelectField
          id={inputIds.permission}
          label="Permission"
          options={permissionOptions}
          value={permission}
          onChange={setPermission}
          error={errors.permission}
        />
        <SelectField
          id={inputIds.participantRole}
          label="Role in the group"
          options={roleOptions}
          value={participantRole}
          onChange={setParticipantRole}
          error={errors.participantRole}
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
    </section>
  );
}
