import { CloseCode, closedTextProblem } from '@chorus/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import { closePlan, reopenPlan } from '../../test/lifecycle.ts';
import { anchorAround } from '../../test/suggestions.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/**
 * A closed service design or improvement plan is a record: its text is read-only for
 * everyone, enforced on the socket and over HTTP, until an owner moves it back a step.
 */
describe('a closed document', () => {
  let server: TestServer;
  let owner: TestUser;
  let editor: TestUser;
  let patient: TestUser;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    editor = await buildUser(server.url, 'Ed Editor');
    patient = await buildUser(server.url, 'Pat Patient');
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  /** An improvement plan with the editor and the patient (a commenter) as members. */
  async function plan(): Promise<string> {
    const members = [
      { user: editor, permission: 'editor', participantRole: 'clinician' },
      { user: patient, permission: 'commenter', participantRole: 'patient' },
    ];
    return (await buildDocument(server.url, owner, members, 'improvement_plan')).documentId;
  }

  const connect = (documentId: string, user: TestUser) => {
    const c = connectClient(server.url, documentId, user.cookie, { chorus: true });
    clients.push(c);
    return c;
  };

  const closeCodes = (client: TestClient): number[] => {
    const codes: number[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) codes.push(e.code);
    });
    return codes;
  };

  /** Resolves once the server re-checked `user`'s open connections to the new lock state. */
  const relocked = (documentId: string, user: TestUser, locked: boolean) =>
    eventually(() => {
      const seen = server.logger.entries.some(
        (e) =>
          e.event === 'sync.text_lock_changed' &&
          e.fields.documentId === documentId &&
          e.fields.accountId === user.id &&
          e.fields.locked === locked,
      );
      if (!seen) throw new Error('not re-checked yet');
    });

  /** Lets anything the server would do with frames already sent happen. */
  const settle = async () => {
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 200));
    await server.sync.flushed();
  };

  it('closing it while people have it open stops their updates being applied, stored or relayed; they stay connected and present', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    const o = connect(documentId, owner);
    await Promise.all([waitSynced(e), waitSynced(o)]);
    appendParagraph(e.doc, 'written while it was open');
    await eventually(() => expect(o.text()).toContain('written while it was open'));
    const eCodes = closeCodes(e);

    await closePlan(server.url, owner, documentId);
    await Promise.all([relocked(documentId, editor, true), relocked(documentId, owner, true)]);
    await eventually(() => expect(e.notices()).toContain('status'));
    const rowsBefore = await server.storage.journal.countRows(documentId);

    appendParagraph(e.doc, 'the editor typed this after it closed');
    appendParagraph(o.doc, 'the owner typed this after it closed');
    await settle();
    expect(o.text()).not.toContain('the editor typed this after it closed');
    expect(e.text()).not.toContain('the owner typed this after it closed');
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    const fresh = connect(documentId, owner);
    await waitSynced(fresh);
    expect(fresh.text()).toContain('written while it was open');
    expect(fresh.text()).not.toContain('typed this after it closed');

    // Still connected, and still shown to each other.
    expect(eCodes).toEqual([]);
    expect(e.provider.wsconnected).toBe(true);
    e.provider.awareness.setLocalStateField('user', { name: 'Ed' });
    await eventually(() => expect(o.provider.awareness.getStates().has(e.doc.clientID)).toBe(true));
  });

  it('someone who opens it while closed cannot change it either, even with edits kept offline', async () => {
    const documentId = await plan();
    await closePlan(server.url, owner, documentId);
    const o = connect(documentId, owner);
    await waitSynced(o);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    // Written before connecting: the provider sends it in its sync step 2.
    const late = connectClient(server.url, documentId, editor.cookie, { chorus: true });
    clients.push(late);
    appendParagraph(late.doc, 'kept offline, sent on connecting');
    await waitSynced(late);
    await settle();
    expect(o.text()).not.toContain('kept offline, sent on connecting');
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
  });

  it('reopening lets editing go on: on the same socket for someone who sent nothing meanwhile, after a fresh connection for someone whose changes were refused', async () => {
    const documentId = await plan();
    const quiet = connect(documentId, editor);
    const refused = connect(documentId, owner);
    const watcher = connect(documentId, patient);
    await Promise.all([waitSynced(quiet), waitSynced(refused), waitSynced(watcher)]);
    const quietCodes = closeCodes(quiet);
    const refusedCodes = closeCodes(refused);

    await closePlan(server.url, owner, documentId);
    await relocked(documentId, owner, true);
    appendParagraph(refused.doc, 'refused while closed');
    await settle();

    await reopenPlan(server.url, owner, documentId);
    await relocked(documentId, editor, false);
    // Its copy holds content the document never got: it is sent away to start afresh.
    await eventually(() => expect(refusedCodes).toEqual([CloseCode.forbidden]));
    appendParagraph(quiet.doc, 'written after it was reopened');
    await eventually(() => expect(watcher.text()).toContain('written after it was reopened'));
    expect(quietCodes).toEqual([]);
    expect(quiet.generation()).toBe(1);

    const again = connect(documentId, owner);
    await waitSynced(again);
    appendParagraph(again.doc, 'the owner writes again');
    await eventually(() => expect(watcher.text()).toContain('the owner writes again'));
    expect(watcher.text()).not.toContain('refused while closed');
  });

  it('an edit sent while the reopening is being re-checked waits for the answer: applied, relayed, its sender kept on', async () => {
    const documentId = await plan();
    const o = connect(documentId, owner);
    const watcher = connect(documentId, patient);
    await Promise.all([waitSynced(o), waitSynced(watcher)]);
    const codes = closeCodes(o);
    await closePlan(server.url, owner, documentId);
    await relocked(documentId, owner, true);

    // The re-check after the reopening answers slowly, so the edit below (sent as soon as
    // the reopening answers) reaches the server while its connection is being checked.
    const sync = server.sync;
    const recheck = sync.recheckAccess;
    sync.recheckAccess = (change, resolve) =>
      recheck.call(sync, change, async (...args) => {
        const answer = await resolve(...args);
        await new Promise((r) => setTimeout(r, 500));
        return answer;
      });
    try {
      await reopenPlan(server.url, owner, documentId);
      appendParagraph(o.doc, 'typed the moment it reopened');
      await relocked(documentId, owner, false);
    } finally {
      sync.recheckAccess = recheck;
    }
    await eventually(() => expect(watcher.text()).toContain('typed the moment it reopened'));
    await eventually(() => expect(o.saved()).toBe(o.sent()));
    expect(codes).toEqual([]);
    expect(o.generation()).toBe(1);
  });

  it('refuses writes to the text over HTTP with 409 and says how to reopen it; comments go on', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    await waitSynced(e);
    appendParagraph(e.doc, 'Check lying and standing blood pressure');
    await eventually(() => expect(e.saved()).toBeGreaterThan(0));
    const version = await call(server.url, 'POST', `/documents/${documentId}/versions`, {
      body: { label: 'Before the change' },
      cookie: editor.cookie,
    });
    expect(version.status).toBe(201);
    const suggestion = await call(server.url, 'POST', `/documents/${documentId}/suggestions`, {
      cookie: patient.cookie,
      body: {
        anchor: anchorAround(e.doc, 'blood pressure'),
        quote: 'blood pressure',
        text: 'blood pressure, and ask about dizziness',
      },
    });
    expect(suggestion.status).toBe(201);
    await closePlan(server.url, owner, documentId);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    const versionsBefore = (await server.storage.versions.list(documentId)).length;

    const accept = await call(
      server.url,
      'PUT',
      `/documents/${documentId}/suggestions/${suggestion.json.id}/decision`,
      { cookie: editor.cookie, body: { outcome: 'accepted' } },
    );
    expect(accept.status).toBe(409);
    expect(accept.json.error.message).toBe(closedTextProblem);
    const restore = await call(
      server.url,
      'POST',
      `/documents/${documentId}/versions/${version.json.version.id}/restore`,
      { cookie: owner.cookie },
    );
    expect(restore.status).toBe(409);
    expect(restore.json.error.message).toMatch(/an owner can reopen it by moving its status back/i);
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    // A refused restore leaves no backup version behind.
    expect((await server.storage.versions.list(documentId)).length).toBe(versionsBefore);
    // The suggestion is still open, to be accepted once it is reopened.
    const threads = await call(server.url, 'GET', `/documents/${documentId}/threads`, {
      cookie: editor.cookie,
    });
    const thread = threads.json.threads.find((t: { id: string }) => t.id === suggestion.json.id);
    expect(thread.suggestion.outcome).toBeNull();

    // The discussion of the record goes on.
    const reply = await call(
      server.url,
      'POST',
      `/documents/${documentId}/threads/${suggestion.json.id}/replies`,
      { cookie: owner.cookie, body: { body: 'We will take this up at the next review.' } },
    );
    expect(reply.status).toBe(201);

    // The page learns that the text is locked.
    const info = await call(server.url, 'GET', `/documents/${documentId}`, {
      cookie: editor.cookie,
    });
    expect(info.json).toMatchObject({ canEdit: true, textLocked: true });

    await reopenPlan(server.url, owner, documentId);
    const acceptedNow = await call(
      server.url,
      'PUT',
      `/documents/${documentId}/suggestions/${suggestion.json.id}/decision`,
      { cookie: editor.cookie, body: { outcome: 'accepted' } },
    );
    expect(acceptedNow.status).toBe(200);
    await eventually(() => expect(e.text()).toContain('and ask about dizziness'));
  });
});
