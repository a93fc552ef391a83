/**
 * An improvement plan's action log: who does what by when. Each action is a child element
 * of the log in the Yjs document (like a run chart's points), so two people adding actions
 * at once both keep theirs, and each is credited to whoever added it.
 */
export const actionStatuses = ['open', 'in_progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof actionStatuses)[number];

export const actionStatusNames: Record<ActionStatus, string> = {
  open: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  dropped: 'No longer needed',
};

export const actionFields = ['action', 'owner', 'due', 'status'] as const;

export function actionStatusOf(value: unknown): ActionStatus {
  return typeof value === 'string' && (actionStatuses as readonly string[]).includes(value)
    ? (value as ActionStatus)
    : 'open';
}

export interface LoggedAction {
  due: string;
  status: ActionStatus;
}

/** Whether an action is past its due date (`YYYY-MM-DD`) and not finished, on `today`. */
export function isOverdue(action: LoggedAction, today: string): boolean {
  return (
    action.due !== '' &&
    action.due < today &&
    action.status !== 'done' &&
    action.status !== 'dropped'
  );
}

/** The log in words, e.g. "4 actions: 2 not started, 1 in progress, 1 done. 1 is overdue." */
export function describeActionLog(actions: readonly LoggedAction[], today: string): string {
  if (actions.length === 0) return 'No actions yet.';
  const counts = actionStatuses
    .map((s) => [s, actions.filter((a) => a.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${actionStatusNames[s].toLowerCase()}`);
  const overdue = actions.filter((a) => isOverdue(a, today)).length;
  const total = `${actions.length} ${actions.length === 1 ? 'action' : 'actions'}`;
  const late = overdue === 0 ? '' : ` ${overdue} ${overdue === 1 ? 'is' : 'are'} overdue.`;
  return `${total}: ${counts.join(', ')}.${late}`;
}
