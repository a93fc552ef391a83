import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/** A real anchor: a Yjs relative position in the editor's fragment, base64. */
function anchorAt(index: number): string {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, [new Y.XmlText('Long waits for results')]);
  const fragment = doc.getXmlFragment('default');
  const pos = Y.createRelativePositionFromTypeIndex(fragment, Math.min(index, fragment.length));
  return Buffer.from(Y.encodeRelativePosition(pos)).toString('base64');
}

const anchor = { start: anchorAt(0), end: anchorAt(1) };

describe('comments over HTTP', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let workspaceId: string;
  let documentId: string;
  let otherDocumentId: string;
  const clients: TestClient[] = [];

  const api = (method: string, path: string, who: TestUser, body?: unknown) =>
    call(server.url, method, `/documents/${documentId}${path}`, { cookie: who.cookie, body });
  const threads = async (who: TestUser = owner) => (await api('GET', '/threads', who)).json.threads;
  const open = (who: TestUser, body = 'The wait is what frightens people.') =>
    api('POST', '/threads', who, { anchor, quote: 'Long waits', body });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    viewer = await buildUser(server.url, 'Vic Viewer');
    outsider = await buildUser(server.url, 'Otto Outsider');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    for (const [who, permission, participantRole] of [
      [patient, 'commenter', 'patient'],
      [clinician, 'editor', 'clinician'],
      [viewer, 'viewer', 'carer'],
    ] as const) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission, participantRole },
        cookie: owner.cookie,
      });
    }
    const make = async (title: string) =>
      (
        await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
          body: { title, kind: 'service_design' },
          cookie: owner.cookie,
        })
      ).json.document.id as string;
    documentId = await make('Pathway');
    otherDocumentId = await make('Other');
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('a commenter opens a thread; everyone who can read the document sees it, credited', async () => {
    const created = await open(patient);
    expect(created.status).toBe(201);
    const [thread] = (await threads(viewer)).filter(
      (t: { id: string }) => t.id === created.json.id,
    );
    expect(thread).toMatchObject({
      quote: 'Long waits',
      anchor,
      resolved: null,
      comments: [
        {
          authorId: patient.id,
          authorName: 'Pat Patient',
          roleLabel: 'Patient or service user',
          body: 'The wait is what frightens people.',
          deleted: false,
          editedAt: null,
        },
      ],
    });
  });

  it('a viewer cannot comment, and someone outside the workspace cannot even read', async () => {
    const refused = await open(viewer);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/permission here \(viewer\)/);
    expect((await api('GET', '/threads', outsider)).status).toBe(404);
    expect((await open(outsider)).status).toBe(404);
  });

  it('only the author edits or deletes a comment, not even the owner; anyone who may comment replies and resolves', async () => {
    const id = (await open(patient, 'First thought')).json.id;
    const first = (await threads()).find((t: { id: string }) => t.id === id).comments[0];
    for (const who of [owner, clinician]) {
      const edit = await api('PATCH', `/comments/${first.id}`, who, {
        body: 'Changed by someone else',
      });
      expect(edit.status).toBe(403);
      expect(edit.json.error.message).toBe(
        'Only the person who wrote a comment can change or delete it. Reply to it instead.',
      );
      expect((await api('DELETE', `/comments/${first.id}`, who)).status).toBe(403);
    }
    expect((await threads()).find((t: { id: string }) => t.id === id).comments[0].body).toBe(
      'First thought',
    );

    expect(
      (
        await api('POST', `/threads/${id}/replies`, clinician, {
          body: 'Agreed: two weeks at most.',
        })
      ).status,
    ).toBe(201);
    expect(
      (await api('PATCH', `/comments/${first.id}`, patient, { body: 'Second thought' })).status,
    ).toBe(200);
    let thread = (await threads()).find((t: { id: string }) => t.id === id);
    expect(thread.comments.map((c: { body: string }) => c.body)).toEqual([
      'Second thought',
      'Agreed: two weeks at most.',
    ]);
    expect(thread.comments[0].editedAt).not.toBeNull();

    // Deleting the first comment keeps its place: the reply after it still reads in order.
    expect((await api('DELETE', `/comments/${first.id}`, patient)).status).toBe(200);
    thread = (await threads()).find((t: { id: string }) => t.id === id);
    expect(thread.comments[0]).toMatchObject({ deleted: true, body: '' });
    expect((await api('PATCH', `/comments/${first.id}`, patient, { body: 'again' })).status).toBe(
      404,
    );

    expect((await api('PUT', `/threads/${id}/resolved`, patient, { resolved: true })).status).toBe(
      200,
    );
    thread = (await threads()).find((t: { id: string }) => t.id === id);
    expect(thread.resolved).toMatchObject({ byName: 'Pat Patient' });
    expect((await api('PUT', `/threads/${id}/resolved`, viewer, { resolved: false })).status).toBe(
      403,
    );
    await api('PUT', `/threads/${id}/resolved`, clinician, { resolved: false });
    expect((await threads()).find((t: { id: string }) => t.id === id).resolved).toBeNull();
    // A reply to a resolved thread reopens it.
    await api('PUT', `/threads/${id}/resolved`, patient, { resolved: true });
    await api('POST', `/threads/${id}/replies`, patient, { body: 'One more thing.' });
    expect((await threads()).find((t: { id: string }) => t.id === id).resolved).toBeNull();
    const extra = (await threads()).find((t: { id: string }) => t.id === id).comments[2].id;
    await api('DELETE', `/comments/${extra}`, patient);

    // When the reply goes too, nothing is left to read: the thread is gone.
    const reply = thread.comments[1].id;
    expect((await api('DELETE', `/comments/${reply}`, clinician)).status).toBe(200);
    expect((await threads()).some((t: { id: string }) => t.id === id)).toBe(false);
  });

  it('refuses bad input with a message saying what to fix', async () => {
    const bad = async (body: unknown) => {
      const res = await api('POST', '/threads', patient, body);
      expect(res.status).toBe(400);
      return res.json.error.message as string;
    };
    expect(await bad({ anchor, quote: 'Long waits', body: '   ' })).toBe(
      'Write your comment before sending it.',
    );
    expect(await bad({ anchor, quote: 'Long waits', body: 'x'.repeat(5_001) })).toMatch(
      /at most 5,000 characters/,
    );
    expect(await bad({ quote: 'Long waits', body: 'Hi' })).toBe('Select the text to comment on.');
    expect(await bad({ anchor: { start: '!!', end: anchor.end }, quote: 'L', body: 'Hi' })).toMatch(
      /could not be read/,
    );
    // Base64, but not a Yjs relative position.
    expect(
      await bad({ anchor: { start: 'AAAA', end: anchor.end }, quote: 'L', body: 'Hi' }),
    ).toMatch(/could not be read. Select the text again/);
    expect(await bad({ anchor, quote: 'L', body: 'Hi', mentions: [outsider.id] })).toMatch(
      /cannot see this document|not a member/,
    );
    expect(await bad('not json')).toMatch(/Send a JSON object with the anchor/);
    expect(await threads(patient)).not.toContainEqual(expect.objectContaining({ quote: 'L' }));
  });

  it('mentions name members who can read the document, and only they are offered', async () => {
    const offered = (await api('GET', '/threads', patient)).json.mentionable;
    expect(offered.map((p: { name: string }) => p.name)).toEqual([
      'Cleo Clinician',
      'Olive Owner',
      'Pat Patient',
      'Vic Viewer',
    ]);
    const res = await api('POST', '/threads', patient, {
      anchor,
      quote: 'Long waits',
      body: '@Cleo Clinician can you check the figures?',
      mentions: [clinician.id, clinician.id],
    });
    expect(res.status).toBe(201);
    const thread = (await threads()).find((t: { id: string }) => t.id === res.json.id);
    expect(thread.comments[0].mentions).toEqual([{ id: clinician.id, name: 'Cleo Clinician' }]);

    // Someone the document is closed to is neither offered nor accepted.
    const access = (overrides: unknown[]) =>
      call(server.url, 'PUT', `/documents/${documentId}/access`, {
        cookie: owner.cookie,
        body: { restricted: false, overrides },
      });
    expect((await access([{ userId: viewer.id, permission: 'none' }])).status).toBe(200);
    const now = (await api('GET', '/threads', patient)).json.mentionable;
    expect(now.map((p: { name: string }) => p.name)).not.toContain('Vic Viewer');
    const refused = await api('POST', '/threads', patient, {
      anchor,
      quote: 'Long waits',
      body: 'Vic?',
      mentions: [viewer.id],
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toBe(
      'Vic Viewer cannot see this document, so they cannot be mentioned. Ask an owner to give them access, or remove the mention.',
    );
    await access([]);
    // A mention of someone who has since lost access stays: the author can still fix a typo.
    const kept = (await open(patient, 'Vic, see this')).json.id;
    const keptComment = (await threads()).find((t: { id: string }) => t.id === kept).comments[0];
    expect(
      (await api('PATCH', `/comments/${keptComment.id}`, patient, { body: 'x', mentions: [] }))
        .status,
    ).toBe(200);
    await api('PATCH', `/comments/${keptComment.id}`, patient, {
      body: 'Vic, see this',
      mentions: [viewer.id],
    });
    await access([{ userId: viewer.id, permission: 'none' }]);
    const fixed = await api('PATCH', `/comments/${keptComment.id}`, patient, {
      body: 'Vic, please see this',
      mentions: [viewer.id],
    });
    expect(fixed.status).toBe(200);
    // Someone else's comment is refused as such, whatever it mentions.
    const notYours = await api('PATCH', `/comments/${keptComment.id}`, clinician, {
      body: 'Hijack',
      mentions: [outsider.id],
    });
    expect(notYours.status).toBe(403);
    await access([]);
  });

  it('ids from another document do not reach across', async () => {
    const id = (await open(patient)).json.id;
    const comment = (await threads()).find((t: { id: string }) => t.id === id).comments[0].id;
    const other = (path: string, method: string, body?: unknown) =>
      call(server.url, method, `/documents/${otherDocumentId}${path}`, {
        cookie: patient.cookie,
        body,
      });
    expect((await other(`/threads/${id}/replies`, 'POST', { body: 'Hi' })).status).toBe(404);
    expect((await other(`/comments/${comment}`, 'PATCH', { body: 'Hi' })).status).toBe(404);
    expect((await other(`/comments/${comment}`, 'DELETE')).status).toBe(404);
    expect((await other(`/threads/${id}/resolved`, 'PUT', { resolved: true })).status).toBe(404);
    expect((await api('POST', '/threads/not-an-id/replies', patient, { body: 'Hi' })).status).toBe(
      404,
    );
  });

  it('everyone with the document open is told at once, so their pages fetch the comments', async () => {
    const a = connectClient(server.url, documentId, clinician.cookie, { chorus: true });
    const b = connectClient(server.url, documentId, viewer.cookie, { chorus: true });
    // A stock y-websocket client (no hello) never receives a message type it does not know.
    const stock = connectClient(server.url, documentId, owner.cookie);
    // Someone with another document open hears nothing of this one.
    const elsewhere = connectClient(server.url, otherDocumentId, clinician.cookie, {
      chorus: true,
    });
    clients.push(a, b, stock, elsewhere);
    await Promise.all([waitSynced(a), waitSynced(b), waitSynced(stock), waitSynced(elsewhere)]);
    await open(patient);
    await eventually(() => expect(a.notices()).toEqual(['comments']));
    await eventually(() => expect(b.notices()).toEqual(['comments']));
    expect(stock.notices()).toEqual([]);
    expect(elsewhere.notices()).toEqual([]);
  });

  it('whoever is mentioned finds it on the workspace page until the thread is resolved', async () => {
    const mentionsFor = async (who: TestUser) =>
      (await call(server.url, 'GET', `/workspaces/${workspaceId}`, { cookie: who.cookie })).json
        .mentions;
    const made = await api('POST', '/threads', clinician, {
      anchor,
      quote: 'Long waits',
      body: 'Pat, is nine weeks right?',
      mentions: [patient.id],
    });
    expect(made.status).toBe(201);
    const mine = (await mentionsFor(patient)).filter(
      (m: { threadId: string }) => m.threadId === made.json.id,
    );
    expect(mine).toEqual([
      expect.objectContaining({
        documentId,
        documentTitle: 'Pathway',
        quote: 'Long waits',
        byName: 'Cleo Clinician',
        body: 'Pat, is nine weeks right?',
      }),
    ]);
    // Nobody else sees it as theirs.
    expect(
      (await mentionsFor(viewer)).some((m: { threadId: string }) => m.threadId === made.json.id),
    ).toBe(false);
    await api('PUT', `/threads/${made.json.id}/resolved`, clinician, { resolved: true });
    expect(
      (await mentionsFor(patient)).some((m: { threadId: string }) => m.threadId === made.json.id),
    ).toBe(false);
  });

  it('the contribution report counts the comments each person and role made', async () => {
    const report = (
      await call(server.url, 'GET', `/documents/${documentId}/report`, { cookie: owner.cookie })
    ).json.report;
    const patientFigures = report.people.find(
      (p: { accountId: string }) => p.accountId === patient.id,
    );
    const live = (await threads()).flatMap(
      (t: { comments: { authorId: string; deleted: boolean }[] }) =>
        t.comments.filter((c) => c.authorId === patient.id && !c.deleted),
    );
    expect(patientFigures.commentsMade).toBe(live.length);
    expect(patientFigures.commentsMade).toBeGreaterThan(2);
    expect(report.roles.find((r: { role: string }) => r.role === 'patient').commentsMade).toBe(
      live.length,
    );
    const csv = await fetch(`${server.url}/api/documents/${documentId}/report.csv`, {
      headers: { cookie: owner.cookie },
    });
    expect(await csv.text()).toContain('Comments made');

    // A patient who leaves, having only commented, is still credited as a patient.
    const left = await call(
      server.url,
      'DELETE',
      `/workspaces/${workspaceId}/members/${patient.id}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(left.status).toBe(200);
    const after = (
      await call(server.url, 'GET', `/documents/${documentId}/report`, { cookie: owner.cookie })
    ).json.report;
    expect(
      after.people.find((p: { accountId: string }) => p.accountId === patient.id),
    ).toMatchObject({ role: 'patient', commentsMade: live.length });
  });
});
