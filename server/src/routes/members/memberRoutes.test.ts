import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

async function setup() {
  const t = buildTestApp();
  const owner = await t.signUp('Olive Owner');
  const ws = await t.request('POST', '/api/workspaces', {
    cookie: owner.cookie,
    body: { name: 'W' },
  });
  const workspaceId = ws.json.workspace.id as string;
  const bob = await t.signUp('Bob Clinician');
  await t.request('POST', `/api/workspaces/${workspaceId}/members`, {
    cookie: owner.cookie,
    body: { email: bob.email, permission: 'editor', participantRole: 'clinician' },
  });
  return { t, owner, bob, workspaceId };
}

describe('members', () => {
  it('an owner changes a member’s permission and role, and both changes are audited', async () => {
    const { t, owner, bob, workspaceId } = await setup();
    const res = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${bob.id}`, {
      cookie: owner.cookie,
      body: { permission: 'viewer', participantRole: 'commissioner' },
    });
    expect(res.status).toBe(200);
    const m = await t.storage.workspaces.getMembership(workspaceId, bob.id);
    expect(m).toMatchObject({ permission: 'viewer', participantRole: 'commissioner' });
    const audit = await t.request('GET', `/api/workspaces/${workspaceId}/audit`, {
      cookie: owner.cookie,
    });
    const actions = audit.json.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain('member.permission_changed');
    expect(actions).toContain('member.role_changed');
  });

  it('a workspace always keeps at least one owner', async () => {
    const { t, owner, workspaceId } = await setup();
    const demote = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${owner.id}`, {
      cookie: owner.cookie,
      body: { permission: 'editor' },
    });
    expect(demote.status).toBe(409);
    expect(demote.json.error.message).toContain('at least one owner');
    const leave = await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${owner.id}`, {
      cookie: owner.cookie,
    });
    expect(leave.status).toBe(409);
  });

  it('a member leaves; an owner removes; a non-owner cannot remove others', async () => {
    const { t, owner, bob, workspaceId } = await setup();
    const cy = await t.signUp('Cy');
    await t.request('POST', `/api/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
      body: { email: cy.email },
    });
    expect(
      (
        await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${cy.id}`, {
          cookie: bob.cookie,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${bob.id}`, {
          cookie: bob.cookie,
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.request('GET', `/api/workspaces/${workspaceId}`, { cookie: bob.cookie })).status,
    ).toBe(404);
    expect(
      (
        await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${cy.id}`, {
          cookie: owner.cookie,
        })
      ).status,
    ).toBe(200);
  });

  it('shows members credited as they chose, and emails only to owners', async () => {
    const { t, owner, bob, workspaceId } = await setup();
    await t.request('PATCH', '/api/account/profile', {
      cookie: bob.cookie,
      body: { creditMode: 'role_only' },
    });
    const asBob = await t.request('GET', `/api/workspaces/${workspaceId}`, { cookie: bob.cookie });
    const ownerSeenByBob = asBob.json.members.find(
      (m: { userId: string }) => m.userId === owner.id,
    );
    expect(ownerSeenByBob.email).toBeNull();
    const asOwner = await t.request('GET', `/api/workspaces/${workspaceId}`, {
      cookie: owner.cookie,
    });
    const bobSeen = asOwner.json.members.find((m: { userId: string }) => m.userId === bob.id);
    expect(bobSeen.creditedName).toBe('A clinician');
    expect(bobSeen.email).toBe(bob.email);
  });
});

describe('per-document access', () => {
  it('a restricted document is hidden from members without an override', async () => {
    const { t, owner, bob, workspaceId } = await setup();
    const doc = await t.request('POST', `/api/workspaces/${workspaceId}/documents`, {
      cookie: owner.cookie,
      body: { title: 'Bid scores', kind: 'procurement_evaluation' },
    });
    const id = doc.json.document.id;
    const set = await t.request('PUT', `/api/documents/${id}/access`, {
      cookie: owner.cookie,
      body: { restricted: true, overrides: [] },
    });
    expect(set.status).toBe(200);
    expect((await t.request('GET', `/api/documents/${id}`, { cookie: bob.cookie })).status).toBe(
      404,
    );
    const list = await t.request('GET', `/api/workspaces/${workspaceId}`, { cookie: bob.cookie });
    expect(list.json.documents).toEqual([]);
    await t.request('PUT', `/api/documents/${id}/access`, {
      cookie: owner.cookie,
      body: { restricted: true, overrides: [{ userId: bob.id, permission: 'viewer' }] },
    });
    const view = await t.request('GET', `/api/documents/${id}`, { cookie: bob.cookie });
    expect(view.json).toMatchObject({ permission: 'viewer', canEdit: false });
  });
});

describe('document deletion', () => {
  it('only owners delete; a deleted document is gone for everyone and audited', async () => {
    const { t, owner, bob, workspaceId } = await setup();
    const doc = await t.request('POST', `/api/workspaces/${workspaceId}/documents`, {
      cookie: owner.cookie,
      body: { title: 'Old', kind: 'service_design' },
    });
    const id = doc.json.document.id;
    expect((await t.request('DELETE', `/api/documents/${id}`, { cookie: bob.cookie })).status).toBe(
      403,
    );
    expect(
      (await t.request('DELETE', `/api/documents/${id}`, { cookie: owner.cookie })).status,
    ).toBe(200);
    expect((await t.request('GET', `/api/documents/${id}`, { cookie: owner.cookie })).status).toBe(
      404,
    );
    const audit = await t.request(
      'GET',
      `/api/workspaces/${workspaceId}/audit?action=document.deleted`,
      { cookie: owner.cookie },
    );
    expect(audit.json.entries).toHaveLength(1);
  });
});
