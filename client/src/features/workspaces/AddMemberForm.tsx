import { addMemberSchema, type ParticipantRole, type Permission } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
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
  const [confirmation, setConfirmation] = useState('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setConfirmation('');
    await submit(addMemberSchema, { email, permission, participantRole }, async (data) => {
      const member = await addMember(workspaceId, {
        email: data.email,
        permission,
        participantRole,
      });
      onAdded(member);
      setEmail('');
      setConfirmation(`${member.name} was added. They can now open this workspace's documents.`);
    });
  };

  return (
    <section aria-labelledby="add-member-heading" className="panel">
      <h3 id="add-member-heading">Add a person</h3>
      <p>
        For people who already have a Chorus account. For anyone else, create an invite link
        instead.
      </p>
      <FormError message={formMessage} fieldErrors={summary} />
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
