import { CloseCode } from '@chorus/shared';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  socketWith,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/** A workspace with an owner and one member of the given permission and role. */
async function workspaceWith(
  server: TestServer,
  owner: TestUser,
  member: TestUser,
  permission: string,
  participantRole = 'patient',
) {
  const ws = await call(server.url, 'POST', '/workspaces', {
    body: { name: 'W' },
    cookie: owner.cookie,
  });
  const workspaceId = ws.json.workspace.id as string;
  await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
    body: { email: member.email, permission, participantRole },
    cookie: owner.cookie,
  });
  const doc = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
    body: { title: 'D', kind: 'service_design' },
    cookie: owner.cookie,
  });
  return { workspaceId, documentId: doc.json.document.id as string };
}

function closeCodes(client: TestClient): number[] {
  const codes: number[] = [];
  client.provider.on('connection-close', (e) => {
    if (e) codes.push(e.code);
  });
  return codes;
}

describe('permissions on the socket', () => {
  let server: TestServer;
  let owner: TestUser;
  const clients: TestClient[] = [];
  const connect = (documentId: string, user: TestUser) => {
    const c = connectClient(server.url, documentId, user.cookie, { chorus: true });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it("a viewer's updates are not applied, stored or relayed", async () => {
    const viewer = await buildUser(server.url, 'Vic Viewer');
    const { documentId } = await workspaceWith(server, owner, viewer, 'viewer');
    const v = connect(documentId, viewer);
    const o = connect(documentId, owner);
    await Promise.all([waitSynced(v), waitSynced(o)]);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    appendParagraph(v.doc, 'a viewer tried to write this');
    appendParagraph(o.doc, 'the owner wrote this after');
    await eventually(() => expect(v.text()).toContain('the owner wrote this after'));
    await server.sync.flushed();
    expect(o.text()).not.toContain('a viewer tried to write this');
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore + 1);
    const fresh = connect(documentId, owner);
    await waitSynced(fresh);
    expect(fresh.text()).not.toContain('a viewer tried to write this');
  });

  it("a viewer's sync step 2 carrying content (offline edits sent on reconnect) is not applied, stored or relayed", async () => {
    const viewer = await buildUser(server.url, 'Vic Viewer');
    const { documentId } = await workspaceWith(server, owner, viewer, 'viewer');
    const o = connect(documentId, owner);
    await waitSynced(o);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    // What a provider sends on reconnect: its whole state, as sync step 2.
    const offline = new Y.Doc();
    appendParagraph(offline, 'written by a viewer while offline');
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 1); // step 2
    encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(offline));
    const Socket = socketWith(viewer.cookie);
    const raw = new Socket(`${server.url.replace(/^http/, 'ws')}/sync/${documentId}`);
    await new Promise<void>((resolve, reject) => {
      raw.on('open', () => resolve());
      raw.on('error', reject);
    });
    raw.send(encoding.toUint8Array(e));
    appendParagraph(o.doc, 'the owner wrote this after');
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 200));
    await server.sync.flushed();
    expect(o.text()).not.toContain('written by a viewer while offline');
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore + 1);
    const fresh = connect(documentId, owner);
    await waitSynced(fresh);
    expect(fresh.text()).toContain('the owner wrote this after');
    expect(fresh.text()).not.toContain('written by a viewer while offline');
    raw.close();
  });

  it('a commenter cannot change the text either', async () => {
    const commenter = await buildUser(server.url, 'Cat Commenter');
    const { documentId } = await workspaceWith(server, owner, commenter, 'commenter');
    const c = connect(documentId, commenter);
    await waitSynced(c);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    appendParagraph(c.doc, 'commenter text');
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 100));
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
  });

  it('a viewer publishes no presence; an editor appears with the credited name and role', async () => {
    const viewer = await buildUser(server.url, 'Vic Viewer');
    const patient = await buildUser(server.url, 'Patricia Jones');
    const { workspaceId, documentId } = await workspaceWith(server, owner, viewer, 'viewer');
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: patient.email, permission: 'editor', participantRole: 'patient' },
      cookie: owner.cookie,
    });
    await call(server.url, 'PATCH', '/account/profile', {
      body: { creditMode: 'role_only' },
      cookie: patient.cookie,
    });
    const o = connect(documentId, owner);
    const v = connect(documentId, viewer);
    const p = connect(documentId, patient);
    await Promise.all([waitSynced(o), waitSynced(v), waitSynced(p)]);
    v.provider.awareness.setLocalStateField('user', { name: 'Vic' });
    p.provider.awareness.setLocalStateField('user', { name: 'The Chair', role: 'Chair' });
    await eventually(() => {
      const seen = o.provider.awareness.getStates().get(p.doc.clientID) as
        | { user?: { name: string; role: string } }
        | undefined;
      expect(seen?.user).toMatchObject({ name: 'A patient', role: 'Patient or service user' });
    });
    expect(o.provider.awareness.getStates().has(v.doc.clientID)).toBe(false);
  });

  it('demoting an editor to viewer closes their socket within seconds; reconnected, they can no longer write', async () => {
    const editor = await buildUser(server.url, 'Ed Editor');
    const { workspaceId, documentId } = await workspaceWith(server, owner, editor, 'editor');
    const e = connect(documentId, editor);
    const codes = closeCodes(e);
    await waitSynced(e);
    appendParagraph(e.doc, 'written while an editor');
    await eventually(() => expect(e.saved()).toBe(e.sent()));
    const t0 = Date.now();
    await call(server.url, 'PATCH', `/workspaces/${workspaceId}/members/${editor.id}`, {
      body: { permission: 'viewer' },
      cookie: owner.cookie,
    });
    await eventually(() => expect(codes).toContain(CloseCode.forbidden), 5000);
    expect(Date.now() - t0).toBeLessThan(5000);
    // What the client app does after 4403: reconnect with what it may now do.
    const again = connect(documentId, editor);
    await waitSynced(again);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    appendParagraph(again.doc, 'written after the demotion');
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 100));
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    expect(again.text()).toContain('written while an editor');
  });

  it('removing a member closes their socket and refuses them from then on', async () => {
    const member = await buildUser(server.url, 'Mo Member');
    const { workspaceId, documentId } = await workspaceWith(server, owner, member, 'editor');
    const m = connect(documentId, member);
    const codes = closeCodes(m);
    await waitSynced(m);
    await call(server.url, 'DELETE', `/workspaces/${workspaceId}/members/${member.id}`, {
      cookie: owner.cookie,
    });
    await eventually(() => expect(codes).toContain(CloseCode.forbidden), 5000);
    expect(m.provider.shouldConnect).toBe(false);
  });

  it('restricting a document closes the sockets of members who lose access', async () => {
    const member = await buildUser(server.url, 'Mo Member');
    const { documentId } = await workspaceWith(server, owner, member, 'editor');
    const m = connect(documentId, member);
    const o = connect(documentId, owner);
    const memberCodes = closeCodes(m);
    const ownerCodes = closeCodes(o);
    await Promise.all([waitSynced(m), waitSynced(o)]);
    await call(server.url, 'PUT', `/documents/${documentId}/access`, {
      body: { restricted: true, overrides: [] },
      cookie: owner.cookie,
    });
    await eventually(() => expect(memberCodes).toContain(CloseCode.forbidden), 5000);
    expect(ownerCodes).toEqual([]);
  });

  it("changing the password closes the socket of the person's other sessions", async () => {
    const person = await buildUser(server.url, 'Pat');
    const { documentId } = await workspaceWith(server, owner, person, 'editor');
    const other = await call(server.url, 'POST', '/auth/signin', {
      body: { email: person.email, password: person.password },
    });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const laptop = connect(documentId, { ...person, cookie: otherCookie });
    const here = connect(documentId, person);
    const laptopCodes = closeCodes(laptop);
    const hereCodes = closeCodes(here);
    await Promise.all([waitSynced(laptop), waitSynced(here)]);
    await call(server.url, 'POST', '/account/password', {
      body: { currentPassword: person.password, newPassword: 'another long password' },
      cookie: person.cookie,
    });
    await eventually(() => expect(laptopCodes).toContain(CloseCode.unauthenticated), 5000);
    expect(hereCodes).toEqual([]);
  });
});

describe('readers and save confirmations', () => {
  it("confirms a reader's empty sync reply, so its status can read up to date, but never a real change", async () => {
    const server = await startTestServer();
    try {
      const owner = await buildUser(server.url, 'Olive');
      const viewer = await buildUser(server.url, 'Vic');
      const { documentId } = await workspaceWith(server, owner, viewer, 'viewer');
      const v = connectClient(server.url, documentId, viewer.cookie, { chorus: true });
      await waitSynced(v);
      await eventually(() => expect(v.sent()).toBeGreaterThan(0));
      await eventually(() => expect(v.saved()).toBe(v.sent()));
      appendParagraph(v.doc, 'a change a viewer may not make');
      await server.sync.flushed();
      await new Promise((r) => setTimeout(r, 150));
      expect(v.saved()).toBeLessThan(v.sent());
      v.destroy();
    } finally {
      await server.stop();
    }
  });
});
