import type { ReactNode } from 'react';
import { Link } from '../routes/Link.tsx';

/** A plain explanation of why a page cannot be shown, with a way back home. */
export function ProblemPanel({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div className="problem">
      <p className="problem__message">{message}</p>
      {children}
      <p>
        <Link href="/">Go back to your workspaces</Link>
      </p>
    </div>
  );
}
