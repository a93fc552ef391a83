import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from '../features/auth/useAuth.ts';
import { ApiError } from './http.ts';

export type QueryState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; data: T };

/**
 * Loads data for a page from an id. A 401 means the session ended: the app then sends
 * the person to sign in (and back here afterwards) instead of showing a broken page.
 */
export function useApiQuery<T>(
  id: string,
  load: (id: string) => Promise<T>,
): { state: QueryState<T>; reload(): void; setData(data: T): void } {
  const { signedOut } = useAuth();
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  // The latest loader without re-running the effect when a caller passes a new closure.
  const loadRef = useRef(load);
  loadRef.current = load;
  const latestRequest = useRef(0);

  const start = useCallback(
    (forId: string) => {
      const request = ++latestRequest.current;
      const current = () => request === latestRequest.current;
      loadRef.current(forId).then(
        (data) => {
          if (current()) setState({ status: 'ready', data });
        },
        (error: unknown) => {
          if (!current()) return;
          const apiError =
            error instanceof ApiError
              ? error
              : new ApiError(0, 'unknown', 'Something went wrong while loading. Try again.');
          if (apiError.status === 401) signedOut();
          setState({ status: 'error', error: apiError });
        },
      );
    },
    [signedOut],
  );

  useEffect(() => {
    setState({ status: 'loading' });
    start(id);
    return () => {
      // A later request (or unmount) makes this one's answer irrelevant.
      latestRequest.current++;
    };
  }, [start, id]);

  const reload = useCallback(() => start(id), [start, id]);
  const setData = useCallback((data: T) => setState({ status: 'ready', data }), []);
  return { state, reload, setData };
}
