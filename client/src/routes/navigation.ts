/**
 * A tiny History API router. Pages subscribe to the location with `useLocation`; links
 * and code call `navigate`. popstate covers the back and forward buttons.
 */
type Listener = () => void;

const listeners = new Set<Listener>();
let navigationCount = 0;

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  navigationCount++;
  notify();
});

export function subscribeToLocation(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentHref(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** How many in-app navigations happened; 0 means this is the page the browser loaded. */
export function navigationsSoFar(): number {
  return navigationCount;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  navigationCount++;
  // A new page starts at the top, as it would after a full page load.
  window.scrollTo(0, 0);
  notify();
}

/**
 * Accepts only same-origin relative paths for `?next=`, so a crafted link cannot send a
 * person to another site after they sign in.
 */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return '/';
  }
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin) return '/';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}
