import { useApiQuery } from '../../api/useApiQuery.ts';
import { listSessions } from './accountApi.ts';

/** The person's sessions, shared by the list and the password form (which ends others). */
export function useSessions() {
  return useApiQuery('sessions', listSessions);
}
export type SessionsQuery = ReturnType<typeof useSessions>;
