import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/testApp.ts';

/** An owner's workspace with one document, a viewer, an editor and someone outside it. */
async function setup() {
  const t = buildTestApp();
  const owner = await t.signUp('Olive Owner');
  const viewer = await t.signUp('Vic Viewer');
  const editor = await t.signUp('Eddie Editor');
  const outsider = await t.signUp('Otto Outsider');
  const ws = await t.request('POST', '/api/workspaces', {
    cookie: owner.cookie,
    body: { name: 'W' },
  });
  const workspaceId = ws.json.workspace.id as string;
  for (const [who, permission] of [
    [viewer, 'viewer'],
    [editor, 'editor'],
  ] as const) {
    await t.request('POST', `/api/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
      body: { email: who.email, permission, participantRole: 'patient' },
    });
  }
  const created = await t.request('POST', `/api/workspaces/${workspaceId}/documents`, {
    cookie: owner.cookie,
    body: { title: 'Plan', kind: 'service_design' },
  });
  const documentId = created.json.document.id as string;
  const permissionOf = async (cookie: string) => {
    const res = await t.request('GET', `/api/documents/${documentId}`, { cookie });
    return res.status === 200 ? (res.json.permission as string) : res.status;
  };
  return { t, owner, viewer, editor, outsider, workspaceId, documentId, permissionOf };
}

describe('per-document access (the sharing page)', () => {
  it('an override raises or removes a member’s access; restricting closes it to the rest; each change is audited', async () => {
    const { t, owner, viewer, editor, workspaceId, documentId, permissionOf } = await setup();
    expect(await permissionOf(viewer.cookie)).toBe('viewer');

    const raise = await t.request('PUT', `/api/documents/${documentId}/access`, {
      cookie: owner.cookie,
      body: { restricted: false, overrides: [{ userId: viewer.id, permission: 'editor' }] },
    });
    expect(raise.status).toBe(200);
    expect(await permissionOf(viewer.cookie)).toBe('editor');
    expect(await permissionOf(editor.cookie)).toBe('editor');

    // Restricted, with the viewer's override taken away and the editor given none:
    // both lose the document, and it answers them as if it did not exist.
    await t.request('PUT', `/api/documents/${documentId}/access`, {
      cookie: owner.cookie,
      body: { restricted: true, overrides: [{ userId: editor.id, permission: 'none' }] },
    });
    expect(await permissionOf(viewer.cookie)).toBe(404);
    expect(await permissionOf(editor.cookie)).toBe(404);
    expect(await permissionOf(owner.cookie)).toBe('owner');
    const read = await t.request('GET', `/api/documents/${documentId}/access`, {
      cookie: owner.cookie,
    });
    expect(read.json).toEqual({
      restricted: true,
      overrides: [expect.objectContaining({ userId: editor.id, permission: 'none' })],
    });

    const audit = await t.request('GET', `/api/workspaces/${workspaceId}/audit`, {
      cookie: owner.cookie,
    });
    const changes = audit.json.entries.filter(
      (e: { action: string }) => e.action === 'document.access_changed',
    );
    expect(changes).toHaveLength(2);
  });

  it('only those who manage the document may change its access, and only for members', async () => {
    const { t, owner, editor, outsider, documentId } = await setup();
    const byEditor = await t.request('PUT', `/api/documents/${documentId}/access`, {
      cookie: editor.cookie,
      body: { restricted: true, overrides: [] },
    });
    expect(byEditor.status).toBe(403);
    const forOutsider = await t.request('PUT', `/api/documents/${documentId}/access`, {
      cookie: owner.cookie,
      body: { restricted: false, overrides: [{ userId: outsider.id, permission: 'editor' }] },
    });
    expect(forOutsider.status).toBe(400);
    expect(forOutsider.json.error.message).toContain('members of the workspace');
    const badPermission = await t.request('PUT', `/api/documents/${documentId}/access`, {
      cookie: owner.cookie,
      body: { restricted: false, overrides: [{ userId: editor.id, permission: 'boss' }] },
    });
    expect(badPermission.status).toBe(400);
    expect(JSON.stringify(badPermission.json)).toContain(
      'Choose owner, editor, commenter, viewer or none.',
    );
  });
});

describe('versions, report and authorship refuse those without the right', () => {
  it('someone outside the workspace gets the same 404 as for a missing document, everywhere', async () => {
    const { t, outsider, documentId } = await setup();
    const missing = await t.request('GET', '/api/documents/d0000000000000000000000000/report', {
      cookie: outsider.cookie,
    });
    for (const [method, path] of [
      ['GET', `/api/documents/${documentId}/report`],
      ['GET', `/api/documents/${documentId}/report.csv`],
      ['GET', `/api/documents/${documentId}/authorship`],
      ['GET', `/api/documents/${documentId}/versions`],
      ['GET', `/api/documents/${documentId}/versions/v1/compare/current`],
      ['POST', `/api/documents/${documentId}/versions`],
      ['POST', `/api/documents/${documentId}/versions/v1/restore`],
    ] as const) {
      const res = await t.request(method, path, {
        cookie: outsider.cookie,
        ...(method === 'POST' && path.endsWith('versions') ? { body: { label: 'x' } } : {}),
      });
      expect({ path, status: res.status, body: res.json }).toEqual({
        path,
        status: 404,
        body: missing.json,
      });
    }
  });

  it('a viewer may not save or restore a version', async () => {
    const { t, viewer, documentId } = await setup();
    const save = await t.request('POST', `/api/documents/${documentId}/versions`, {
      cookie: viewer.cookie,
      body: { label: 'Mine' },
    });
    expect(save.status).toBe(403);
    const restore = await t.request('POST', `/api/documents/${documentId}/versions/v1/restore`, {
      cookie: viewer.cookie,
    });
    expect(restore.status).toBe(403);
    expect(await t.storage.versions.list(documentId)).toEqual([]);
  });
});
