import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';

/** Tries an upgrade and reports the HTTP status of a refusal, or 101 if it opened. */
function tryUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; frames: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    let frames = 0;
    ws.on('message', () => frames++);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, frames });
      ws.terminate();
    });
    ws.on('open', () => {
      setTimeout(() => {
        resolve({ status: 101, frames });
        ws.close();
      }, 300);
    });
    ws.on('error', () => {});
  });
}

describe('the WebSocket upgrade', () => {
  let server: TestServer;
  let owner: TestUser;
  let outsider: TestUser;
  let documentId: string;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url);
    outsider = await buildUser(server.url);
    ({ documentId } = await buildDocument(server.url, owner));
    url = `${server.url.replace('http', 'ws')}/sync/${documentId}`;
  });
  afterAll(() => server.stop());

  it('opens for a member on the site origin, and the server speaks first with sync step 1', async () => {
    const result = await tryUpgrade(url, { cookie: owner.cookie, origin: TEST_ORIGIN });
    expect(result.status).toBe(101);
    expect(result.frames).toBeGreaterThan(0);
  });

  it('is refused for a foreign Origin even with a valid cookie', async () => {
    const result = await tryUpgrade(url, { cookie: owner.cookie, origin: 'https://evil.example' });
    expect(result.status).toBe(403);
  });

  it('is refused with no Origin', async () => {
    const result = await tryUpgrade(url, { cookie: owner.cookie });
    expect(result.status).toBe(403);
  });

  it('is refused with no session, a tampered session or an ended session', async () => {
    expect((await tryUpgrade(url, { origin: TEST_ORIGIN })).status).toBe(401);
    const [name, value] = owner.cookie.split('=') as [string, string];
    // Change the last character of the secret to a different one, whatever it was.
    const last = value.slice(-1);
    const tampered = `${name}=${value.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;
    expect(await tryUpgrade(url, { origin: TEST_ORIGIN, cookie: tampered })).toEqual({
      status: 401,
      frames: 0,
    });
    const ended = await buildUser(server.url);
    await buildDocument(server.url, ended);
    await call(server.url, 'POST', '/auth/signout', { cookie: ended.cookie });
    expect(await tryUpgrade(url, { origin: TEST_ORIGIN, cookie: ended.cookie })).toEqual({
      status: 401,
      frames: 0,
    });
  });

  it('is refused with an expired session (past its absolute lifetime or its idle timeout)', async () => {
    for (const column of ['expires_at', 'last_used_at'] as const) {
      const person = await buildUser(server.url);
      const { documentId: theirs } = await buildDocument(server.url, person);
      const theirUrl = url.replace(documentId, theirs);
      expect(
        (await tryUpgrade(theirUrl, { origin: TEST_ORIGIN, cookie: person.cookie })).status,
      ).toBe(101);
      // Age the session in the database, as time would: a year in the past.
      const db = new Database(path.join(server.config.dataDir, 'chorus.db'));
      db.prepare(`UPDATE sessions SET ${column} = ? WHERE user_id = ?`).run(
        Date.now() - 365 * 24 * 3600_000,
        person.id,
      );
      db.close();
      expect(await tryUpgrade(theirUrl, { origin: TEST_ORIGIN, cookie: person.cookie })).toEqual({
        status: 401,
        frames: 0,
      });
    }
  });

  it('gives a non-member the same answer as a missing document, and nothing of it', async () => {
    const notMine = await tryUpgrade(url, { cookie: outsider.cookie, origin: TEST_ORIGIN });
    const missing = await tryUpgrade(url.replace(documentId, 'a'.repeat(24)), {
      cookie: outsider.cookie,
      origin: TEST_ORIGIN,
    });
    expect(notMine).toEqual({ status: 404, frames: 0 });
    expect(missing).toEqual({ status: 404, frames: 0 });
  });
});
