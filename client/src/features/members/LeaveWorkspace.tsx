import { navigate } from '../../routes/navigation.ts';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { removeMember } from '../workspaces/workspacesApi.ts';

/** Leaving is removing oneself; the server refuses if it would leave no owner. */
export function LeaveWorkspace({
  workspaceId,
  workspaceName,
  myUserId,
}: {
  workspaceId: string;
  workspaceName: string;
  myUserId: string;
}) {
  return (
    <div className="leave">
      <ConfirmAction
        trigger="Leave workspace"
        question={`Are you sure? You will no longer be able to open the documents in ${workspaceName}.`}
        confirmLabel={`Leave ${workspaceName}`}
        onConfirm={async () => {
          await removeMember(workspaceId, myUserId);
          navigate('/', { replace: true });
        }}
      />
    </div>
  );
}
