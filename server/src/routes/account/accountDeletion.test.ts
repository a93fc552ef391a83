import { CloseCode } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/**
 * Deleting one's own account (SECURITY.md: account removal ends the sessions, their
 * sockets too). What identified the person goes; what they wrote stays, credited to their
 * role only.
 */
describe('deleting an account', () => {
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  async function workspace(owner: TestUser, name: string, members: TestUser[] = []) {
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id as string;
    for (const m of members) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: m.email, permission: 'editor', participantRole: 'patient' },
        cookie: owner.cookie,
      });
    }
    const doc = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Plan', kind: 'improvement_plan' },
      cookie: owner.cookie,
    });
    return { workspaceId, documentId: doc.json.document.id as string };
  }

  it('needs the password, and says which field is wrong', async () => {
    const ann = await buildUser(server.url, 'Ann Wrong');
    const res = await call(server.url, 'POST', '/account/delete', {
      body: { password: 'not my password' },
      cookie: ann.cookie,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields.password).toMatch(/password is not right/);
    const empty = await call(server.url, 'POST', '/account/delete', {
      body: {},
      cookie: ann.cookie,
    });
    expect(empty.status).toBe(400);
    expect(empty.json.error.fields.password).toBe('Enter your password to confirm.');
    expect((await call(server.url, 'GET', '/auth/me', { cookie: ann.cookie })).status).toBe(200);
  });

  it('throttles password guesses as sign-ins are', async () => {
    const guesser = await buildUser(server.url, 'Stolen Cookie');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call(server.url, 'POST', '/account/delete', {
        body: { password: `guess ${i}` },
        cookie: guesser.cookie,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses[5]).toBe(429);
    // Even the right password waits now.
    const right = await call(server.url, 'POST', '/account/delete', {
      body: { password: guesser.password },
      cookie: guesser.cookie,
    });
    expect(right.status).toBe(429);
    expect((await call(server.url, 'GET', '/auth/me', { cookie: guesser.cookie })).status).toBe(
      200,
    );
  });

  it('is refused while the person is the only owner of a workspace others are in', async () => {
    const olive = await buildUser(server.url, 'Olive Only');
    const bob = await buildUser(server.url, 'Bob');
    await workspace(olive, 'Diabetes pathway', [bob]);
    const plan = await call(server.url, 'GET', '/account/deletion', { cookie: olive.cookie });
    expect(plan.json.blockedBy).toEqual([expect.objectContaining({ name: 'Diabetes pathway' })]);
    const res = await call(server.url, 'POST', '/account/delete', {
      body: { password: olive.password },
      cookie: olive.cookie,
    });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('“Diabetes pathway”');
    expect(res.json.error.message).toContain('Make another member an owner');
    expect((await call(server.url, 'GET', '/auth/me', { cookie: olive.cookie })).status).toBe(200);
  });

  it('ends every session and socket, keeps the words credited by role, and frees the email', async () => {
    const owner = await buildUser(server.url, 'Olive Owner');
    const ann = await buildUser(server.url, 'Ann Patient');
    const { workspaceId, documentId } = await workspace(owner, 'Eye clinic', [ann]);
    const own = await workspace(ann, 'Ann’s recovery diary');
    const ownDoc = await server.storage.documents.listForWorkspace(own.workspaceId);
    const invite = await call(server.url, 'POST', `/workspaces/${own.workspaceId}/invites`, {
      body: { permission: 'owner', participantRole: 'carer', expiresInDays: 7, maxUses: 1 },
      cookie: ann.cookie,
    });
    expect(invite.status).toBe(201);
    const inviteToken = (invite.json.url as string).split('/invite/')[1] ?? '';
    const client = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    clients.push(client);
    const codes: number[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) codes.push(e.code);
    });
    await waitSynced(client);
    const elsewhere = await call(server.url, 'POST', '/auth/signin', {
      body: { email: ann.email, password: ann.password },
    });
    const annElsewhere = (elsewhere.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    appendParagraph(client.doc, 'The waiting room has no hearing loop.');
    await eventually(() => expect(client.saved()).toBe(client.sent()));
    const anchor = Buffer.from(
      Y.encodeRelativePosition(
        Y.createRelativePositionFromTypeIndex(new Y.Doc().getXmlFragment('default'), 0),
      ),
    ).toString('base64');
    const commented = await call(server.url, 'POST', `/documents/${documentId}/threads`, {
      body: { anchor: { start: anchor, end: anchor }, quote: 'Plan', body: 'Ask about loops.' },
      cookie: ann.cookie,
    });
    expect(commented.status).toBe(201);
    const before = await call(server.url, 'GET', `/documents/${documentId}/authorship`, {
      cookie: owner.cookie,
    });
    expect(before.json.people[ann.id].name).toContain('Ann');

    const res = await call(server.url, 'POST', '/account/delete', {
      body: { password: ann.password },
      cookie: ann.cookie,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('chorus_session=;');
    await eventually(() => expect(codes).toContain(CloseCode.unauthenticated), 5000);
    expect((await call(server.url, 'GET', '/auth/me', { cookie: ann.cookie })).status).toBe(401);
    const signIn = await call(server.url, 'POST', '/auth/signin', {
      body: { email: ann.email, password: ann.password },
    });
    expect(signIn.status).toBe(401);

    // A session made for the account as it was being deleted (a sign-in that checked the
    // old password just before) is never valid.
    const { token } = await server.services.sessions.create(ann.id);
    const late = await call(server.url, 'GET', '/auth/me', { cookie: `chorus_session=${token}` });
    expect(late.status).toBe(401);
    // Nor is the session of her other device.
    expect((await call(server.url, 'GET', '/auth/me', { cookie: annElsewhere })).status).toBe(401);

    // The words stay, credited to the role they were written in, under no name.
    const after = await call(server.url, 'GET', `/documents/${documentId}/authorship`, {
      cookie: owner.cookie,
    });
    const credit = after.json.people[ann.id];
    expect(credit.role).toBe('patient');
    expect(JSON.stringify(credit)).not.toContain('Ann');
    const report = await call(server.url, 'GET', `/documents/${documentId}/report`, {
      cookie: owner.cookie,
    });
    expect(JSON.stringify(report.json)).not.toContain('Ann Patient');
    expect(JSON.stringify(report.json)).not.toContain(ann.email);
    // Her comment stays too, credited the same way.
    const threads = await call(server.url, 'GET', `/documents/${documentId}/threads`, {
      cookie: owner.cookie,
    });
    expect(threads.json.threads[0].comments[0]).toMatchObject({
      body: 'Ask about loops.',
      roleLabel: 'Patient or service user',
    });
    expect(JSON.stringify(threads.json)).not.toContain('Ann');
    expect(await server.storage.journal.countRows(documentId)).toBeGreaterThan(1);

    // Her own workspace was erased with her: its name, invite, documents and their history.
    expect(await server.storage.workspaces.get(own.workspaceId)).toBeNull();
    expect((await call(server.url, 'GET', `/invites/${inviteToken}`, {})).status).toBe(404);
    expect(ownDoc).toHaveLength(1);
    expect(await server.storage.journal.countRows(ownDoc[0]?.id ?? '')).toBe(0);
    expect(await server.storage.documents.get(ownDoc[0]?.id ?? '')).toBeNull();
    // The email can be used for a new account.
    const again = await call(server.url, 'POST', '/auth/signup', {
      body: { name: 'Ann Again', email: ann.email, password: 'another long password' },
    });
    expect(again.status).toBe(201);
    expect(again.json.user.id).not.toBe(ann.id);
    // The workspace's owner sees why she left.
    const audit = await call(
      server.url,
      'GET',
      `/workspaces/${workspaceId}/audit?action=account.deleted`,
      { cookie: owner.cookie },
    );
    expect(audit.json.entries).toHaveLength(1);
    const members = await call(server.url, 'GET', `/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
    });
    expect(JSON.stringify(members.json)).not.toContain(ann.id);
  });
});
