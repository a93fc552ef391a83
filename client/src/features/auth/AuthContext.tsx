import { createContext, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { fetchMe, type User } from './authApi.ts';

export type AuthState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: User };

export interface AuthContextValue {
  auth: AuthState;
  signedIn(user: User): void;
  /** Called after signing out, or when the server says the session has ended. */
  signedOut(): void;
  retry(): void;
}

export const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [auth, setAuth] = useState<AuthState>({ status: 'loading' });

  const check = useCallback(() => {
    fetchMe().then(
      (user) => setAuth(user ? { status: 'signedIn', user } : { status: 'signedOut' }),
      (error: unknown) => {
        const message =
          error instanceof Error
            ? error.message
            : 'Chorus could not check whether you are signed in.';
        setAuth({ status: 'error', message });
      },
    );
  }, []);

  useEffect(() => check(), [check]);

  const signedIn = useCallback((user: User) => setAuth({ status: 'signedIn', user }), []);
  const signedOut = useCallback(() => setAuth({ status: 'signedOut' }), []);
  const retry = useCallback(() => {
    setAuth({ status: 'loading' });
    check();
  }, [check]);

  const value = useMemo(
    () => ({ auth, signedIn, signedOut, retry }),
    [auth, signedIn, signedOut, retry],
  );
  return <AuthContext value={value}>{children}</AuthContext>;
}
