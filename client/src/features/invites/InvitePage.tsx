import { useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { navigate } from '../../routes/navigation.ts';
import { Button } from '../../ui/Button.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { useAuth } from '../auth/useAuth.ts';
import {
  formatDate,
  isPermission,
  permissionLabel,
  permissionWords,
} from '../workspaces/labels.ts';
import { acceptInvite, type InvitePreview, previewInvite } from './invitesApi.ts';

/** Where an invite link lands: explains what it gives, then signs up, signs in or joins. */
export function InvitePage({ token }: { token: string }) {
  const { auth } = useAuth();
  const signedIn = auth.status === 'signedIn';
  // Asked again after signing in, when the server can say whether the person is a member.
  const { state } = useApiQuery(`${signedIn ? 'in' : 'out'}:${token}`, () => previewInvite(token));
  useDocumentTitle(
    state.status === 'ready'
      ? `Join ${state.data.workspaceName}`
      : state.status === 'error'
        ? 'Invite link cannot be used'
        : 'Checking your invite',
  );

  if (state.status === 'loading') return <Loading label="Checking your invite link…" />;
  if (state.status === 'error') {
    return (
      <div className="narrow">
        <PageHeading>Invite link cannot be used</PageHeading>
        <ProblemPanel message={state.error.message} />
      </div>
    );
  }
  return <InviteDetails token={token} invite={state.data} signedIn={signedIn} />;
}

function InviteDetails({
  token,
  invite,
  signedIn,
}: {
  token: string;
  invite: InvitePreview;
  signedIn: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const next = encodeURIComponent(`/invite/${token}`);
  const workspaceHref = `/workspaces/${invite.workspaceId}`;
  const words = isPermission(invite.permission) ? permissionWords[invite.permission] : null;

  const join = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const { workspaceId } = await acceptInvite(token);
      navigate(`/workspaces/${workspaceId}`, { replace: true });
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'You could not join. Try again.');
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageHeading>Join {invite.workspaceName}</PageHeading>
      <p className="lede">You have been invited to work on documents in {invite.workspaceName}.</p>
      <dl className="facts">
        <div className="facts__row">
          <dt>Your permission</dt>
          <dd>
            {permissionLabel(invite.permission)}
            {words ? `: you can ${words}.` : null}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Your role in the group</dt>
          <dd>{invite.participantRoleLabel}</dd>
        </div>
        <div className="facts__row">
          <dt>Link works until</dt>
          <dd>{formatDate(invite.expiresAt)}</dd>
        </div>
      </dl>
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      {!signedIn ? (
        <>
          <p>To join, create a Chorus account or sign in. You will come back here afterwards.</p>
          <div className="button-row">
            <Link href={`/signup?next=${next}`} className="button button--primary">
              Sign up to join
            </Link>
            <Link href={`/signin?next=${next}`} className="button button--secondary">
              Sign in to join
            </Link>
          </div>
        </>
      ) : invite.alreadyMember ? (
        <p>
          You are already a member of {invite.workspaceName}.{' '}
          <Link href={workspaceHref}>Go to {invite.workspaceName}</Link>
        </p>
      ) : (
        <div className="button-row">
          <Button busy={busy} onClick={join}>
            {busy ? 'Joining…' : `Join ${invite.workspaceName}`}
          </Button>
        </div>
      )}
    </div>
  );
}
