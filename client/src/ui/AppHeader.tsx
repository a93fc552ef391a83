import { useState } from 'react';
import type { User } from '../features/auth/authApi.ts';
import { NotificationsMenu } from '../features/notifications/NotificationsMenu.tsx';
import { Link } from '../routes/Link.tsx';
import { Button } from './Button.tsx';

interface AppHeaderProps {
  user: User | null;
  onSignOut: () => Promise<void>;
}

export function AppHeader({ user, onSignOut }: AppHeaderProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const signOut = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await onSignOut();
    } catch (error) {
      // The session is still live on the server, so say so rather than pretend.
      setProblem(
        error instanceof Error && error.message
          ? `You are still signed in: ${error.message}`
          : 'You are still signed in. Try signing out again.',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <header className="app-header">
      <div className="app-header__inner">
        <nav aria-label="Main" className="app-header__nav">
          <Link href="/" className="app-header__brand">
            Chorus
          </Link>
          {user ? (
            <Link href="/account" className="app-header__link">
              Your account
            </Link>
          ) : null}
        </nav>
        {user ? (
          <div className="app-header__account">
            {/* Keyed by account: another person signing in starts from their own list. */}
            <NotificationsMenu key={user.id} />
            <span className="app-header__person">
              <span className="visually-hidden">Signed in as </span>
              {user.name}
            </span>
            <Button variant="secondary" busy={busy} onClick={signOut}>
              Sign out
            </Button>
          </div>
        ) : null}
      </div>
      {problem ? (
        <p className="app-header__problem" role="alert">
          {problem}
        </p>
      ) : null}
    </header>
  );
}
