import { CONFIRM_EMAIL_PATH } from '@chorus/shared';

export type Route =
  | { name: 'home' }
  | { name: 'signIn' }
  | { name: 'signUp' }
  | { name: 'account' }
  | { name: 'confirmEmail' }
  | { name: 'invite'; token: string }
  | { name: 'workspace'; workspaceId: string }
  | { name: 'audit'; workspaceId: string }
  | { name: 'document'; documentId: string }
  | { name: 'documentAccess'; documentId: string }
  | { name: 'contributions'; documentId: string }
  | { name: 'versions'; documentId: string }
  | { name: 'evaluation'; documentId: string }
  | { name: 'notFound' };

const patterns: ReadonlyArray<{ pattern: RegExp; make: (id: string) => Route }> = [
  { pattern: /^\/invite\/([^/]+)$/, make: (token) => ({ name: 'invite', token }) },
  {
    pattern: /^\/workspaces\/([^/]+)$/,
    make: (workspaceId) => ({ name: 'workspace', workspaceId }),
  },
  {
    pattern: /^\/workspaces\/([^/]+)\/audit$/,
    make: (workspaceId) => ({ name: 'audit', workspaceId }),
  },
  { pattern: /^\/documents\/([^/]+)$/, make: (documentId) => ({ name: 'document', documentId }) },
  {
    pattern: /^\/documents\/([^/]+)\/access$/,
    make: (documentId) => ({ name: 'documentAccess', documentId }),
  },
  {
    pattern: /^\/documents\/([^/]+)\/contributions$/,
    make: (documentId) => ({ name: 'contributions', documentId }),
  },
  {
    pattern: /^\/documents\/([^/]+)\/versions$/,
    make: (documentId) => ({ name: 'versions', documentId }),
  },
  {
    pattern: /^\/documents\/([^/]+)\/evaluation$/,
    make: (documentId) => ({ name: 'evaluation', documentId }),
  },
];

/** Maps a pathname to a route. Ids are passed on as typed; the server checks them. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/') return { name: 'home' };
  if (path === '/signin') return { name: 'signIn' };
  if (path === '/signup') return { name: 'signUp' };
  if (path === '/account') return { name: 'account' };
  if (path === CONFIRM_EMAIL_PATH) return { name: 'confirmEmail' };
  for (const { pattern, make } of patterns) {
    const found = pattern.exec(path);
    if (found?.[1]) return make(decodeURIComponent(found[1]));
  }
  return { name: 'notFound' };
}

/** Pages only for signed-out people: signed-in people are sent on to `?next=`. */
export function isPublicRoute(route: Route): boolean {
  return route.name === 'signIn' || route.name === 'signUp';
}

/**
 * Pages anyone may see, signed in or not (an invite explains itself before sign-in; an
 * emailed link confirms an address in whatever browser it is opened).
 */
export function isOpenRoute(route: Route): boolean {
  return route.name === 'invite' || route.name === 'confirmEmail' || route.name === 'notFound';
}
