import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/** A person's own choices, over HTTP, on a server with no mail server configured. */
describe('preferences over HTTP', () => {
  let server: TestServer;
  let pat: TestUser;
  let cleo: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    pat = await buildUser(server.url, 'Pat Patient');
    cleo = await buildUser(server.url, 'Cleo Clinician');
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is refused to someone signed out', async () => {
    expect((await call(server.url, 'GET', '/me/preferences')).status).toBe(401);
    const put = await call(server.url, 'PUT', '/me/preferences', {
      body: { emailMentions: false },
    });
    expect(put.status).toBe(401);
  });

  it('emails mentions by default, says when this server sends no email, and keeps a change', async () => {
    const first = await call(server.url, 'GET', '/me/preferences', { cookie: pat.cookie });
    expect(first.json).toEqual({ emailMentions: true, emailAvailable: false });
    const put = await call(server.url, 'PUT', '/me/preferences', {
      cookie: pat.cookie,
      body: { emailMentions: false },
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ emailMentions: false, emailAvailable: false });
    const again = await call(server.url, 'GET', '/me/preferences', { cookie: pat.cookie });
    expect(again.json.emailMentions).toBe(false);
    // Another person's choice is their own.
    const other = await call(server.url, 'GET', '/me/preferences', { cookie: cleo.cookie });
    expect(other.json.emailMentions).toBe(true);
  });

  it('refuses bad input saying what to send, and changes nothing', async () => {
    for (const body of [{ emailMentions: 'no' }, {}, { emailMentions: true, extra: 1 }, [true]]) {
      const res = await call(server.url, 'PUT', '/me/preferences', { cookie: cleo.cookie, body });
      expect(res.status).toBe(400);
      expect(res.json.error.id).toBe('bad_request');
      expect(res.json.error.message).toMatch(/emailMentions|JSON object/);
    }
    const res = await call(server.url, 'GET', '/me/preferences', { cookie: cleo.cookie });
    expect(res.json.emailMentions).toBe(true);
  });

  it('refuses a cross-site change', async () => {
    const res = await call(server.url, 'PUT', '/me/preferences', {
      cookie: cleo.cookie,
      origin: 'https://evil.example.org',
      body: { emailMentions: false },
    });
    expect(res.status).toBe(403);
    expect(res.json.error.id).toBe('cross_site_request');
    const after = await call(server.url, 'GET', '/me/preferences', { cookie: cleo.cookie });
    expect(after.json.emailMentions).toBe(true);
  });
});
