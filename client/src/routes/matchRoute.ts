export type Route =
  | { name: 'home' }
  | { name: 'signIn' }
  | { name: 'signUp' }
  | { name: 'workspace'; workspaceId: string }
  | { name: 'document'; documentId: string }
  | { name: 'notFound' };

/** Maps a pathname to a route. Ids are passed on as typed; the server checks them. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/') return { name: 'home' };
  if (path === '/signin') return { name: 'signIn' };
  if (path === '/signup') return { name: 'signUp' };
  const workspace = /^\/workspaces\/([^/]+)$/.exec(path);
  if (workspace?.[1]) return { name: 'workspace', workspaceId: decodeURIComponent(workspace[1]) };
  const document = /^\/documents\/([^/]+)$/.exec(path);
  if (document?.[1]) return { name: 'document', documentId: decodeURIComponent(document[1]) };
  return { name: 'notFound' };
}

export function isPublicRoute(route: Route): boolean {
  return route.name === 'signIn' || route.name === 'signUp';
}
