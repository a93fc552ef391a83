import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

describe('account', () => {
  it('changes name and credit choice, and explains a missing chosen name', async () => {
    const t = buildTestApp();
    const ann = await t.signUp('Ann');
    const bad = await t.request('PATCH', '/api/account/profile', {
      cookie: ann.cookie,
      body: { creditMode: 'display_name' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.displayName).toContain('Enter the name');
    const ok = await t.request('PATCH', '/api/account/profile', {
      cookie: ann.cookie,
      body: { name: 'Ann Smith', creditMode: 'display_name', displayName: 'Annie' },
    });
    expect(ok.json.user).toMatchObject({
      name: 'Ann Smith',
      creditMode: 'display_name',
      displayName: 'Annie',
    });
  });

  it('changing the password needs the current one and ends every other session', async () => {
    const t = buildTestApp();
    const ann = await t.signUp('Ann');
    const other = await t.request('POST', '/api/auth/signin', {
      body: { email: ann.email, password: 'correct horse battery' },
    });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const wrong = await t.request('POST', '/api/account/password', {
      cookie: ann.cookie,
      body: { currentPassword: 'nope nope', newPassword: 'a new long password' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.fields.currentPassword).toBeDefined();
    const ok = await t.request('POST', '/api/account/password', {
      cookie: ann.cookie,
      body: { currentPassword: 'correct horse battery', newPassword: 'a new long password' },
    });
    expect(ok.status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { cookie: ann.cookie })).status).toBe(200);
    expect((await t.request('GET', '/api/auth/me', { cookie: otherCookie })).status).toBe(401);
    const signin = await t.request('POST', '/api/auth/signin', {
      body: { email: ann.email, password: 'a new long password' },
    });
    expect(signin.status).toBe(200);
  });

  it('lists own sessions and ends one of them', async () => {
    const t = buildTestApp();
    const ann = await t.signUp('Ann');
    await t.request('POST', '/api/auth/signin', {
      body: { email: ann.email, password: 'correct horse battery' },
    });
    const list = await t.request('GET', '/api/account/sessions', { cookie: ann.cookie });
    expect(list.json.sessions).toHaveLength(2);
    const other = list.json.sessions.find((s: { current: boolean }) => !s.current);
    const end = await t.request('DELETE', `/api/account/sessions/${other.id}`, {
      cookie: ann.cookie,
    });
    expect(end.status).toBe(200);
    expect(
      (await t.request('GET', '/api/account/sessions', { cookie: ann.cookie })).json.sessions,
    ).toHaveLength(1);
    const bob = await t.signUp('Bob');
    const notMine = await t.request('DELETE', `/api/account/sessions/${list.json.sessions[0].id}`, {
      cookie: bob.cookie,
    });
    expect(notMine.status).toBe(404);
  });
});

describe('audit log', () => {
  it('records sign-ins and failures of members, filters by action, and refuses non-owners', async () => {
    const t = buildTestApp();
    const owner = await t.signUp('Olive');
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: owner.cookie,
      body: { name: 'W' },
    });
    const id = ws.json.workspace.id;
    await t.request('POST', '/api/auth/signin', {
      body: { email: owner.email, password: 'wrong password' },
    });
    await t.request('POST', '/api/auth/signin', {
      body: { email: owner.email, password: 'correct horse battery' },
    });
    const all = await t.request('GET', `/api/workspaces/${id}/audit`, { cookie: owner.cookie });
    const actions = all.json.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain('auth.signin_failed');
    expect(actions).toContain('auth.signin');
    const failed = await t.request('GET', `/api/workspaces/${id}/audit?action=auth.signin_failed`, {
      cookie: owner.cookie,
    });
    expect(
      failed.json.entries.every((e: { action: string }) => e.action === 'auth.signin_failed'),
    ).toBe(true);
    const bad = await t.request('GET', `/api/workspaces/${id}/audit?action=made.up`, {
      cookie: owner.cookie,
    });
    expect(bad.status).toBe(400);
    const bob = await t.signUp('Bob');
    await t.request('POST', `/api/workspaces/${id}/members`, {
      cookie: owner.cookie,
      body: { email: bob.email },
    });
    expect(
      (await t.request('GET', `/api/workspaces/${id}/audit`, { cookie: bob.cookie })).status,
    ).toBe(403);
  });
});
