import { type ParticipantRole, type Permission, permissionLabels } from '@chorus/shared';
import { useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import {
  isParticipantRole,
  isPermission,
  permissionLabel,
  permissionOptions,
  roleLabel,
  roleOptions,
} from '../workspaces/labels.ts';
import { removeMember, updateMember, type WorkspaceMember } from '../workspaces/workspacesApi.ts';

interface MembersTableProps {
  workspaceId: string;
  members: WorkspaceMember[];
  myUserId: string;
  /** Owners manage; everyone else sees a plain list. The server enforces either way. */
  manage: boolean;
  /** Called after a change was saved, so the page can fetch the members again. */
  onChanged: () => void;
}

export function MembersTable({
  workspaceId,
  members,
  myUserId,
  manage,
  onChanged,
}: MembersTableProps) {
  const [status, setStatus] = useState('');
  return (
    <>
      <table className="data-table members-table">
        <caption className="visually-hidden">People in this workspace</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role in the group</th>
            <th scope="col">Permission</th>
            {manage ? <th scope="col">Changes</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) =>
            manage ? (
              <ManagedMemberRow
                key={member.userId}
                workspaceId={workspaceId}
                member={member}
                isMe={member.userId === myUserId}
                onSaved={(message) => {
                  setStatus(message);
                  onChanged();
                }}
              />
            ) : (
              <tr key={member.userId}>
                <th scope="row" data-label="Name">
                  <MemberName member={member} isMe={member.userId === myUserId} manage={false} />
                </th>
                <td data-label="Role in the group">{roleLabel(member.participantRole)}</td>
                <td data-label="Permission">{permissionLabel(member.permission)}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <p role="status" className="confirmation">
        {status}
      </p>
    </>
  );
}

function MemberName({
  member,
  isMe,
  manage,
}: {
  member: WorkspaceMember;
  isMe: boolean;
  manage: boolean;
}) {
  // Owners see who is behind a chosen or role-only credit; others see the credit only.
  const showRealName = manage && member.name !== member.creditedName;
  return (
    <>
      <span className="member__name">
        {member.creditedName}
        {isMe ? ' (you)' : null}
      </span>
      {showRealName ? <span className="member__detail">Real name: {member.name}</span> : null}
      {manage && member.email ? <span className="member__detail">{member.email}</span> : null}
    </>
  );
}

function ManagedMemberRow({
  workspaceId,
  member,
  isMe,
  onSaved,
}: {
  workspaceId: string;
  member: WorkspaceMember;
  isMe: boolean;
  onSaved: (message: string) => void;
}) {
  const initialPermission = isPermission(member.permission) ? member.permission : 'viewer';
  const initialRole = isParticipantRole(member.participantRole) ? member.participantRole : 'other';
  const [permission, setPermission] = useState<Permission>(initialPermission);
  const [role, setRole] = useState<ParticipantRole>(initialRole);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = member.name;
  const changed = permission !== member.permission || role !== member.participantRole;

  const save = async () => {
    if (!changed) {
      onSaved(`Nothing to save for ${name}: nothing was changed.`);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await updateMember(workspaceId, member.userId, {
        ...(permission !== member.permission ? { permission } : {}),
        ...(role !== member.participantRole ? { participantRole: role } : {}),
      });
      onSaved(`Saved. ${name} is now ${permissionLabels[permission]}, ${roleLabel(role)}.`);
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error.message : 'The change was not saved. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    await removeMember(workspaceId, member.userId);
    onSaved(`${name} was removed from this workspace.`);
  };

  return (
    <tr>
      <th scope="row" data-label="Name">
        <MemberName member={member} isMe={isMe} manage />
      </th>
      <td data-label="Role in the group" className="members-table__role">
        <SelectField
          label={`Role of ${name}`}
          hideLabel
          options={roleOptions}
          value={role}
          onChange={setRole}
        />
      </td>
      <td data-label="Permission">
        <SelectField
          label={`Permission for ${name}`}
          hideLabel
          options={permissionOptions}
          value={permission}
          onChange={setPermission}
        />
      </td>
      <td data-label="Changes">
        <div className="member__actions">
          <Button variant={changed ? 'primary' : 'secondary'} busy={busy} onClick={save}>
            Save<span className="visually-hidden"> changes for {name}</span>
          </Button>
          {isMe ? null : (
            <ConfirmAction
              trigger={
                <>
                  Remove<span className="visually-hidden"> {name}</span>
                </>
              }
              question={`Are you sure? ${name} will lose access to every document here.`}
              confirmLabel={`Remove ${name}`}
              onConfirm={remove}
            />
          )}
        </div>
        {problem ? (
          <p className="inline-alert" role="alert">
            {problem}
          </p>
        ) : null}
      </td>
    </tr>
  );
}
