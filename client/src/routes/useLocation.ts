import { useSyncExternalStore } from 'react';
import { currentHref, subscribeToLocation } from './navigation.ts';

export interface AppLocation {
  pathname: string;
  search: URLSearchParams;
  href: string;
}

/** The current path and query; re-renders on every navigation. */
export function useLocation(): AppLocation {
  const href = useSyncExternalStore(subscribeToLocation, currentHref);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}
