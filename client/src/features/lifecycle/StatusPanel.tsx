import {
  closedTextNotice,
  type LeadRole,
  type LifecycleKind,
  leadChangeProblem,
  lifecycles,
  locksText,
  moveLabels,
  statusNames,
} from '@chorus/shared';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { Button } from '../../ui/Button.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { formatDateTime } from '../workspaces/labels.ts';
import { approveAs, getStatus, moveStatus, nameLead, type StatusView } from './lifecycleApi.ts';

interface StatusPanelProps {
  documentId: string;
  kind: LifecycleKind;
  connection: DocumentConnection;
  accountId: string;
  /** Editors and owners move the document on. */
  canEdit: boolean;
  /** Owners also move it back and name its leads. */
  isOwner: boolean;
  /** Told the status each time it is loaded, so the page can lock the text while closed. */
  onStatus?: (status: string) => void;
}

const problemOf = (error: unknown, fallback: string) =>
  error instanceof Error && error.message ? error.message : fallback;

/**
 * Where a service design or improvement plan stands, who must approve it, and the steps
 * this person may take. The server holds the rules; this shows them in words and offers
 * only what fits. Fetched again whenever anyone changes it (the server's notice).
 */
export function StatusPanel({
  documentId,
  kind,
  connection,
  accountId,
  canEdit,
  isOwner,
  onStatus,
}: StatusPanelProps) {
  const [view, setView] = useState<StatusView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const nowRef = useRef<HTMLParagraphElement>(null);
  const latest = useRef(0);
  const headingId = useId();

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    try {
      const next = await getStatus(documentId);
      if (request === latest.current) setView(next);
    } catch (error) {
      if (request === latest.current) {
        setProblem(problemOf(error, 'The status could not be loaded.'));
      }
    }
  }, [documentId]);

  useEffect(() => {
    void refresh();
    return connection.onNotice((topic) => {
      if (topic === 'status') void refresh();
    });
  }, [connection, refresh]);
  useEffect(() => () => void latest.current++, []);
  const status = view?.status;
  useEffect(() => {
    if (status !== undefined) onStatus?.(status);
  }, [status, onStatus]);

  /** Runs one change; on success shows the new state and says what happened. */
  const act = async (run: () => Promise<StatusView>, said: (next: StatusView) => string) => {
    setBusy(true);
    setProblem(null);
    setDone('');
    try {
      const next = await run();
      latest.current++;
      setView(next);
      setDone(said(next));
      // The buttons change with the status: focus goes to the status line, not the page.
      requestAnimationFrame(() => nowRef.current?.focus());
    } catch (error) {
      setProblem(problemOf(error, 'That did not work. Try again.'));
      if (error instanceof ApiError && error.status === 409) void refresh();
    } finally {
      setBusy(false);
    }
  };

  if (!view) {
    return (
      <section className="status-panel" aria-labelledby={headingId}>
        <h2 id={headingId}>Status</h2>
        {problem ? (
          <p className="inline-alert" role="alert">
            {problem}
          </p>
        ) : (
          <p>Loading the status…</p>
        )}
      </section>
    );
  }

  const { statuses, approval } = lifecycles[kind];
  const at = (statuses as readonly string[]).indexOf(view.status);
  const next = statuses[at + 1];
  const previous = at > 0 ? statuses[at - 1] : undefined;
  const name = (status: string) => statusNames[status] ?? status;
  const waitingForApproval = next === approval.status;
  // Once approved, who approved it stays on record (the server refuses a change).
  const leadsOpen =
    leadChangeProblem(kind, { status: view.status, leads: {}, approvals: {} }) === null;

  return (
    <section className="status-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Status</h2>
      <p className="status-panel__now" ref={nowRef} tabIndex={-1}>
        Now: <strong>{name(view.status)}</strong>
      </p>
      {/* A live region that is always there, so a closing made by someone else is announced. */}
      <p className="status-panel__lock" aria-live="polite">
        {locksText(view.status) ? closedTextNotice : ''}
      </p>
      <ol className="status-panel__steps" aria-label="Steps">
        {view.statuses.map((s, i) => (
          <li key={s.id} aria-current={i === at ? 'step' : undefined}>
            {s.name}
            <span className="visually-hidden">
              {i < at ? ' (done)' : i === at ? ' (current)' : ''}
            </span>
          </li>
        ))}
      </ol>
      <p className="status-panel__rule">{view.rule}</p>
      <h3 className="status-panel__subheading">Approval</h3>
      <ul className="status-panel__leads">
        {view.leads.map((lead) => (
          <li key={lead.role}>
            <strong>{lead.roleName}:</strong> {lead.person?.name ?? 'nobody named yet'}
            {lead.person
              ? lead.approvedAt
                ? `, approved ${formatDateTime(lead.approvedAt)}`
                : ', not approved yet'
              : null}
            {lead.person?.id === accountId && !lead.approvedAt && view.status === approval.from ? (
              <Button
                className="status-panel__button"
                busy={busy}
                onClick={() =>
                  act(
                    () => approveAs(documentId, lead.role, view.version),
                    (v) =>
                      v.status === view.status
                        ? `You approved it as ${lead.roleName.toLowerCase()}.`
                        : `You approved it as ${lead.roleName.toLowerCase()}: it is now “${name(v.status)}”, and what was approved is saved as a version.`,
                  )
                }
              >
                Approve as {lead.roleName.toLowerCase()}
              </Button>
            ) : null}
            {isOwner && leadsOpen ? (
              <LeadChooser
                role={lead.role}
                roleName={lead.roleName}
                current={lead.person?.id ?? ''}
                candidates={view.candidates[lead.role] ?? []}
                busy={busy}
                onName={(id) =>
                  act(
                    () => nameLead(documentId, lead.role, id, view.version),
                    () =>
                      id
                        ? `Named ${view.candidates[lead.role]?.find((p) => p.id === id)?.name ?? 'them'} as ${lead.roleName.toLowerCase()}.`
                        : `Nobody is named as ${lead.roleName.toLowerCase()} now.`,
                  )
                }
              />
            ) : null}
          </li>
        ))}
      </ul>
      {waitingForApproval && view.status === approval.from ? (
        <p>Waiting for approval: it moves on by itself once everyone named has approved.</p>
      ) : null}
      {canEdit ? (
        <div className="status-panel__moves">
          {next && !waitingForApproval ? (
            <Button
              variant="secondary"
              busy={busy}
              onClick={() =>
                act(
                  () => moveStatus(documentId, next, view.version),
                  (v) => `Moved to “${name(v.status)}”.`,
                )
              }
            >
              {moveLabels[next] ?? `Move to ${name(next)}`}
            </Button>
          ) : null}
          {isOwner && previous ? (
            <Button
              variant="secondary"
              busy={busy}
              onClick={() =>
                act(
                  () => moveStatus(documentId, previous, view.version),
                  (v) => `Moved back to “${name(v.status)}”.`,
                )
              }
            >
              Move back to “{name(previous)}”
            </Button>
          ) : null}
        </div>
      ) : null}
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <p className="status-panel__done" role="status">
        {done}
      </p>
      {view.changedAt ? (
        <p className="status-panel__changed">
          Last changed by {view.changedBy} on {formatDateTime(view.changedAt)}.
        </p>
      ) : null}
    </section>
  );
}

function LeadChooser({
  role,
  roleName,
  current,
  candidates,
  busy,
  onName,
}: {
  role: LeadRole;
  roleName: string;
  current: string;
  candidates: { id: string; name: string }[];
  busy: boolean;
  onName: (id: string | null) => void;
}) {
  const [chosen, setChosen] = useState(current);
  useEffect(() => setChosen(current), [current]);
  const NOBODY = 'nobody';
  return (
    <div className="status-panel__chooser" data-role={role}>
      <SelectField
        label={`Who is the ${roleName.toLowerCase()}?`}
        value={chosen || NOBODY}
        onChange={(v) => setChosen(v === NOBODY ? '' : v)}
        options={[
          { value: NOBODY, label: 'Nobody yet' },
          ...candidates.map((p) => ({ value: p.id, label: p.name })),
        ]}
      />
      <Button
        variant="secondary"
        busy={busy}
        disabled={chosen === current}
        onClick={() => onName(chosen || null)}
      >
        Name as {roleName.toLowerCase()}
      </Button>
    </div>
  );
}
