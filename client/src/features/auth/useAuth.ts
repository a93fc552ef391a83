import { useContext } from 'react';
import { AuthContext, type AuthContextValue } from './AuthContext.tsx';
import type { User } from './authApi.ts';

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>.');
  return value;
}

/** The signed-in person; only for pages the router shows to signed-in people. */
export function useCurrentUser(): User {
  const { auth } = useAuth();
  if (auth.status !== 'signedIn') throw new Error('useCurrentUser needs a signed-in person.');
  return auth.user;
}
