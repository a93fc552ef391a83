import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
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

interface Listed {
  id: string;
  workspaceName: string;
  documentId: string;
  documentTitle: string;
  threadId: string;
  quote: string;
  byName: string;
  body: string;
  at: string;
  read: boolean;
}

/**
 * A person's notifications: their mentions in every workspace they belong to, newest
 * first, with read state kept on the server; only mentions in documents they may still
 * read, in open threads, in comments not deleted.
 */
describe('notifications over HTTP', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let otherOwner: TestUser;
  let workspaceId: string;
  let documentId: string;
  let secretDocumentId: string;
  let otherWorkspaceDocumentId: string;

  const list = async (who: TestUser) => {
    const res = await call(server.url, 'GET', '/me/notifications', { cookie: who.cookie });
    expect(res.status).toBe(200);
    return res.json as { mentions: Listed[]; unread: number };
  };
  const mention = async (by: TestUser, docId: string, body: string, mentions: string[]) => {
    const res = await call(server.url, 'POST', `/documents/${docId}/threads`, {
      cookie: by.cookie,
      body: { anchor, quote: 'Long waits', body, mentions },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  const markRead = (who: TestUser, body: unknown) =>
    call(server.url, 'POST', '/me/notifications/read', { cookie: who.cookie, body });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    otherOwner = await buildUser(server.url, 'Hal Healthwatch');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: patient.email, permission: 'commenter', participantRole: 'patient' },
      cookie: owner.cookie,
    });
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: clinician.email, permission: 'editor', participantRole: 'clinician' },
      cookie: owner.cookie,
    });
    const make = async (who: TestUser, wsId: string, title: string) =>
      (
        await call(server.url, 'POST', `/workspaces/${wsId}/documents`, {
          body: { title, kind: 'service_design' },
          cookie: who.cookie,
        })
      ).json.document.id as string;
    documentId = await make(owner, workspaceId, 'Screening pathway');
    secretDocumentId = await make(owner, workspaceId, 'Budget');
    // A second workspace the patient also belongs to.
    const other = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Healthwatch panel' },
      cookie: otherOwner.cookie,
    });
    await call(server.url, 'POST', `/workspaces/${other.json.workspace.id}/members`, {
      body: { email: patient.email, permission: 'commenter', participantRole: 'patient' },
      cookie: otherOwner.cookie,
    });
    otherWorkspaceDocumentId = await make(otherOwner, other.json.workspace.id, 'Survey');
  });

  afterAll(async () => {
    await server.stop();
  });

  it('is refused to someone signed out', async () => {
    expect((await call(server.url, 'GET', '/me/notifications')).status).toBe(401);
    const read = await call(server.url, 'POST', '/me/notifications/read', { body: { ids: [] } });
    expect(read.status).toBe(401);
  });

  it('lists mentions from every workspace, newest first, credited, each unread, with the count', async () => {
    expect(await list(patient)).toEqual({ mentions: [], unread: 0 });
    const first = await mention(clinician, documentId, 'How long is the wait? @Pat', [patient.id]);
    // A comment that mentions someone else is not the patient's.
    await mention(clinician, documentId, 'Olive, can you check?', [owner.id]);
    await new Promise((r) => setTimeout(r, 5));
    const second = await mention(otherOwner, otherWorkspaceDocumentId, 'Your view? @Pat', [
      patient.id,
    ]);
    const { mentions, unread } = await list(patient);
    expect(unread).toBe(2);
    expect(mentions.map((m) => m.threadId)).toEqual([second, first]);
    expect(mentions[1]).toMatchObject({
      workspaceName: 'Eye screening',
      documentId,
      documentTitle: 'Screening pathway',
      quote: 'Long waits',
      byName: 'Cleo Clinician',
      body: 'How long is the wait? @Pat',
      read: false,
    });
    expect(mentions[0]).toMatchObject({
      workspaceName: 'Healthwatch panel',
      byName: 'Hal Healthwatch',
    });
    expect((await list(owner)).unread).toBe(1);
    expect((await list(clinician)).unread).toBe(0);
  });

  it('marks one mention read by id, and the rest with upTo; another person’s are untouched', async () => {
    const before = await list(patient);
    const [newest, older] = before.mentions;
    if (!newest || !older) throw new Error('expected two mentions');
    const one = await markRead(patient, { ids: [older.id] });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ marked: 1, unread: 1 });
    expect((await list(patient)).mentions.map((m) => m.read)).toEqual([false, true]);
    // Another person's mention cannot be marked by naming it: it is not the patient's.
    const ownersMention = (await list(owner)).mentions[0];
    if (!ownersMention) throw new Error('expected the owner’s mention');
    expect((await markRead(patient, { ids: [ownersMention.id] })).json.marked).toBe(0);
    expect((await list(owner)).unread).toBe(1);
    // upTo before the newest marks nothing; at it, everything.
    const early = new Date(Date.parse(newest.at) - 1).toISOString();
    expect((await markRead(patient, { upTo: early })).json.marked).toBe(0);
    const all = await markRead(patient, { upTo: newest.at });
    expect(all.json).toMatchObject({ marked: 1, unread: 0 });
    expect((await list(patient)).unread).toBe(0);
    // A new mention after that is unread.
    await mention(clinician, documentId, 'And the follow-up? @Pat', [patient.id]);
    expect((await list(patient)).unread).toBe(1);
  });

  it('refuses a body that is not upTo or ids, saying what to send', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /either upTo .* or ids/],
      [{ upTo: '2026-01-01T00:00:00.000Z', ids: ['abcdefabcdefabcdef'] }, /either upTo .* or ids/],
      [{ upTo: 'yesterday' }, /upTo must be a date and time/],
      [{ ids: [] }, /at least one mention/],
      [{ ids: 'abc' }, /ids must be a list/],
      [{ ids: ['not an id!'] }, /not a valid Chorus id/],
      [
        { ids: Array.from({ length: 201 }, (_, i) => `a${String(i).padStart(17, '0')}`) },
        /at most 200/,
      ],
      [{ everything: true }, /./],
      [[1, 2], /upTo .* or ids/],
    ];
    for (const [body, message] of cases) {
      const res = await markRead(patient, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.message, JSON.stringify(body)).toMatch(message);
    }
    const notJson = await fetch(`${server.url}/api/me/notifications/read`, {
      method: 'POST',
      headers: {
        cookie: patient.cookie,
        origin: 'http://localhost:3000',
        'content-type': 'application/json',
      },
      body: '{upTo',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses marking read from another site', async () => {
    const res = await call(server.url, 'POST', '/me/notifications/read', {
      cookie: patient.cookie,
      origin: 'https://evil.example',
      body: { upTo: new Date().toISOString() },
    });
    expect(res.status).toBe(403);
  });

  it('drops a mention whose comment is deleted or whose thread is resolved', async () => {
    const threadId = await mention(clinician, documentId, 'Deleted soon @Pat', [patient.id]);
    const resolvedId = await mention(clinician, documentId, 'Resolved soon @Pat', [patient.id]);
    const ids = async () => (await list(patient)).mentions.map((m) => m.threadId);
    expect(await ids()).toEqual(expect.arrayContaining([threadId, resolvedId]));
    const comment = (await list(patient)).mentions.find((m) => m.threadId === threadId);
    const deleted = await call(
      server.url,
      'DELETE',
      `/documents/${documentId}/comments/${comment?.id}`,
      {
        cookie: clinician.cookie,
      },
    );
    expect(deleted.status).toBe(200);
    const resolved = await call(
      server.url,
      'PUT',
      `/documents/${documentId}/threads/${resolvedId}/resolved`,
      { cookie: clinician.cookie, body: { resolved: true } },
    );
    expect(resolved.status).toBe(200);
    const now = await ids();
    expect(now).not.toContain(threadId);
    expect(now).not.toContain(resolvedId);
  });

  it('does not list a mention in a document the person can no longer read', async () => {
    const threadId = await mention(clinician, secretDocumentId, 'Budget question @Pat', [
      patient.id,
    ]);
    expect((await list(patient)).mentions.map((m) => m.threadId)).toContain(threadId);
    const restricted = await call(server.url, 'PUT', `/documents/${secretDocumentId}/access`, {
      cookie: owner.cookie,
      body: { restricted: true, overrides: [{ userId: clinician.id, permission: 'editor' }] },
    });
    expect(restricted.status).toBe(200);
    const after = await list(patient);
    expect(after.mentions.map((m) => m.threadId)).not.toContain(threadId);
    expect(JSON.stringify(after)).not.toContain('Budget');
    // Naming it does not mark it read either: it is not listed for them.
    const comment = (
      await call(server.url, 'GET', `/documents/${secretDocumentId}/threads`, {
        cookie: clinician.cookie,
      })
    ).json.threads[0].comments[0].id as string;
    expect((await markRead(patient, { ids: [comment] })).json.marked).toBe(0);
  });
});
