import { useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { formatDateTime } from '../workspaces/labels.ts';
import { endSession } from './accountApi.ts';
import type { SessionsQuery } from './useSessions.ts';

export function SessionsList({ sessions }: { sessions: SessionsQuery }) {
  const { state, reload } = sessions;
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  const signOut = async (id: string) => {
    setBusyId(id);
    setProblem(null);
    try {
      await endSession(id);
      setStatus('That session was signed out.');
      reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'That session was not signed out.');
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section aria-labelledby="sessions-heading" className="section">
      <h2 id="sessions-heading">Where you are signed in</h2>
      {state.status === 'loading' ? <p className="loading">Loading your sessions…</p> : null}
      {state.status === 'error' || problem ? (
        <p className="inline-alert" role="alert">
          {problem ?? (state.status === 'error' ? state.error.message : null)}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <table className="data-table">
          <caption className="visually-hidden">Your sessions</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Device or action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((session, index) => (
              <tr key={session.id}>
                <td data-label="Started">{formatDateTime(session.createdAt)}</td>
                <td data-label="Last used">{formatDateTime(session.lastUsedAt)}</td>
                <td>
                  {session.current ? (
                    <strong>This device</strong>
                  ) : (
                    <Button
                      variant="secondary"
                      busy={busyId === session.id}
                      onClick={() => signOut(session.id)}
                    >
                      Sign out
                      <span className="visually-hidden">
                        {' '}
                        session {index + 1}, started {formatDateTime(session.createdAt)}
                      </span>
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p role="status" className="confirmation">
        {status}
      </p>
    </section>
  );
}
