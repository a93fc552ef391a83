import { createApp } from '../app.ts';
import { memoryLogger } from '../logger.ts';
import { createServices } from '../services/index.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import { TEST_ORIGIN, testConfig } from './testServer.ts';

/** An app over an in-memory database, called with `app.request()`: no network. */
export function buildTestApp(overrides: Record<string, string> = {}) {
  const config = testConfig(overrides);
  const storage = openSqliteStorage({ filename: ':memory:' });
  const logger = memoryLogger();
  const services = createServices(config, storage, logger);
  const app = createApp(services);

  async function request(
    method: string,
    path: string,
    options: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { origin: TEST_ORIGIN, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.cookie) headers.cookie = options.cookie;
    const res = await app.request(path, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, headers: res.headers };
  }

  let n = 0;
  async function signUp(name = 'Ann Patient') {
    n++;
    const email = `user${n}@example.org`;
    const res = await request('POST', '/api/auth/signup', {
      body: { name, email, password: 'correct horse battery' },
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { id: res.json.user.id as string, email, cookie };
  }

  return { app, services, storage, config, logger, request, signUp };
}
