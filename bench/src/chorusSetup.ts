/**
 * Chorus clients are real signed-in people: this signs accounts up, puts them in one
 * workspace and creates the documents, through the same HTTP API the browser uses.
 */
import type { RunningTarget } from './targets.ts';

export interface ChorusPeople {
  origin: string;
  cookies: string[];
  documents: string[];
}

async function call(
  target: RunningTarget,
  origin: string,
  method: string,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<{ status: number; json: Record<string, unknown>; setCookie: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin };
  if (cookie) headers.cookie = cookie;
  const res = await fetch(`${target.httpUrl}/api${path}`, {
    method,
    headers,
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status >= 300) {
    throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  }
  return { status: res.status, json, setCookie: res.headers.get('set-cookie') ?? '' };
}

/** Runs `work` over `items` with at most `limit` in flight (sign-up hashes passwords). */
async function pool<T, R>(items: T[], limit: number, work: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

export async function setUpChorus(
  target: RunningTarget,
  accounts: number,
  documents: number,
): Promise<ChorusPeople> {
  const origin = `http://localhost:${target.port}`;
  const people = await pool(
    Array.from({ length: accounts }, (_, i) => i),
    4,
    async (i) => {
      const email = `bench${i}@example.org`;
      const r = await call(target, origin, 'POST', '/auth/signup', {
        name: `Bench person ${i}`,
        email,
        password: 'correct horse battery staple',
      });
      return { email, cookie: r.setCookie.split(';')[0] ?? '' };
    },
  );
  const owner = people[0];
  if (!owner) throw new Error('at least one account is needed');
  const ws = await call(target, origin, 'POST', '/workspaces', { name: 'Benchmark' }, owner.cookie);
  const workspaceId = (ws.json.workspace as { id: string }).id;
  await pool(people.slice(1), 4, (p) =>
    call(
      target,
      origin,
      'POST',
      `/workspaces/${workspaceId}/members`,
      { email: p.email },
      owner.cookie,
    ),
  );
  const ids = await pool(
    Array.from({ length: documents }, (_, i) => i),
    4,
    async (i) => {
      const r = await call(
        target,
        origin,
        'POST',
        `/workspaces/${workspaceId}/documents`,
        { title: `Benchmark document ${i}`, kind: 'service_design' },
        owner.cookie,
      );
      return (r.json.document as { id: string }).id;
    },
  );
  return { origin, cookies: people.map((p) => p.cookie), documents: ids };
}
