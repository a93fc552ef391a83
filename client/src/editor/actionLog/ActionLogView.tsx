import {
  type ActionStatus,
  actionStatuses,
  actionStatusNames,
  actionStatusOf,
  describeActionLog,
  formatDay,
  isIsoDate,
  isOverdue,
} from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useState } from 'react';
import { AddForm } from '../AddForm.tsx';
import { childEdits } from '../childEdits.ts';
import { DraftInput, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';
import { ActionLog } from './actionLogNodes.ts';

/** An action as stored, with where it sits among the log's children. */
interface StoredAction {
  uid: string;
  action: string;
  owner: string;
  due: string;
  status: ActionStatus;
  child: number;
}

const MAX_TEXT = 500;
const MAX_ACTIONS = 500;

const textOf = (value: unknown) => storedText(value, MAX_TEXT);

/** The actions as stored; a date another client wrote that is not a real one is left out. */
function actionsOf(node: PmNode): StoredAction[] {
  const actions: StoredAction[] = [];
  node.forEach((child, _offset, index) => {
    if (index >= MAX_ACTIONS) return;
    const due = textOf(child.attrs.due);
    actions.push({
      action: textOf(child.attrs.action),
      owner: textOf(child.attrs.owner),
      due: isIsoDate(due) ? due : '',
      status: actionStatusOf(child.attrs.status),
      uid: textOf(child.attrs.uid),
      child: index,
    });
  });
  return actions;
}

/** Today in the reader's own time zone, as `YYYY-MM-DD`. */
const today = () => new Date().toLocaleDateString('en-CA');

const nameOf = (a: StoredAction) => (a.action ? `“${a.action}”` : `action ${a.child + 1}`);

function ActionLogView({ node, editor, getPos }: ReactNodeViewProps) {
  const actions = actionsOf(node);
  const canEdit = useBlockEditable(editor);
  const now = today();

  const edits = childEdits(editor, getPos, 'actionLog');
  // The child drawn as `a` is still there if its description is (unless that is what is
  // being typed, faster than the view is drawn again).
  const same = (a: StoredAction) => (child: PmNode) => textOf(child.attrs.action) === a.action;
  const change = (a: StoredAction, key: 'action' | 'owner' | 'due' | 'status', value: string) =>
    edits.update(a, key === 'action' ? () => true : same(a), { [key]: value });
  const add = (item: { action: string; owner: string; due: string }) =>
    edits.append('actionItem', { ...item, status: 'open' });
  const remove = (a: StoredAction) =>
    edits.remove(a, same(a), (block) => {
      // Focus stays in the table (the next row's Remove button, or the form).
      const buttons = block.querySelectorAll<HTMLButtonElement>('table button');
      return (
        buttons[Math.min(a.child, buttons.length - 1)] ??
        block.querySelector<HTMLElement>('fieldset input')
      );
    });

  return (
    <NodeViewWrapper
      as="section"
      className="action-log"
      aria-label="Action log"
      contentEditable={false}
    >
      <p className="action-log__title">
        <strong>Action log</strong>: who does what by when.
      </p>
      <p className="action-log__summary">{describeActionLog(actions, now)}</p>
      {actions.length > 0 ? (
        <table className="data-table action-log__table">
          <caption>Actions</caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Owner</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
              {canEdit ? (
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.uid || `i${a.child}`}>
                {canEdit ? (
                  <>
                    <td>
                      <DraftInput
                        maxLength={MAX_TEXT}
                        label={`Action ${a.child + 1}`}
                        value={a.action}
                        onChange={(v) => change(a, 'action', v)}
                      />
                    </td>
                    <td>
                      <DraftInput
                        maxLength={MAX_TEXT}
                        label={`Owner of ${nameOf(a)}`}
                        value={a.owner}
                        onChange={(v) => change(a, 'owner', v)}
                      />
                    </td>
                    <td>
                      <input
                        type="date"
                        className="field__input"
                        aria-label={`Due date of ${nameOf(a)}`}
                        value={a.due}
                        onChange={(e) => {
                          const v = e.target.value;
                          if (v === '' || isIsoDate(v)) change(a, 'due', v);
                        }}
                      />
                      {isOverdue(a, now) ? (
                        <strong className="action-log__late">Overdue</strong>
                      ) : null}
                    </td>
                    <td>
                      <select
                        className="field__input field__select"
                        aria-label={`Status of ${nameOf(a)}`}
                        value={a.status}
                        onChange={(e) => change(a, 'status', actionStatusOf(e.target.value))}
                      >
                        {actionStatuses.map((s) => (
                          <option key={s} value={s}>
                            {actionStatusNames[s]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--quiet"
                        onClick={() => remove(a)}
                      >
                        Remove<span className="visually-hidden"> {nameOf(a)}</span>
                      </button>
                    </td>
                  </>
                ) : (
                  <>
                    <td>{a.action || '(no description)'}</td>
                    <td>{a.owner || 'Nobody yet'}</td>
                    <td>
                      {a.due ? formatDay(a.due) : 'No date'}
                      {isOverdue(a, now) ? (
                        <strong className="action-log__late"> Overdue</strong>
                      ) : null}
                    </td>
                    <td>{actionStatusNames[a.status]}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canEdit ? <AddAction onAdd={add} /> : null}
    </NodeViewWrapper>
  );
}

function AddAction({
  onAdd,
}: {
  onAdd: (item: { action: string; owner: string; due: string }) => void;
}) {
  const ids = { action: useId(), owner: useId(), due: useId() };
  const [action, setAction] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const submit = () => {
    const what = action.trim();
    if (!what)
      return { problem: 'Describe the action, for example: Book a room for the next workshop.' };
    if (due !== '' && !isIsoDate(due)) {
      return {
        problem: 'Enter the due date as a real date, for example 2026-03-01, or leave it empty.',
      };
    }
    onAdd({ action: what.slice(0, MAX_TEXT), owner: owner.trim().slice(0, MAX_TEXT), due });
    setAction('');
    setOwner('');
    setDue('');
    return { added: `Added “${what}”.` };
  };
  return (
    <AddForm
      legend="Add an action"
      className="action-log__add"
      submitLabel="Add the action"
      onSubmit={submit}
    >
      {(describedBy) => (
        <div className="run-chart__fields">
          <div className="field">
            <label className="field__label" htmlFor={ids.action}>
              Action
            </label>
            <input
              id={ids.action}
              className="field__input"
              value={action}
              maxLength={MAX_TEXT}
              onChange={(e) => setAction(e.target.value)}
              aria-describedby={describedBy}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={ids.owner}>
              Owner (optional)
            </label>
            <input
              id={ids.owner}
              className="field__input"
              value={owner}
              maxLength={MAX_TEXT}
              onChange={(e) => setOwner(e.target.value)}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={ids.due}>
              Due date (optional)
            </label>
            <input
              id={ids.due}
              type="date"
              className="field__input"
              value={due}
              onChange={(e) => setDue(e.target.value)}
              aria-describedby={describedBy}
            />
          </div>
        </div>
      )}
    </AddForm>
  );
}

/** The action log with its view, for the editor (the schema alone is `ActionLog`). */
export const ActionLogWithView = ActionLog.extend({
  addNodeView() {
    return ReactNodeViewRenderer(ActionLogView);
  },
});
