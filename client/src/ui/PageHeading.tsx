import { type ReactNode, useEffect, useRef } from 'react';
import { navigationsSoFar } from '../routes/navigation.ts';

/**
 * The page's one h1. After an in-app navigation it takes focus, so screen reader and
 * keyboard users start at the new page's heading rather than on a link that vanished.
 */
export function PageHeading({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (navigationsSoFar() > 0) ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className={['page-heading', className].filter(Boolean).join(' ')}>
      {children}
    </h1>
  );
}
