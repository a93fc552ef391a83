import { CloseCode } from '@chorus/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openEventStream } from '../test/eventStream.ts';
import { buildDocument, buildUser, call, type TestUser } from '../test/factories.ts';
import { closePlan, reopenPlan } from '../test/lifecycle.ts';
import { startTestPostgres, type TestPostgres } from '../test/postgres.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  sendForged,
  type TestClient,
  waitSynced,
} from '../test/syncClient.ts';
import { startTestServer, type TestServer } from '../test/testServer.ts';

/**
 * Two Chorus processes sharing one real PostgreSQL database, joined through one real
 * Redis, each with real y-websocket clients: what one process's people do reaches the
 * other's, and the rules hold across them.
 */
describe('two server processes sharing PostgreSQL, joined through Redis', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let one: TestServer;
  let two: TestServer;
  const clients: TestClient[] = [];

  const connect = (server: TestServer, documentId: string, user: TestUser, clientID?: number) => {
    const client = connectClient(server.url, documentId, user.cookie, { chorus: true, clientID });
    clients.push(client);
    return client;
  };
  /** Ann on the first process and Bob on the second, in one document, both synced. */
  const annAndBob = async (bobSignsUpOn: TestServer = one) => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const bob = await buildUser(bobSignsUpOn.url, 'Bob Clinician');
    const { documentId } = await buildDocument(one.url, ann, [bob]);
    const a = connect(one, documentId, ann);
    const b = connect(two, documentId, bob);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    return { ann, bob, documentId, a, b };
  };
  const closeCodes = (client: TestClient) => {
    const codes: number[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) codes.push(e.code);
    });
    return codes;
  };

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    const shared = {
      CHORUS_DATABASE_URL: await postgres.freshDatabase(),
      CHORUS_REDIS_URL: redis.url,
    };
    one = await startTestServer(shared);
    two = await startTestServer(shared);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.allSettled([one?.stop(), two?.stop()]);
    await redis?.stop();
    postgres?.stop();
  });

  it('people on different processes edit one document live, and all of it is stored once', async () => {
    // Bob signs up through the other process: one database of accounts.
    const { ann, documentId, a, b } = await annAndBob(two);
    for (let i = 0; i < 25; i++) {
      appendParagraph(a.doc, `ann line ${i}`);
      appendParagraph(b.doc, `bob line ${i}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => {
      expect(a.text()).toBe(b.text());
      expect(a.text()).toContain('ann line 24');
      expect(a.text()).toContain('bob line 24');
    });
    // "Saved" on each side means committed to the shared journal.
    await eventually(() => {
      expect(a.saved()).toBe(a.sent());
      expect(b.saved()).toBe(b.sent());
    });
    // Presence crosses too, under the name the server knows, not one the client claims.
    b.provider.awareness.setLocalStateField('user', { name: 'Someone Else', color: '#000' });
    await eventually(() => {
      const seen = a.provider.awareness.getStates().get(b.doc.clientID) as
        | { user?: { name: string } }
        | undefined;
      expect(seen?.user?.name).toBe('Bob Clinician');
    });
    // One journal, numbered without gaps or duplicates although two processes wrote to it.
    const { rows } = await one.storage.journal.load(documentId, { withoutSnapshot: true });
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const text = a.text();
    a.destroy();
    b.destroy();
    // Both processes unload it (snapshots from each); a newcomer gets all of it back.
    await eventually(() => {
      expect(one.sync.rooms.has(documentId)).toBe(false);
      expect(two.sync.rooms.has(documentId)).toBe(false);
    });
    const later = connect(two, documentId, ann);
    await waitSynced(later);
    expect(later.text()).toBe(text);
  });

  it('the attribution gate holds across processes: an id written under on one is refused on the other', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const mallory = await buildUser(one.url, 'Mallory');
    const { documentId } = await buildDocument(one.url, ann, [mallory]);
    // The document is open on both processes before Ann writes, so the other process
    // learns whose her client id is from the announcement, not from the journal.
    const a = connect(one, documentId, ann);
    const watcher = connect(two, documentId, mallory);
    await Promise.all([waitSynced(a), waitSynced(watcher)]);
    appendParagraph(a.doc, 'ann wrote this');
    await eventually(() => expect(a.saved()).toBe(a.sent()));
    await eventually(() => expect(watcher.text()).toContain('ann wrote this'));
    // Mallory, on the other process, writes under Ann's client id.
    const code = await sendForged(
      `${two.url.replace('http', 'ws')}/sync/${documentId}`,
      mallory.cookie,
      a.doc,
      a.doc.clientID,
    );
    expect(code).toBe(CloseCode.clientIdTaken);
    await new Promise((r) => setTimeout(r, 300));
    expect(a.text()).not.toContain('someone else’s mouth');
    expect(watcher.text()).not.toContain('someone else’s mouth');
  });

  it('a permission changed through one process closes the socket on the other', async () => {
    const owner = await buildUser(one.url, 'Olu Owner');
    const editor = await buildUser(one.url, 'Ed Editor');
    const { workspaceId, documentId } = await buildDocument(one.url, owner, [editor]);
    const e = connect(two, documentId, editor);
    const codes = closeCodes(e);
    await waitSynced(e);
    const demoted = await call(
      one.url,
      'PATCH',
      `/workspaces/${workspaceId}/members/${editor.id}`,
      {
        body: { permission: 'viewer' },
        cookie: owner.cookie,
      },
    );
    expect(demoted.status).toBe(200);
    await eventually(() => expect(codes).toContain(CloseCode.forbidden), 5000);
  });

  it('a document closed through one process refuses edits on the other within seconds, and takes them again once reopened', async () => {
    const owner = await buildUser(one.url, 'Olu Owner');
    const editor = await buildUser(one.url, 'Ed Editor');
    const { documentId } = await buildDocument(one.url, owner, [editor], 'improvement_plan');
    const o = connect(one, documentId, owner);
    const e = connect(two, documentId, editor);
    const codes = closeCodes(e);
    await Promise.all([waitSynced(o), waitSynced(e)]);
    const relocked = (locked: boolean) =>
      eventually(() => {
        const seen = two.logger.entries.some(
          (x) =>
            x.event === 'sync.text_lock_changed' &&
            x.fields.documentId === documentId &&
            x.fields.locked === locked,
        );
        if (!seen) throw new Error('not re-checked on the other process yet');
      }, 5000);

    await closePlan(one.url, owner, documentId);
    await relocked(true);
    const rowsBefore = await one.storage.journal.countRows(documentId);
    appendParagraph(e.doc, 'typed on the other process after it closed');
    await two.sync.flushed();
    await new Promise((r) => setTimeout(r, 300));
    await two.sync.flushed();
    expect(o.text()).not.toContain('typed on the other process after it closed');
    expect(await one.storage.journal.countRows(documentId)).toBe(rowsBefore);
    expect(codes).toEqual([]);

    await reopenPlan(one.url, owner, documentId);
    await relocked(false);
    // Its refused change is not brought back: it starts again from a fresh copy.
    await eventually(() => expect(codes).toEqual([CloseCode.forbidden]), 5000);
    const again = connect(two, documentId, editor);
    await waitSynced(again);
    appendParagraph(again.doc, 'written on the other process once reopened');
    await eventually(() =>
      expect(o.text()).toContain('written on the other process once reopened'),
    );
    expect(o.text()).not.toContain('typed on the other process after it closed');
  });

  it('a comment made through one process is announced to the people on the other', async () => {
    const { ann, documentId, b } = await annAndBob();
    const doc = new Y.Doc();
    const at = Y.createRelativePositionFromTypeIndex(doc.getXmlFragment('default'), 0);
    const anchor = Buffer.from(Y.encodeRelativePosition(at)).toString('base64');
    const made = await call(one.url, 'POST', `/documents/${documentId}/threads`, {
      body: { anchor: { start: anchor, end: anchor }, quote: 'Pathway', body: 'Too long.' },
      cookie: ann.cookie,
    });
    expect(made.status).toBe(201);
    await eventually(() => expect(b.notices()).toEqual(['comments']), 5000);
  });

  it('signing out through one process closes that session’s sockets on the other', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const { documentId } = await buildDocument(one.url, ann);
    const a = connect(two, documentId, ann);
    const codes = closeCodes(a);
    await waitSynced(a);
    await call(one.url, 'POST', '/auth/signout', { cookie: ann.cookie });
    await eventually(() => expect(codes).toContain(CloseCode.unauthenticated), 5000);
  });

  it('failed sign-ins count across processes, so guessing is no faster with two', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    // The default limit is 5 failures per account: 3 through one process, 2 through the other.
    for (const server of [one, two, one, two, one]) {
      const failed = await call(server.url, 'POST', '/auth/signin', {
        body: { email: ann.email, password: 'not the password' },
      });
      expect(failed.status).toBe(401);
    }
    const refused = await call(two.url, 'POST', '/auth/signin', {
      body: { email: ann.email, password: ann.password },
    });
    expect(refused.status).toBe(429);
  });

  it('edits made while Redis was away reach the other process once it is back, from the journal', async () => {
    const { a, b } = await annAndBob();
    expect((await call(two.url, 'GET', '/health')).json).toMatchObject({ cluster: 'connected' });
    await redis.stop();
    // Still serving (200), and saying it is cut off from the others.
    let health = await call(two.url, 'GET', '/health');
    for (let i = 0; i < 100 && health.json?.cluster !== 'disconnected'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      health = await call(two.url, 'GET', '/health');
    }
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', cluster: 'disconnected' });
    appendParagraph(a.doc, 'written during the outage');
    // Committed on its own process, so saved, though nobody elsewhere could hear of it.
    await eventually(() => expect(a.saved()).toBe(a.sent()));
    await redis.start();
    await eventually(() => expect(b.text()).toContain('written during the outage'), 15_000);
    // Its announcement was lost with Redis: the other process read it from the journal.
    expect(two.logger.entries.some((e) => e.event === 'cluster.caught_up')).toBe(true);
    appendParagraph(b.doc, 'and after it');
    await eventually(() => expect(a.text()).toContain('and after it'), 10_000);
  });

  it('while Redis is away, documents still open, and sign-outs still reach every process after', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const cy = await buildUser(one.url, 'Cy Carer');
    const bob = await buildUser(one.url, 'Bob Clinician');
    const { documentId } = await buildDocument(one.url, ann, [cy]);
    const bobs = await buildDocument(one.url, bob);
    const watching = connect(two, bobs.documentId, bob);
    const codes = closeCodes(watching);
    await waitSynced(watching);
    await redis.stop();
    // Opened on both processes while they cannot hear each other.
    const a = connect(one, documentId, ann);
    const b = connect(two, documentId, cy);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    appendParagraph(a.doc, 'opened and written during the outage');
    await eventually(() => expect(a.saved()).toBe(a.sent()));
    await call(one.url, 'POST', '/auth/signout', { cookie: bob.cookie });
    await redis.start();
    await eventually(
      () => expect(b.text()).toContain('opened and written during the outage'),
      15_000,
    );
    // Bob's sign-out was never announced: the other process reads his session again.
    await eventually(() => expect(codes).toContain(CloseCode.unauthenticated), 15_000);
  });

  it('a commit never announced (its process died first) is noticed from the journal heads', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const { documentId } = await buildDocument(one.url, ann);
    const b = connect(two, documentId, ann);
    await waitSynced(b);
    // Stored as process one would, then no announcement: as if it was killed right after.
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(b.doc));
    const before = Y.encodeStateVector(writer);
    appendParagraph(writer, 'committed, never announced');
    await one.storage.journal.append(
      [
        {
          documentId,
          seq: 0,
          createdAt: Date.now(),
          accountId: ann.id,
          update: Y.encodeStateAsUpdate(writer, before),
        },
      ],
      [{ documentId, clientId: writer.clientID, accountId: ann.id, firstSeen: Date.now() }],
    );
    await eventually(() => expect(b.text()).toContain('committed, never announced'), 15_000);
  });

  it('survives malformed messages on its Redis channels', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    const { documentId } = await buildDocument(one.url, ann);
    const a = connect(one, documentId, ann);
    const b = connect(two, documentId, ann);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const raw = new Redis(redis.url);
    const junk = [
      'not json',
      JSON.stringify({ t: 'committed', from: 'x', rows: [{ seq: -1, update: '!!' }] }),
      JSON.stringify({ t: 'presence', from: 'x', update: Buffer.from([5, 1]).toString('base64') }),
      JSON.stringify({
        t: 'committed',
        from: 'x',
        rows: [{ seq: 999, update: Buffer.from([1, 255, 255, 255, 255, 15]).toString('base64') }],
        owners: [],
        inserts: [],
        carried: [],
      }),
    ];
    for (const payload of junk) await raw.publish(`chorus:document:${documentId}`, payload);
    await raw.publish('chorus:control', JSON.stringify({ t: 'discard', from: 'x' }));
    await raw.quit();
    await eventually(() =>
      expect(two.logger.entries.filter((e) => e.event === 'cluster.bad_message').length).toBe(4),
    );
    // Both processes still serve, and still hear each other.
    appendParagraph(a.doc, 'still here');
    await eventually(() => expect(b.text()).toContain('still here'));
  });

  /** A PDSA cycle at Plan, Ann (lead) on the first process and Bob on the second. */
  const cycleOnTwoProcesses = async () => {
    const ann = await buildUser(one.url, 'Ann Lead');
    const bob = await buildUser(one.url, 'Bob Partner');
    const { documentId } = await buildDocument(one.url, ann, [bob], 'improvement_plan');
    const a = connect(one, documentId, ann);
    const b = connect(two, documentId, bob);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const cycle = new Y.XmlElement('pdsaCycle');
    cycle.setAttribute('stage', 'plan');
    cycle.setAttribute('prediction', 'Texting a reminder halves missed appointments');
    a.doc.getXmlFragment('default').push([cycle]);
    await eventually(() => expect(attrs(b).stage).toBe('plan'));
    const corrections = () =>
      [...one.logger.entries, ...two.logger.entries].filter(
        (e) => e.event === 'sync.pdsa_corrected' && e.fields.documentId === documentId,
      );
    return { bob, documentId, a, b, corrections };
  };
  const cycleOf = (doc: Y.Doc) =>
    doc
      .getXmlFragment('default')
      .toArray()
      .find((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'pdsaCycle');
  const attrs = (client: TestClient) => ({
    stage: cycleOf(client.doc)?.getAttribute('stage'),
    prediction: cycleOf(client.doc)?.getAttribute('prediction'),
  });
  const locked = { stage: 'do', prediction: 'Texting a reminder halves missed appointments' };

  for (const [late, change] of [
    [
      'change',
      (c: Y.XmlElement) => c.setAttribute('prediction', 'Texting ends missed appointments'),
    ],
    // Removing an attribute writes no new content, only a deletion.
    ['removal', (c: Y.XmlElement) => c.removeAttribute('prediction')],
  ] as const) {
    it(`a late ${late} of a locked PDSA prediction, committed by another process before it heard of Do, is set back everywhere`, async () => {
      const { bob, documentId, a, b, corrections } = await cycleOnTwoProcesses();
      // Bob's change, made in a copy that never saw Do start: what the second process would
      // have committed had it taken Bob's edit a moment before hearing of Do from the first.
      const lateDoc = new Y.Doc();
      Y.applyUpdate(lateDoc, Y.encodeStateAsUpdate(b.doc));
      const before = Y.encodeStateVector(lateDoc);
      const lateCycle = cycleOf(lateDoc);
      if (lateCycle) change(lateCycle);
      const update = Y.encodeStateAsUpdate(lateDoc, before);
      // Ann starts Do on the first process; both processes hear of it.
      cycleOf(a.doc)?.setAttribute('stage', 'do');
      await eventually(() => expect(attrs(b).stage).toBe('do'));
      // Bob's edit is committed, unannounced, so each process takes it as committed
      // elsewhere, after Do: before this, neither checked it and it stayed.
      await two.storage.journal.append(
        [
          {
            documentId,
            seq: 0,
            createdAt: Date.now(),
            accountId: bob.id,
            update,
          },
        ],
        [{ documentId, clientId: lateDoc.clientID, accountId: bob.id, firstSeen: Date.now() }],
      );
      // Both processes read it from the journal (it was never announced), relay it, and
      // set it back.
      await eventually(() => expect(corrections().length).toBeGreaterThan(0), 15_000);
      await eventually(() => {
        expect(attrs(a)).toEqual(locked);
        expect(attrs(b)).toEqual(locked);
      });
      // Set back by an edit journaled like any other, credited to Bob: a copy rebuilt from
      // the journal alone has the locked prediction.
      const corrected = corrections();
      expect(corrected.length).toBeGreaterThan(0);
      expect(corrected.every((e) => e.fields.accountId === bob.id)).toBe(true);
      await eventually(async () => {
        const rebuilt = new Y.Doc();
        for (const row of await one.storage.journal.rowsAfter(documentId, 0)) {
          Y.applyUpdate(rebuilt, row.update);
        }
        expect(cycleOf(rebuilt)?.getAttribute('prediction')).toBe(locked.prediction);
      });
      // And it stays so: the processes did not set each other's corrections back and forth.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(corrections().length).toBeLessThanOrEqual(2);
      expect(attrs(a)).toEqual(locked);
      expect(attrs(b)).toEqual(locked);
    });
  }

  it('a late change set back where it arrives is not set back again by the other process', async () => {
    const { b, a, corrections } = await cycleOnTwoProcesses();
    cycleOf(a.doc)?.setAttribute('stage', 'do');
    await eventually(() => expect(attrs(b).stage).toBe('do'));
    // Bob's page ignores the lock: the second process sets it back, and its correction
    // reaches the first with the edit, which then has nothing to correct.
    cycleOf(b.doc)?.setAttribute('prediction', 'Texting ends missed appointments');
    await eventually(() => expect(corrections().length).toBeGreaterThan(0));
    await eventually(() => {
      expect(attrs(a)).toEqual(locked);
      expect(attrs(b)).toEqual(locked);
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(corrections().length).toBe(1);
  });

  it('a commit too large to announce whole (an offline backlog) is read from the journal', async () => {
    const { a, b } = await annAndBob();
    const long = `minutes of the meeting ${'word '.repeat(300_000)}`;
    appendParagraph(a.doc, long);
    await eventually(() => expect(b.text()).toContain(long), 15_000);
    expect(a.text()).toBe(b.text());
  });

  it('a Redis that hangs does not hold sign-ins: they are counted in the process instead', async () => {
    const ann = await buildUser(one.url, 'Ann Patient');
    redis.pause();
    try {
      // Without a time limit on its commands, this request would wait for Redis for ever.
      const failed = await call(one.url, 'POST', '/auth/signin', {
        body: { email: ann.email, password: 'not the password' },
      });
      expect(failed.status).toBe(401);
    } finally {
      redis.resume();
    }
    expect(one.logger.entries.some((e) => e.event === 'cluster.throttle_unreachable')).toBe(true);
  });

  it('a scoring page following an evaluation on one process hears of a submission on the other', async () => {
    const chair = await buildUser(one.url, 'Cher Chair');
    const evaluator = await buildUser(one.url, 'Eve Evaluator');
    const { documentId } = await buildDocument(
      one.url,
      chair,
      [evaluator],
      'procurement_evaluation',
    );
    const path = `/documents/${documentId}/evaluation`;
    const setup = await call(one.url, 'PUT', `${path}/setup`, {
      cookie: chair.cookie,
      body: {
        criteria: [{ title: 'Quality', scale: '0-4', weight: 100, threshold: null }],
        bids: [{ bidder: 'Northside' }],
        panel: [
          { userId: chair.id, panelRole: 'chair' },
          { userId: evaluator.id, panelRole: 'evaluator' },
        ],
      },
    });
    expect(setup.status).toBe(200);
    const started = await call(one.url, 'POST', `${path}/start`, { cookie: chair.cookie });
    const bidId = started.json.evaluation.setup.bids[0].id as string;
    const criterionId = started.json.evaluation.setup.criteria[0].id as string;
    await call(one.url, 'PUT', `${path}/declaration`, {
      cookie: evaluator.cookie,
      body: { confidential: true, conflict: false },
    });
    // The chair's page is served by the second process; the evaluator saves on the first.
    const stream = await openEventStream(two.url, `${path}/events`, chair.cookie);
    try {
      await stream.next('ready');
      const saved = await call(one.url, 'PUT', `${path}/scores/${bidId}/${criterionId}`, {
        cookie: evaluator.cookie,
        body: { kind: 'score', score: 2, rationale: 'Sound plan, thin on rural staffing.' },
      });
      expect(saved.status).toBe(200);
      const submitted = await call(one.url, 'POST', `${path}/submit`, { cookie: evaluator.cookie });
      expect(submitted.status).toBe(200);
      expect((await stream.next('changed')).data).toBe('');
    } finally {
      stream.close();
    }
  });

  it('a mention made through one process reaches the notification stream of the person mentioned on the other', async () => {
    const { ann, bob, documentId } = await annAndBob();
    const stream = await openEventStream(two.url, '/me/notifications/events', bob.cookie);
    expect(stream.status).toBe(200);
    await stream.next('ready');
    // A malformed notice on the person's channel is logged and dropped, never heard.
    const raw = new Redis(redis.url);
    const bad = () => two.logger.entries.filter((e) => e.event === 'cluster.bad_message').length;
    const badBefore = bad();
    await raw.publish(`chorus:person:${bob.id}`, JSON.stringify({ t: 'everything', from: 'x' }));
    await raw.quit();
    await eventually(() => expect(bad()).toBe(badBefore + 1));
    expect(stream.events.filter((e) => e.event === 'changed')).toEqual([]);
    const doc = new Y.Doc();
    const at = Y.createRelativePositionFromTypeIndex(doc.getXmlFragment('default'), 0);
    const anchor = Buffer.from(Y.encodeRelativePosition(at)).toString('base64');
    const made = await call(one.url, 'POST', `/documents/${documentId}/threads`, {
      body: {
        anchor: { start: anchor, end: anchor },
        quote: 'Pathway',
        body: 'Bob, is this right? @Bob',
        mentions: [bob.id],
      },
      cookie: ann.cookie,
    });
    expect(made.status).toBe(201);
    await stream.next('changed');
    const listed = await call(two.url, 'GET', '/me/notifications', { cookie: bob.cookie });
    expect(listed.json).toMatchObject({
      unread: 1,
      mentions: [{ threadId: made.json.id, byName: 'Ann Patient', read: false }],
    });
    stream.close();
  });

  it('access taken away through one process wakes the person’s notification stream on the other', async () => {
    const owner = await buildUser(one.url, 'Olu Owner');
    const member = await buildUser(one.url, 'Mo Member');
    const { workspaceId } = await buildDocument(one.url, owner, [member]);
    const stream = await openEventStream(two.url, '/me/notifications/events', member.cookie);
    await stream.next('ready');
    const removed = await call(
      one.url,
      'DELETE',
      `/workspaces/${workspaceId}/members/${member.id}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(removed.status).toBe(200);
    // Their mentions there are gone from the list: the page is told to fetch it again.
    await stream.next('changed');
    stream.close();
  });

  it('a process that shuts down takes its people’s presence with it at once', async () => {
    const { a, b } = await annAndBob();
    b.provider.awareness.setLocalStateField('user', { name: 'x' });
    await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(true));
    b.provider.shouldConnect = false;
    await two.stop();
    // Well before presence would time out (30 s) on its own.
    await eventually(
      () => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(false),
      5_000,
    );
  });
});
