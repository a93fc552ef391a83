import {
  createInviteSchema,
  inviteExpiryDays,
  type ParticipantRole,
  type Permission,
} from '@chorus/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import {
  formatDate,
  permissionLabel,
  permissionOptions,
  roleLabel,
  roleOptions,
} from '../workspaces/labels.ts';
import {
  createInvite,
  type Invite,
  inviteStatusLabels,
  listInvites,
  withdrawInvite,
} from './invitesApi.ts';

type Field = 'permission' | 'participantRole' | 'expiresInDays' | 'maxUses';
const inputIds: Record<Field, string> = {
  permission: 'invite-permission',
  participantRole: 'invite-role',
  expiresInDays: 'invite-expiry',
  maxUses: 'invite-max-uses',
};
type ExpiryChoice = `${(typeof inviteExpiryDays)[number]}`;
const expiryOptions = inviteExpiryDays.map((days) => ({
  value: String(days) as ExpiryChoice,
  label: days === 1 ? '1 day' : `${days} days`,
}));

/** Owners make invite links, see how they are used, and withdraw them. */
export function InvitesPanel({ workspaceId }: { workspaceId: string }) {
  const { state, reload } = useApiQuery(workspaceId, listInvites);
  const [created, setCreated] = useState<string | null>(null);
  return (
    <section aria-labelledby="invite-heading" className="section panel">
      <h2 id="invite-heading">Invite people</h2>
      <p>
        An invite link lets someone join this workspace, even if they have no account yet. It
        carries the permission and role you choose here.
      </p>
      <CreateInviteForm
        workspaceId={workspaceId}
        onCreated={(url) => {
          setCreated(url);
          reload();
        }}
      />
      {created ? <CreatedLink key={created} url={created} /> : null}
      <h3 className="invites__heading">Invite links</h3>
      {state.status === 'loading' ? <p className="loading">Loading invite links…</p> : null}
      {state.status === 'error' ? (
        <p className="inline-alert" role="alert">
          {state.error.message}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <InvitesTable workspaceId={workspaceId} invites={state.data} onChanged={reload} />
      ) : null}
    </section>
  );
}

function CreateInviteForm({
  workspaceId,
  onCreated,
}: {
  workspaceId: string;
  onCreated: (url: string) => void;
}) {
  const [permission, setPermission] = useState<Permission | ''>('');
  const [role, setRole] = useState<ParticipantRole | ''>('');
  const [expires, setExpires] = useState<ExpiryChoice>('7');
  const [maxUses, setMaxUses] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate(createInviteSchema, {
      permission: permission || undefined,
      participantRole: role || undefined,
      expiresInDays: expires,
      maxUses: maxUses.trim() === '' ? null : maxUses.trim(),
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return;
    }
    setBusy(true);
    try {
      const { url } = await createInvite(workspaceId, checked.data);
      setErrors({});
      setFormMessage(null);
      setMaxUses('');
      onCreated(url);
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, [
        'permission',
        'participantRole',
        'expiresInDays',
        'maxUses',
      ] as const);
      setErrors(apiErrors);
      setFormMessage(Object.keys(apiErrors).length > 0 ? null : message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <FormError message={formMessage} fieldErrors={summaryOf(errors, inputIds)} />
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Create an invite link">
        <SelectField
          id={inputIds.permission}
          label="Permission"
          placeholder="Choose a permission"
          options={permissionOptions}
          value={permission}
          onChange={setPermission}
          error={errors.permission}
        />
        <SelectField
          id={inputIds.participantRole}
          label="Role in the group"
          hint="Shown next to their name, so everyone knows whose voice it is."
          placeholder="Choose a role"
          options={roleOptions}
          value={role}
          onChange={setRole}
          error={errors.participantRole}
        />
        <SelectField
          id={inputIds.expiresInDays}
          label="Link expires after"
          options={expiryOptions}
          value={expires}
          onChange={setExpires}
          error={errors.expiresInDays}
        />
        <TextField
          id={inputIds.maxUses}
          label="Maximum uses (optional)"
          hint="How many people may join with this link. Leave empty for no limit."
          inputMode="numeric"
          autoComplete="off"
          className="field--short"
          value={maxUses}
          onChange={setMaxUses}
          error={errors.maxUses}
        />
        <div>
          <Button type="submit" busy={busy}>
            Create invite link
          </Button>
        </div>
      </form>
    </>
  );
}

/** The new link, shown once: only a hash of its secret is kept on the server. */
function CreatedLink({ url }: { url: string }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyStatus, setCopyStatus] = useState('');
  useEffect(() => {
    // Take people to the result, which appears below the form they just used.
    setCopyStatus('');
    headingRef.current?.focus();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopyStatus('Link copied');
    } catch {
      // Some browsers refuse clipboard access; selecting the text lets people copy it.
      inputRef.current?.select();
      setCopyStatus('Copying did not work. The link is selected: copy it with your keyboard.');
    }
  };

  return (
    <div className="created-link">
      <h3 ref={headingRef} tabIndex={-1}>
        Your new invite link
      </h3>
      <p>Copy it now and send it to the people you are inviting. It will not be shown again.</p>
      <div className="created-link__row">
        <TextField
          ref={inputRef}
          label="Invite link"
          value={url}
          onChange={() => undefined}
          readOnly
          spellCheck={false}
          className="created-link__field"
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="secondary" onClick={copy} className="created-link__button">
          Copy link
        </Button>
      </div>
      <p role="status" className="confirmation">
        {copyStatus}
      </p>
    </div>
  );
}

function InvitesTable({
  workspaceId,
  invites,
  onChanged,
}: {
  workspaceId: string;
  invites: Invite[];
  onChanged: () => void;
}) {
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  if (invites.length === 0) return <p>No invite links yet.</p>;

  const withdraw = async (invite: Invite) => {
    setBusyId(invite.id);
    setProblem(null);
    try {
      await withdrawInvite(workspaceId, invite.id);
      setStatus(`The ${describeGrant(invite)} link was withdrawn. It can no longer be used.`);
      onChanged();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The link was not withdrawn.');
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <table className="data-table">
        <caption className="visually-hidden">Invite links</caption>
        <thead>
          <tr>
            <th scope="col">Gives</th>
            <th scope="col">Status</th>
            <th scope="col">Used</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invites.map((invite) => (
            <tr key={invite.id}>
              <th scope="row" data-label="Gives">
                {describeGrant(invite)}
              </th>
              <td data-label="Status">{inviteStatusLabels[invite.status]}</td>
              <td data-label="Used">
                {invite.maxUses === null
                  ? `${invite.uses} (no limit)`
                  : `${invite.uses} of ${invite.maxUses}`}
              </td>
              <td data-label="Expires">{formatDate(invite.expiresAt)}</td>
              <td data-label="Actions">
                {invite.status === 'active' ? (
                  <Button
                    variant="secondary"
                    busy={busyId === invite.id}
                    onClick={() => withdraw(invite)}
                  >
                    Withdraw
                    <span className="visually-hidden"> the {describeGrant(invite)} link</span>
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p role="status" className="confirmation">
        {status}
      </p>
    </>
  );
}

function describeGrant(invite: Invite): string {
  return `${permissionLabel(invite.permission)}, ${roleLabel(invite.participantRole)}`;
}
