import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('document status over HTTP', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let carer: TestUser;
  let outsider: TestUser;
  let workspaceId: string;
  let documentId: string;
  let evaluationId: string;
  const clients: TestClient[] = [];

  const api = (method: string, path: string, who: TestUser, body?: unknown) =>
    call(server.url, method, `/documents/${documentId}/status${path}`, {
      cookie: who.cookie,
      body,
    });
  const version = async () => (await api('GET', '', owner)).json.version as number;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    carer = await buildUser(server.url, 'Cara Carer');
    outsider = await buildUser(server.url, 'Otto Outsider');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    for (const [who, permission, participantRole] of [
      [patient, 'commenter', 'patient'],
      [clinician, 'editor', 'clinician'],
      [carer, 'viewer', 'carer'],
    ] as const) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission, participantRole },
        cookie: owner.cookie,
      });
    }
    const make = async (title: string, kind: string) =>
      (
        await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
          body: { title, kind },
          cookie: owner.cookie,
        })
      ).json.document.id as string;
    documentId = await make('Pathway', 'service_design');
    evaluationId = await make('Tender', 'procurement_evaluation');
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('starts as a draft, shows the rule in words and who may be named, to readers only', async () => {
    const res = await api('GET', '', carer);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'draft',
      version: 0,
      changedAt: null,
      rule: 'It becomes “Approved” once the staff lead and the lived-experience co-chair have both approved it, while it is “In review with participants”.',
      leads: [
        { role: 'staff_lead', person: null, approvedAt: null },
        { role: 'co_chair', person: null, approvedAt: null },
      ],
    });
    expect(res.json.statuses.map((s: { name: string }) => s.name)).toEqual([
      'Draft',
      'In review with participants',
      'Approved',
      'In implementation',
      'Closed',
    ]);
    expect(res.json.candidates.co_chair.map((p: { name: string }) => p.name)).toEqual([
      'Cara Carer',
      'Pat Patient',
    ]);
    expect(res.json.candidates.staff_lead.map((p: { name: string }) => p.name)).toContain(
      'Cleo Clinician',
    );
    expect((await api('GET', '', outsider)).status).toBe(404);
    const evaluation = await call(server.url, 'GET', `/documents/${evaluationId}/status`, {
      cookie: owner.cookie,
    });
    expect(evaluation.status).toBe(404);
    expect(evaluation.json.error.message).toContain('its own stages on its Scoring page');
  });

  it('moves one step at a time, for editors; back only for owners; never on a stale view', async () => {
    const client = connectClient(server.url, documentId, carer.cookie, { chorus: true });
    clients.push(client);
    await waitSynced(client);
    expect((await api('PUT', '', patient, { to: 'in_review', version: 0 })).status).toBe(403);
    const bad = await api('PUT', '', clinician, { to: 5 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.error)).toContain('Say which status to move to.');
    const moved = await api('PUT', '', clinician, { to: 'in_review', version: 0 });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      status: 'in_review',
      version: 1,
      changedBy: 'Cleo Clinician',
    });
    // Everyone with the document open is told, so their pages fetch it again.
    await eventually(() => expect(client.notices()).toContain('status'));
    const stale = await api('PUT', '', clinician, { to: 'draft', version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toContain('it is now “In review with participants”');
    const skip = await api('PUT', '', clinician, { to: 'approved', version: 1 });
    expect(skip.status).toBe(400);
    expect(skip.json.error.message).toContain('once the staff lead and the lived-experience');
    const back = await api('PUT', '', clinician, { to: 'draft', version: 1 });
    expect(back.json.error.message).toBe('Only an owner of the document can move it back a step.');
    expect((await api('PUT', '', owner, { to: 'draft', version: 1 })).json.status).toBe('draft');
    expect((await api('PUT', '', owner, { to: 'in_review', version: 2 })).json.status).toBe(
      'in_review',
    );
  });

  it('lets owners name leads who fit the role and can read the document', async () => {
    const v = await version();
    expect(
      (
        await api('PUT', '/leads', clinician, {
          role: 'co_chair',
          accountId: patient.id,
          version: v,
        })
      ).status,
    ).toBe(403);
    const wrongRole = await api('PUT', '/leads', owner, {
      role: 'co_chair',
      accountId: clinician.id,
      version: v,
    });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.json.error.message).toContain('patient, service user or carer');
    const stranger = await api('PUT', '/leads', owner, {
      role: 'staff_lead',
      accountId: outsider.id,
      version: v,
    });
    expect(stranger.json.error.message).toContain('cannot read this document');
    const noSponsor = await api('PUT', '/leads', owner, {
      role: 'sponsor',
      accountId: patient.id,
      version: v,
    });
    expect(noSponsor.json.error.message).toBe('This kind of document has no sponsor.');
    await api('PUT', '/leads', owner, { role: 'co_chair', accountId: patient.id, version: v });
    const named = await api('PUT', '/leads', owner, {
      role: 'staff_lead',
      accountId: clinician.id,
      version: v + 1,
    });
    expect(named.json.leads).toMatchObject([
      { role: 'staff_lead', person: { id: clinician.id, name: 'Cleo Clinician' } },
      { role: 'co_chair', person: { id: patient.id, name: 'Pat Patient' } },
    ]);
  });

  it('is approved once the named staff lead and co-chair have both approved, and audited', async () => {
    let v = await version();
    const notNamed = await api('POST', '/approvals', carer, { role: 'co_chair', version: v });
    expect(notNamed.status).toBe(400);
    expect(notNamed.json.error.message).toContain('Only the lived-experience co-chair named');
    // The patient may only comment on the text, and still approves as co-chair.
    const first = await api('POST', '/approvals', patient, { role: 'co_chair', version: v });
    expect(first.status).toBe(200);
    expect(first.json.status).toBe('in_review');
    expect(first.json.leads[1].approvedAt).not.toBeNull();
    v = first.json.version;
    expect(
      (await api('POST', '/approvals', patient, { role: 'co_chair', version: v })).json.error
        .message,
    ).toBe('You have already approved it.');
    const second = await api('POST', '/approvals', clinician, { role: 'staff_lead', version: v });
    expect(second.json.status).toBe('approved');
    // What was approved is kept as a named version, whatever the text becomes.
    const versions = await call(server.url, 'GET', `/documents/${documentId}/versions`, {
      cookie: owner.cookie,
    });
    expect(versions.json.versions.map((x: { label: string | null }) => x.label)).toContain(
      'Approved by Cleo Clinician (staff lead) and Pat Patient (lived-experience co-chair)',
    );
    const audit = await call(server.url, 'GET', `/workspaces/${workspaceId}/audit`, {
      cookie: owner.cookie,
    });
    const actions = audit.json.entries
      .filter((e: { target: string }) => e.target === documentId)
      .map((e: { action: string; details: Record<string, unknown> }) => [e.action, e.details]);
    expect(actions).toContainEqual([
      'document.status_changed',
      { from: 'in_review', to: 'approved' },
    ]);
    expect(actions).toContainEqual([
      'document.approved',
      { role: 'co_chair', status: 'in_review' },
    ]);
    expect(actions).toContainEqual([
      'document.lead_named',
      { role: 'co_chair', accountId: patient.id, name: 'Pat Patient' },
    ]);
    // Who approved it stays on record: the leads cannot be swapped afterwards.
    const swap = await api('PUT', '/leads', owner, {
      role: 'co_chair',
      accountId: carer.id,
      version: second.json.version,
    });
    expect(swap.status).toBe(400);
    expect(swap.json.error.message).toContain('who approved it stays on record');
  });

  it('is not closed while a priority has no “You said, we did” entry', async () => {
    const client = connectClient(server.url, documentId, clinician.cookie, { chorus: true });
    clients.push(client);
    await waitSynced(client);
    const list = new Y.XmlElement('priorityList');
    const priority = new Y.XmlElement('priority');
    priority.setAttribute('title', 'Results within a week');
    priority.setAttribute('evidence', 'Eleven of twelve stories mention the wait');
    list.insert(0, [priority]);
    client.doc.getXmlFragment('default').push([list]);
    await eventually(() => expect(client.saved()).toBe(client.sent()));
    const v = await version();
    expect((await api('PUT', '', clinician, { to: 'in_implementation', version: v })).status).toBe(
      200,
    );
    const early = await api('PUT', '', clinician, { to: 'closed', version: v + 1 });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toBe(
      'The design cannot be closed while a priority has no “You said, we did” entry: add what changed, or what did not and why, for “Results within a week”.',
    );
    priority.setAttribute('changed', 'Results letters now go out in five days');
    await eventually(() => expect(client.saved()).toBe(client.sent()));
    const closed = await api('PUT', '', clinician, { to: 'closed', version: v + 1 });
    expect(closed.json.status).toBe('closed');
  });

  it('takes an improvement plan out of draft only by its sponsor’s approval', async () => {
    const planId = (
      await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
        body: { title: 'Fewer missed appointments', kind: 'improvement_plan' },
        cookie: owner.cookie,
      })
    ).json.document.id as string;
    const plan = (method: string, path: string, who: TestUser, body?: unknown) =>
      call(server.url, method, `/documents/${planId}/status${path}`, { cookie: who.cookie, body });
    const shown = await plan('GET', '', clinician);
    expect(shown.json.leads.map((l: { role: string }) => l.role)).toEqual(['sponsor']);
    expect(shown.json.statuses.map((s: { id: string }) => s.id)).toEqual([
      'draft',
      'sponsor_approved',
      'testing',
      'implementing',
      'sustaining',
      'closed',
    ]);
    const early = await plan('PUT', '', owner, { to: 'sponsor_approved', version: 0 });
    expect(early.json.error.message).toContain('once the sponsor has approved it');
    await plan('PUT', '/leads', owner, { role: 'sponsor', accountId: carer.id, version: 0 });
    const approved = await plan('POST', '/approvals', carer, { role: 'sponsor', version: 1 });
    expect(approved.json.status).toBe('sponsor_approved');
    const testing = await plan('PUT', '', clinician, { to: 'testing', version: 2 });
    expect(testing.json.status).toBe('testing');
  });
});
