import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildTestApp } from '../../test/testApp.ts';

describe('workspaces and documents', () => {
  it('a signed-in person creates a workspace and sees it listed as owner', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const created = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'Eye screening' },
    });
    expect(created.status).toBe(201);
    const list = await t.request('GET', '/api/workspaces', { cookie: ann.cookie });
    expect(list.json.workspaces).toEqual([
      expect.objectContaining({ name: 'Eye screening', permission: 'owner' }),
    ]);
  });

  it('needs a session', async () => {
    const t = buildTestApp();
    const res = await t.request('GET', '/api/workspaces');
    expect(res.status).toBe(401);
  });

  it("creates a document seeded on the server with its kind's template headings", async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'QI' },
    });
    const res = await t.request('POST', `/api/workspaces/${ws.json.workspace.id}/documents`, {
      cookie: ann.cookie,
      body: { title: 'Falls reduction', kind: 'improvement_plan' },
    });
    expect(res.status).toBe(201);
    expect(res.json.document).toMatchObject({ title: 'Falls reduction', kind: 'improvement_plan' });
    const { rows } = await t.storage.journal.load(res.json.document.id);
    expect(rows).toHaveLength(1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, rows[0]?.update ?? new Uint8Array());
    const headings = doc
      .getXmlFragment('default')
      .toArray()
      .filter((n) => n instanceof Y.XmlElement && n.nodeName === 'heading')
      .map((n) => (n as Y.XmlElement).toArray().join(''));
    expect(headings).toEqual([
      'Charter',
      'Driver diagram',
      'Measures',
      'PDSA cycles',
      'Action log',
    ]);
  });

  it('explains a bad kind or a missing title', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'QI' },
    });
    const res = await t.request('POST', `/api/workspaces/${ws.json.workspace.id}/documents`, {
      cookie: ann.cookie,
      body: { title: ' ', kind: 'poem' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields.title).toBe('Enter a title for the document.');
    expect(res.json.error.fields.kind).toContain('service design');
  });

  it('lets an owner add a signed-up person, who then sees and may edit the documents', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const bob = await t.signUp('Bob');
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'W' },
    });
    const id = ws.json.workspace.id;
    const doc = await t.request('POST', `/api/workspaces/${id}/documents`, {
      cookie: ann.cookie,
      body: { title: 'D', kind: 'service_design' },
    });
    const add = await t.request('POST', `/api/workspaces/${id}/members`, {
      cookie: ann.cookie,
      body: { email: bob.email },
    });
    expect(add.status).toBe(201);
    const again = await t.request('POST', `/api/workspaces/${id}/members`, {
      cookie: ann.cookie,
      body: { email: bob.email },
    });
    expect(again.status).toBe(409);
    const view = await t.request('GET', `/api/documents/${doc.json.document.id}`, {
      cookie: bob.cookie,
    });
    expect(view.status).toBe(200);
    expect(view.json.canEdit).toBe(true);
    const rename = await t.request('PATCH', `/api/documents/${doc.json.document.id}`, {
      cookie: bob.cookie,
      body: { title: 'Renamed by Bob' },
    });
    expect(rename.json.document.title).toBe('Renamed by Bob');
  });

  it('says plainly when the person to add has not signed up', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'W' },
    });
    const res = await t.request('POST', `/api/workspaces/${ws.json.workspace.id}/members`, {
      cookie: ann.cookie,
      body: { email: 'nobody@example.org' },
    });
    expect(res.status).toBe(404);
    expect(res.json.error.fields.email).toContain('invite link');
  });

  it('only owners add members', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const bob = await t.signUp('Bob');
    const cy = await t.signUp('Cy');
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'W' },
    });
    const id = ws.json.workspace.id;
    await t.request('POST', `/api/workspaces/${id}/members`, {
      cookie: ann.cookie,
      body: { email: bob.email },
    });
    const res = await t.request('POST', `/api/workspaces/${id}/members`, {
      cookie: bob.cookie,
      body: { email: cy.email },
    });
    expect(res.status).toBe(403);
  });

  it('gives a non-member the same answer as a document that does not exist', async () => {
    const t = buildTestApp();
    const ann = await t.signUp();
    const eve = await t.signUp('Eve');
    const ws = await t.request('POST', '/api/workspaces', {
      cookie: ann.cookie,
      body: { name: 'W' },
    });
    const doc = await t.request('POST', `/api/workspaces/${ws.json.workspace.id}/documents`, {
      cookie: ann.cookie,
      body: { title: 'Secret bid scores', kind: 'procurement_evaluation' },
    });
    const notMine = await t.request('GET', `/api/documents/${doc.json.document.id}`, {
      cookie: eve.cookie,
    });
    const missing = await t.request('GET', `/api/documents/${'z'.repeat(24)}`, {
      cookie: eve.cookie,
    });
    const junk = await t.request('GET', '/api/documents/..%2Fetc', { cookie: eve.cookie });
    expect(notMine.status).toBe(404);
    expect(notMine.json).toEqual(missing.json);
    expect(junk.json).toEqual(missing.json);
    expect(notMine.json.error.message).toContain('not a member');
    const wsView = await t.request('GET', `/api/workspaces/${ws.json.workspace.id}`, {
      cookie: eve.cookie,
    });
    expect(wsView.status).toBe(404);
  });
});
