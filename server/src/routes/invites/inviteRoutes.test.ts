import { describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

async function setup() {
  const t = buildTestApp();
  const owner = await t.signUp('Olive Owner');
  const ws = await t.request('POST', '/api/workspaces', {
    cookie: owner.cookie,
    body: { name: 'Eye screening' },
  });
  const workspaceId = ws.json.workspace.id as string;
  const invite = async (body: Record<string, unknown>) =>
    t.request('POST', `/api/workspaces/${workspaceId}/invites`, { cookie: owner.cookie, body });
  return { t, owner, workspaceId, invite };
}
const tokenOf = (url: string) => url.split('/invite/')[1] ?? '';

describe('invite links', () => {
  it('an owner creates a link with a permission, role, expiry and use limit', async () => {
    const { invite } = await setup();
    const res = await invite({
      permission: 'commenter',
      participantRole: 'patient',
      expiresInDays: 7,
      maxUses: 1,
    });
    expect(res.status).toBe(201);
    expect(res.json.url).toMatch(/^http:\/\/localhost:3000\/invite\/[a-z2-7]+\.[a-z2-7]+$/);
    expect(res.json.invite).toMatchObject({
      permission: 'commenter',
      participantRole: 'patient',
      maxUses: 1,
      uses: 0,
      status: 'active',
    });
  });

  it('explains bad invite settings', async () => {
    const { invite } = await setup();
    const res = await invite({
      permission: 'king',
      participantRole: 'wizard',
      expiresInDays: 90,
      maxUses: 0,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.error.fields).sort()).toEqual([
      'expiresInDays',
      'maxUses',
      'participantRole',
      'permission',
    ]);
  });

  it('a new person opens the link, signs up and joins with the permission and role it carries', async () => {
    const { t, invite, workspaceId, owner } = await setup();
    const created = await invite({
      permission: 'commenter',
      participantRole: 'patient',
      expiresInDays: 7,
    });
    const token = tokenOf(created.json.url);
    const preview = await t.request('GET', `/api/invites/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.json.invite).toMatchObject({
      workspaceName: 'Eye screening',
      permission: 'commenter',
      participantRoleLabel: 'Patient or service user',
    });
    const pat = await t.signUp('Pat');
    const accept = await t.request('POST', `/api/invites/${token}/accept`, { cookie: pat.cookie });
    expect(accept.status).toBe(201);
    const view = await t.request('GET', `/api/workspaces/${workspaceId}`, { cookie: owner.cookie });
    expect(view.json.members).toContainEqual(
      expect.objectContaining({
        userId: pat.id,
        permission: 'commenter',
        participantRole: 'patient',
      }),
    );
    const audit = await t.request(
      'GET',
      `/api/workspaces/${workspaceId}/audit?action=invite.used`,
      { cookie: owner.cookie },
    );
    expect(audit.json.entries).toHaveLength(1);
    expect(audit.json.entries[0].actorId).toBe(pat.id);
  });

  it('a used-up link says so plainly', async () => {
    const { t, invite } = await setup();
    const created = await invite({
      permission: 'viewer',
      participantRole: 'carer',
      expiresInDays: 1,
      maxUses: 1,
    });
    const token = tokenOf(created.json.url);
    const a = await t.signUp('A');
    const b = await t.signUp('B');
    expect(
      (await t.request('POST', `/api/invites/${token}/accept`, { cookie: a.cookie })).status,
    ).toBe(201);
    const late = await t.request('POST', `/api/invites/${token}/accept`, { cookie: b.cookie });
    expect(late.status).toBe(404);
    expect(late.json.error.message).toContain('already been used');
  });

  it('a revoked link says so plainly, and the revocation is audited', async () => {
    const { t, invite, workspaceId, owner } = await setup();
    const created = await invite({
      permission: 'viewer',
      participantRole: 'carer',
      expiresInDays: 1,
    });
    const revoke = await t.request(
      'DELETE',
      `/api/workspaces/${workspaceId}/invites/${created.json.invite.id}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(revoke.json.invite.status).toBe('revoked');
    const res = await t.request('GET', `/api/invites/${tokenOf(created.json.url)}`);
    expect(res.status).toBe(404);
    expect(res.json.error.message).toContain('withdrawn');
    const audit = await t.request(
      'GET',
      `/api/workspaces/${workspaceId}/audit?action=invite.revoked`,
      { cookie: owner.cookie },
    );
    expect(audit.json.entries).toHaveLength(1);
  });

  it('an expired link says so plainly', async () => {
    const { t, invite } = await setup();
    const created = await invite({
      permission: 'viewer',
      participantRole: 'carer',
      expiresInDays: 1,
    });
    vi.useFakeTimers({ now: Date.now() + 2 * 24 * 3600_000, toFake: ['Date'] });
    try {
      const res = await t.request('GET', `/api/invites/${tokenOf(created.json.url)}`);
      expect(res.status).toBe(404);
      expect(res.json.error.message).toContain('expired');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a tampered or made-up link is not valid', async () => {
    const { t, invite } = await setup();
    const created = await invite({
      permission: 'viewer',
      participantRole: 'carer',
      expiresInDays: 1,
    });
    const [id] = tokenOf(created.json.url).split('.');
    for (const token of [`${id}.aaaaaaaaaaaaaaaaaaaaaaaa`, 'nonsense', `${id}`]) {
      const res = await t.request('GET', `/api/invites/${token}`);
      expect(res.status).toBe(404);
      expect(res.json.error.message).toContain('not valid');
    }
  });

  it('only owners create, list or revoke invites', async () => {
    const { t, invite, workspaceId } = await setup();
    const created = await invite({
      permission: 'editor',
      participantRole: 'clinician',
      expiresInDays: 1,
    });
    const ed = await t.signUp('Ed');
    await t.request('POST', `/api/invites/${tokenOf(created.json.url)}/accept`, {
      cookie: ed.cookie,
    });
    const res = await t.request('POST', `/api/workspaces/${workspaceId}/invites`, {
      cookie: ed.cookie,
      body: { permission: 'owner', participantRole: 'other', expiresInDays: 1 },
    });
    expect(res.status).toBe(403);
    expect(
      (await t.request('GET', `/api/workspaces/${workspaceId}/invites`, { cookie: ed.cookie }))
        .status,
    ).toBe(403);
  });
});
