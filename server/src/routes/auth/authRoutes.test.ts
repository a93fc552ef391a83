import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

describe('sign up', () => {
  it('creates an account, sets a secure session cookie and returns the user', async () => {
    const t = buildTestApp();
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: ' Ann ', email: 'Ann@Example.org', password: 'correct horse battery' },
    });
    expect(res.status).toBe(201);
    expect(res.json.user).toMatchObject({ name: 'Ann', email: 'ann@example.org' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^chorus_session=[a-z2-7]{24}\.[a-z2-7]{24};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Expires=');
  });

  it('uses the __Host- prefix and Secure when served over https', async () => {
    const t = buildTestApp({ CHORUS_ORIGIN: 'https://chorus.example.org' });
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: 'Ann', email: 'ann@example.org', password: 'correct horse battery' },
      headers: { origin: 'https://chorus.example.org' },
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-chorus_session=/);
    expect(cookie).toContain('Secure');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('explains each bad field', async () => {
    const t = buildTestApp();
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: '', email: 'not-an-email', password: 'short' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.id).toBe('bad_request');
    expect(res.json.error.fields).toEqual({
      name: 'Enter your name.',
      email: 'Enter an email address like name@example.org.',
      password: 'Use at least 8 characters for your password.',
    });
  });

  it('refuses a password over 256 characters rather than truncating it', async () => {
    const t = buildTestApp();
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: 'A', email: 'a@example.org', password: 'x'.repeat(257) },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields.password).toContain('at most 256');
  });

  it('refuses a second account with the same email', async () => {
    const t = buildTestApp();
    await t.signUp();
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: 'Other', email: 'user1@example.org', password: 'correct horse battery' },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.fields.email).toContain('already exists');
  });

  it('answers a body that is not JSON with a clear message', async () => {
    const t = buildTestApp();
    const res = await t.request('POST', '/api/auth/signup', { body: '{oops' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('must be JSON');
  });
});

describe('sign in and out', () => {
  it('signs in with the right password and issues a new token each time', async () => {
    const t = buildTestApp();
    const { email, cookie } = await t.signUp();
    const res = await t.request('POST', '/api/auth/signin', {
      body: { email, password: 'correct horse battery' },
    });
    expect(res.status).toBe(200);
    const fresh = (res.headers.get('set-cookie') ?? '').split(';')[0];
    expect(fresh).not.toBe(cookie);
    const me = await t.request('GET', '/api/auth/me', { cookie: fresh });
    expect(me.json.user.email).toBe(email);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const t = buildTestApp();
    const { email } = await t.signUp();
    const wrong = await t.request('POST', '/api/auth/signin', {
      body: { email, password: 'wrong password' },
    });
    const unknown = await t.request('POST', '/api/auth/signin', {
      body: { email: 'nobody@example.org', password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
  });

  it('throttles repeated wrong passwords for an account, even with the right one', async () => {
    const t = buildTestApp({ CHORUS_SIGNIN_MAX_FAILURES: '3' });
    const { email } = await t.signUp();
    for (let i = 0; i < 3; i++) {
      const res = await t.request('POST', '/api/auth/signin', {
        body: { email, password: 'wrong password' },
      });
      expect(res.status).toBe(401);
    }
    const res = await t.request('POST', '/api/auth/signin', {
      body: { email, password: 'correct horse battery' },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.json.error.message).toContain('Too many failed sign-ins');
  });

  it('throttles unknown accounts the same way', async () => {
    const t = buildTestApp({ CHORUS_SIGNIN_MAX_FAILURES: '2' });
    const body = { email: 'nobody@example.org', password: 'wrong password' };
    await t.request('POST', '/api/auth/signin', { body });
    await t.request('POST', '/api/auth/signin', { body });
    expect((await t.request('POST', '/api/auth/signin', { body })).status).toBe(429);
  });

  it('signs out: the session stops working and the cookie is cleared', async () => {
    const t = buildTestApp();
    const { cookie } = await t.signUp();
    const out = await t.request('POST', '/api/auth/signout', { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('chorus_session=;');
    const me = await t.request('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(401);
    expect(me.json.error.message).toContain('Sign in');
  });
});

describe('request hardening', () => {
  it('refuses a cross-site POST', async () => {
    const t = buildTestApp();
    const res = await t.request('POST', '/api/auth/signup', {
      body: { name: 'A', email: 'a@example.org', password: 'correct horse battery' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.json.error.id).toBe('cross_site_request');
  });

  it('refuses a POST with no Origin unless the browser says it is same-origin', async () => {
    const t = buildTestApp();
    const body = { name: 'A', email: 'a@example.org', password: 'correct horse battery' };
    const bare = await t.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(bare.status).toBe(403);
    const same = await t.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify(body),
    });
    expect(same.status).toBe(201);
  });

  it('sends security headers on every response', async () => {
    const t = buildTestApp();
    for (const path of ['/api/auth/me', '/api/nowhere', '/']) {
      const res = await t.request('GET', path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // plain-http localhost: no HSTS
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });
});
