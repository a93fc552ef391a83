import { TEST_ORIGIN } from './testServer.ts';

let counter = 0;

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  cookie: string;
}

/** Calls the API of a running server as a browser on the site's origin would. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; origin?: string | null } = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin !== null) headers.origin = options.origin ?? TEST_ORIGIN;
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const json = await res.json().catch(() => null);
  return { status: res.status, json, headers: res.headers };
}

/** Signs a new person up and returns their session cookie. */
export async function buildUser(baseUrl: string, name = 'Test Person'): Promise<TestUser> {
  counter++;
  const email = `person${counter}-${Date.now()}@example.org`;
  const password = 'correct horse battery';
  const res = await call(baseUrl, 'POST', '/auth/signup', { body: { name, email, password } });
  if (res.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(res.json)}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  return { id: res.json.user.id, name, email, password, cookie };
}

/** A member to add: with the workspace's default permission, or with these. */
export type TestMember = TestUser | { user: TestUser; permission: string; participantRole: string };

/** Creates a workspace owned by `owner` with a document of the given kind. */
export async function buildDocument(
  baseUrl: string,
  owner: TestUser,
  members: TestMember[] = [],
  kind = 'service_design',
): Promise<{ workspaceId: string; documentId: string }> {
  const ws = await call(baseUrl, 'POST', '/workspaces', {
    body: { name: 'Eye screening co-design' },
    cookie: owner.cookie,
  });
  const workspaceId = ws.json.workspace.id as string;
  for (const m of members) {
    const body =
      'user' in m
        ? { email: m.user.email, permission: m.permission, participantRole: m.participantRole }
        : { email: m.email };
    await call(baseUrl, 'POST', `/workspaces/${workspaceId}/members`, {
      body,
      cookie: owner.cookie,
    });
  }
  const doc = await call(baseUrl, 'POST', `/workspaces/${workspaceId}/documents`, {
    body: { title: 'Pathway draft', kind },
    cookie: owner.cookie,
  });
  return { workspaceId, documentId: doc.json.document.id as string };
}
