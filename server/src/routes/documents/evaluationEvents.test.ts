import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream, type TestEventStream } from '../../test/eventStream.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';
import { MAX_STREAMS_PER_PERSON } from './evaluationEvents.ts';

/** Long enough for an announcement to arrive on loopback if one were sent. */
const QUIET_MS = 600;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The scoring page's live updates: a stream that says "changed" after each write to the
 * evaluation by anyone, says nothing else (no score can travel on it), and ends when the
 * person may no longer see the document, signs out, or the server stops.
 */
describe('the evaluation event stream', () => {
  let server: TestServer;
  let owner: TestUser;
  let chair: TestUser;
  let clinician: TestUser;
  let lay: TestUser;
  let stranger: TestUser;
  /** An editor of the workspace, not on the panel. */
  let editor: TestUser;
  let workspaceId: string;
  let documentId: string;
  let bidId: string;
  let criterionId: string;
  const streams: TestEventStream[] = [];
  const path = () => `/documents/${documentId}/evaluation`;
  const follow = async (who: TestUser) => {
    const stream = await openEventStream(server.url, `${path()}/events`, who.cookie);
    streams.push(stream);
    return stream;
  };
  const changedCount = (s: TestEventStream) => s.events.filter((e) => e.event === 'changed').length;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    chair = await buildUser(server.url, 'Cher Chair');
    clinician = await buildUser(server.url, 'Cal Clinician');
    lay = await buildUser(server.url, 'Lee Lay');
    stranger = await buildUser(server.url, 'Sam Stranger');
    editor = await buildUser(server.url, 'Ed Editor');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye care procurement' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    for (const who of [chair, clinician, lay, editor]) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission: 'editor', participantRole: 'patient' },
        cookie: owner.cookie,
      });
    }
    const doc = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Lot 1', kind: 'procurement_evaluation' },
      cookie: owner.cookie,
    });
    documentId = doc.json.document.id;
    const setup = await call(server.url, 'PUT', `${path()}/setup`, {
      cookie: owner.cookie,
      body: {
        criteria: [{ title: 'Quality', scale: '0-4', weight: 100, threshold: null }],
        bids: [{ bidder: 'Northside' }],
        panel: [
          { userId: chair.id, panelRole: 'chair' },
          { userId: clinician.id, panelRole: 'evaluator' },
          { userId: lay.id, panelRole: 'lay_evaluator' },
        ],
      },
    });
    expect(setup.status).toBe(200);
    const started = await call(server.url, 'POST', `${path()}/start`, { cookie: chair.cookie });
    expect(started.status).toBe(200);
    bidId = started.json.evaluation.setup.bids[0].id;
    criterionId = started.json.evaluation.setup.criteria[0].id;
    for (const who of [chair, clinician, lay]) {
      const declared = await call(server.url, 'PUT', `${path()}/declaration`, {
        cookie: who.cookie,
        body: { confidential: true, conflict: false },
      });
      expect(declared.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of streams) s.close();
    await server?.stop();
  });

  it('says "changed" to the chair when an evaluator submits, and nothing of the scores; a score saved while scoring is not announced', async () => {
    const stream = await follow(chair);
    expect(stream.status).toBe(200);
    await stream.next('ready');
    const rationale = 'Secret rationale: staffing plan thin in rural areas.';
    const saved = await call(server.url, 'PUT', `${path()}/scores/${bidId}/${criterionId}`, {
      cookie: clinician.cookie,
      body: { kind: 'score', score: 3, rationale },
    });
    expect(saved.status).toBe(200);
    // Nobody else's page changes, and the panel is not told when each evaluator works.
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(0);
    const submitted = await call(server.url, 'POST', `${path()}/submit`, {
      cookie: clinician.cookie,
    });
    expect(submitted.status).toBe(200);
    const changed = await stream.next('changed');
    expect(changed.data).toBe('');
    expect(JSON.stringify(stream.events)).not.toContain('Secret');
    stream.close();
  });

  it('says "changed" for a bid’s clarification too, and nothing for reads or refused writes', async () => {
    const stream = await follow(lay);
    await stream.next('ready');
    const asked = await call(server.url, 'POST', `${path()}/bids/${bidId}/clarifications`, {
      cookie: clinician.cookie,
      body: { question: 'How will you staff the rural clinics?' },
    });
    expect(asked.status).toBe(201);
    await stream.next('changed');
    const before = changedCount(stream);
    // Reads, and writes the server refuses, change nothing.
    expect((await call(server.url, 'GET', path(), { cookie: clinician.cookie })).status).toBe(200);
    const refused = await call(server.url, 'PUT', `${path()}/scores/${bidId}/${criterionId}`, {
      cookie: clinician.cookie,
      body: { kind: 'score', score: 9, rationale: 'Too high for the scale.' },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    await pause(QUIET_MS);
    expect(changedCount(stream)).toBe(before);
    stream.close();
  });

  it('is refused to someone not on the panel, who may not see the document, or signed out', async () => {
    const notOnPanel = await openEventStream(server.url, `${path()}/events`, editor.cookie);
    expect(notOnPanel.status).toBe(403);
    const outsider = await openEventStream(server.url, `${path()}/events`, stranger.cookie);
    expect(outsider.status).toBe(404);
    const anonymous = await openEventStream(server.url, `${path()}/events`, '');
    expect(anonymous.status).toBe(401);
  });

  it(`allows one person ${MAX_STREAMS_PER_PERSON} streams at once, and says why it refuses another`, async () => {
    const open: TestEventStream[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_PERSON; i++) open.push(await follow(owner));
    expect(open.every((s) => s.status === 200)).toBe(true);
    const res = await fetch(`${server.url}/api${path()}/events`, {
      headers: { cookie: owner.cookie, origin: 'http://localhost:3000' },
    });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /scoring pages open already/,
    );
    for (const s of open) s.close();
    // Closed streams are forgotten, so the person may open one again.
    await expect
      .poll(async () => {
        const again = await follow(owner);
        again.close();
        return again.status;
      })
      .toBe(200);
  });

  it('ends with why when the person is removed from the workspace', async () => {
    const stream = await follow(lay);
    await stream.next('ready');
    const removed = await call(
      server.url,
      'DELETE',
      `/workspaces/${workspaceId}/members/${lay.id}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(removed.status).toBe(200);
    const ended = await stream.next('ended');
    expect(ended.data).toMatch(/no longer open this document/);
    await stream.ended;
  });

  it('ends with why when the person signs out', async () => {
    const stream = await follow(clinician);
    await stream.next('ready');
    expect(
      (await call(server.url, 'POST', '/auth/signout', { cookie: clinician.cookie })).status,
    ).toBe(200);
    const ended = await stream.next('ended');
    expect(ended.data).toMatch(/session has ended/);
    await stream.ended;
  });

  it('ends when the server stops, so the page opens it again elsewhere', async () => {
    const stream = await follow(chair);
    await stream.next('ready');
    const stopped = server.stop();
    await stream.ended;
    await stopped;
    expect(server.services.notices.listenersOf(chair.id)).toBe(0);
  });
});
