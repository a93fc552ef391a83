import type { User } from '@chorus/shared';
import { useState } from 'react';
import { Link } from '../routes/Link.tsx';
import { Button } from './Button.tsx';

interface AppHeaderProps {
  user: User | null;
  onSignOut: () => Promise<void>;
}

export function AppHeader({ user, onSignOut }: AppHeaderProps) {
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await onSignOut();
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
        </nav>
        {user ? (
          <div className="app-header__account">
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
    </header>
  );
}
