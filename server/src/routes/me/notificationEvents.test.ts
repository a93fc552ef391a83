import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openEventStream, type TestEventStream } from '../../test/eventStream.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { closePlan, reopenPlan } from '../../test/lifecycle.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';
import { MAX_NOTIFICATION_STREAMS } from './notificationRoutes.ts';

/** Long enough for a notice to arrive on loopback if one were sent. */
const QUIET_MS = 600;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function anchorAt(index: number): string {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, [new Y.XmlText('Long waits for results')]);
  const fragment = doc.getXmlFragment('default');
  const pos = Y.createRelativePositionFromTypeIndex(fragment, Math.min(index, fragment.length));
  return Buffer.from(Y.encodeRelativePosition(pos)).toString('base64');
}
const anchor = { start: anchorAt(0), end: anchorAt(1) };

/**
 * A person's notification stream: it says "changed" when someone mentions them (a new
 * thread, a reply, an edit that adds them), says nothing for comments that do not, carries
 * no content, and ends on sign-out and when the server stops.
 */
describe('the notification event stream', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let workspaceId: string;
  let documentId: string;
  const streams: TestEventStream[] = [];
  const follow = async (who: TestUser) => {
    const stream = await openEventStream(server.url, '/me/notifications/events', who.cookie);
    streams.push(stream);
    return stream;
  };
  const changedCount = (s: TestEventStream) => s.events.filter((e) => e.event === 'changed').length;
  const comment = async (by: TestUser, body: string, mentions: string[]) => {
    const res = await call(server.url, 'POST', `/documents/${documentId}/threads`, {
      cookie: by.cookie,
      body: { anchor, quote: 'Long waits', body, mentions },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    for (const who of [patient, clinician]) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission: 'editor', participantRole: 'patient' },
        cookie: owner.cookie,
      });
    }
    const doc = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Screening pathway', kind: 'service_design' },
      cookie: owner.cookie,
    });
    documentId = doc.json.document.id;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await server?.stop();
  });

  it('says "changed" when someone mentions the person in a new thread, and carries nothing else', async () => {
    const stream = await follow(patient);
    expect(stream.status).toBe(200);
    await stream.next('ready');
    await comment(clinician, 'Secret words about the wait @Pat', [patient.id]);
    const changed = await stream.next('changed');
    expect(changed.data).toBe('');
    expect(JSON.stringify(stream.events)).not.toMatch(/Secret|Cleo|Screening/);
    stream.close();
  });

  it('says nothing for a comment that does not mention the person', async () => {
    const stream = await follow(patient);
    await stream.next('ready');
    await comment(clinician, 'A note for Olive', [owner.id]);
    await comment(clinician, 'A note for nobody', []);
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(0);
    stream.close();
  });

  it('says "changed" for a reply that mentions them, and for an edit that adds them', async () => {
    const stream = await follow(owner);
    await stream.next('ready');
    const threadId = await comment(clinician, 'No mention yet', []);
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(0);
    const replied = await call(
      server.url,
      'POST',
      `/documents/${documentId}/threads/${threadId}/replies`,
      {
        cookie: patient.cookie,
        body: { body: 'Olive? @Olive', mentions: [owner.id] },
      },
    );
    expect(replied.status).toBe(201);
    await stream.next('changed');
    const after = stream.events.length;
    const threads = await call(server.url, 'GET', `/documents/${documentId}/threads`, {
      cookie: clinician.cookie,
    });
    const first = threads.json.threads.find((t: { id: string }) => t.id === threadId).comments[0];
    const edited = await call(
      server.url,
      'PATCH',
      `/documents/${documentId}/comments/${first.id}`,
      {
        cookie: clinician.cookie,
        body: { body: 'Now with @Olive', mentions: [owner.id] },
      },
    );
    expect(edited.status).toBe(200);
    await stream.next('changed', { after });
    stream.close();
  });

  it('tells the person’s other pages when they mark mentions read', async () => {
    const stream = await follow(patient);
    await stream.next('ready');
    const read = await call(server.url, 'POST', '/me/notifications/read', {
      cookie: patient.cookie,
      body: { upTo: new Date().toISOString() },
    });
    expect(read.json.marked).toBeGreaterThan(0);
    await stream.next('changed');
    stream.close();
  });

  it('says "changed" when the person loses access, then nothing about comments in that document', async () => {
    const made = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Budget', kind: 'service_design' },
      cookie: owner.cookie,
    });
    const budgetId = made.json.document.id as string;
    const opened = await call(server.url, 'POST', `/documents/${budgetId}/threads`, {
      cookie: clinician.cookie,
      body: { anchor, quote: 'Long waits', body: 'Costs? @Pat', mentions: [patient.id] },
    });
    expect(opened.status).toBe(201);
    const stream = await follow(patient);
    await stream.next('ready');
    const restricted = await call(server.url, 'PUT', `/documents/${budgetId}/access`, {
      cookie: owner.cookie,
      body: { restricted: true, overrides: [{ userId: clinician.id, permission: 'editor' }] },
    });
    expect(restricted.status).toBe(200);
    // Their list may have changed: the page fetches it (and finds the mention gone).
    await stream.next('changed');
    const before = changedCount(stream);
    const threads = await call(server.url, 'GET', `/documents/${budgetId}/threads`, {
      cookie: clinician.cookie,
    });
    const first = threads.json.threads[0].comments[0];
    // The mention of the patient stays in the comment, but they are no longer told of it.
    const edited = await call(server.url, 'PATCH', `/documents/${budgetId}/comments/${first.id}`, {
      cookie: clinician.cookie,
      body: { body: 'Costs, again? @Pat', mentions: [patient.id] },
    });
    expect(edited.status).toBe(200);
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(before);
    stream.close();
  });

  it('says nothing when a document is closed or reopened, or access changes in a workspace the person is not in', async () => {
    const stream = await follow(patient);
    await stream.next('ready');
    // A plan in the patient's workspace is closed and reopened: who may read what is as it was.
    const plan = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Fewer falls', kind: 'improvement_plan' },
      cookie: owner.cookie,
    });
    await closePlan(server.url, owner, plan.json.document.id);
    await reopenPlan(server.url, owner, plan.json.document.id);
    // A document deleted in someone else's workspace.
    const stranger = await buildUser(server.url, 'Sam Stranger');
    const theirs = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Elsewhere' },
      cookie: stranger.cookie,
    });
    const doc = await call(
      server.url,
      'POST',
      `/workspaces/${theirs.json.workspace.id}/documents`,
      {
        body: { title: 'Not yours', kind: 'service_design' },
        cookie: stranger.cookie,
      },
    );
    await call(server.url, 'DELETE', `/documents/${doc.json.document.id}`, {
      cookie: stranger.cookie,
    });
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(0);
    // A document deleted in their own workspace may take mentions away: that wakes it.
    await call(server.url, 'DELETE', `/documents/${plan.json.document.id}`, {
      cookie: owner.cookie,
    });
    await stream.next('changed');
  });

  it('is refused to someone signed out', async () => {
    const anonymous = await openEventStream(server.url, '/me/notifications/events', '');
    expect(anonymous.status).toBe(401);
  });

  it(`allows one person ${MAX_NOTIFICATION_STREAMS} streams at once, and says why it refuses another`, async () => {
    const open: TestEventStream[] = [];
    for (let i = 0; i < MAX_NOTIFICATION_STREAMS; i++) open.push(await follow(owner));
    expect(open.every((s) => s.status === 200)).toBe(true);
    const res = await fetch(`${server.url}/api/me/notifications/events`, {
      headers: { cookie: owner.cookie, origin: TEST_ORIGIN },
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /Chorus pages open already/,
    );
    for (const s of open) s.close();
    await expect
      .poll(async () => {
        const again = await follow(owner);
        again.close();
        return again.status;
      })
      .toBe(200);
  });

  it('ends with why when the person signs out', async () => {
    const stream = await follow(clinician);
    await stream.next('ready');
    const out = await call(server.url, 'POST', '/auth/signout', { cookie: clinician.cookie });
    expect(out.status).toBe(200);
    const ended = await stream.next('ended');
    expect(ended.data).toMatch(/session has ended/);
    await stream.ended;
  });

  it('ends when the server stops', async () => {
    const stream = await follow(patient);
    await stream.next('ready');
    const stopped = server.stop();
    await stream.ended;
    await stopped;
    expect(server.services.people.listenersOf(patient.id)).toBe(0);
  });
});
