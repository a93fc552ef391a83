import { CloseCode } from '@chorus/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestSessionTimings, withTestSessionTimings } from '../../config.ts';
import { type Logger, memoryLogger } from '../../logger.ts';
import { type RunningServer, startServer } from '../../server.ts';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { testConfig } from '../../test/testServer.ts';

/**
 * A WebSocket is authenticated at its upgrade; these check that it still ends with its
 * session. Timings are seconds here (production sets hours) and every bound below is
 * generous: the machine is shared, so nothing asserts how soon, only the order of events.
 */

const running: RunningServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of running.splice(0)) await s.stop();
});

async function serverWith(timings: TestSessionTimings): Promise<RunningServer> {
  const config = withTestSessionTimings(testConfig(), timings);
  const server = await startServer(config, memoryLogger() as Logger);
  running.push(server);
  return server;
}

/** A fresh session for `person` (the clock of its lifetime starts now) and its cookie. */
async function signIn(url: string, person: TestUser): Promise<string> {
  const res = await call(url, 'POST', '/auth/signin', {
    body: { email: person.email, password: person.password },
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

interface Closed {
  code: number;
  reason: string;
  at: number;
}

function connect(url: string, documentId: string, cookie: string) {
  const client = connectClient(url, documentId, cookie, { chorus: true });
  clients.push(client);
  const closes: Closed[] = [];
  client.provider.on('connection-close', (e) => {
    if (e) closes.push({ code: e.code, reason: e.reason, at: Date.now() });
  });
  return { client, closes };
}

/** Types a paragraph every `everyMs` until stopped, as a person writing would. */
function keepTyping(client: TestClient, everyMs: number): { stop(): void; lastTypedAt(): number } {
  let n = 0;
  let lastTypedAt = 0;
  const timer = setInterval(() => {
    appendParagraph(client.doc, `line ${++n}`);
    lastTypedAt = Date.now();
  }, everyMs);
  return { stop: () => clearInterval(timer), lastTypedAt: () => lastTypedAt };
}

describe('a session that expires while its socket is open', () => {
  it('closes the socket with 4401 at the absolute lifetime, even while its person types', async () => {
    const server = await serverWith({ idleMs: 60_000, maxMs: 4_000, checkMs: 100 });
    const ann = await buildUser(server.url, 'Ann');
    const { documentId } = await buildDocument(server.url, ann);
    const signedInFrom = Date.now();
    const cookie = await signIn(server.url, ann);
    const { client, closes } = connect(server.url, documentId, cookie);
    await waitSynced(client);
    const typing = keepTyping(client, 250);
    try {
      await eventually(() => expect(closes).toHaveLength(1), 20_000, 50);
    } finally {
      typing.stop();
    }
    const [closed] = closes as [Closed];
    expect(closed.code).toBe(CloseCode.unauthenticated);
    expect(closed.reason).toBe('session expired');
    // Not before the lifetime was over (it began no earlier than the sign-in request).
    expect(closed.at).toBeGreaterThanOrEqual(signedInFrom + 4_000);
    // 44xx: the stock provider does not reconnect, and the session is gone for HTTP too.
    expect(client.provider.shouldConnect).toBe(false);
    expect((await call(server.url, 'GET', '/auth/me', { cookie })).status).toBe(401);
  });

  it('closes the socket when its session ends, not at the next periodic check', async () => {
    // Checks every 5 s; the lifetime ends about 6 s after the server started, so the first
    // check learns when, and the next periodic one (at 10 s) would be 3 to 4 s late.
    const CHECK_MS = 5_000;
    const MAX_MS = 6_000;
    const server = await serverWith({ idleMs: 60_000, maxMs: MAX_MS, checkMs: CHECK_MS });
    const ann = await buildUser(server.url, 'Ann');
    const { documentId } = await buildDocument(server.url, ann);
    const signedInFrom = Date.now();
    const cookie = await signIn(server.url, ann);
    const signedInBy = Date.now();
    const { client, closes } = connect(server.url, documentId, cookie);
    await waitSynced(client);
    await eventually(() => expect(closes).toHaveLength(1), 20_000, 50);
    const [closed] = closes as [Closed];
    expect(closed.code).toBe(CloseCode.unauthenticated);
    expect(closed.at).toBeGreaterThanOrEqual(signedInFrom + MAX_MS);
    expect(closed.at - (signedInBy + MAX_MS)).toBeLessThan(2_000);
  });

  it('closes a socket opened after the last check whose session ends before the next one', async () => {
    // Checks every 10 s. The socket opens just after the first check (about 11 s after
    // sign-in) and the lifetime ends at 12 s, so no check has seen this session: without
    // learning its end at the upgrade, the socket would stay open until the check at 20 s.
    const CHECK_MS = 10_000;
    const MAX_MS = 12_000;
    const server = await serverWith({ idleMs: 60_000, maxMs: MAX_MS, checkMs: CHECK_MS });
    const ann = await buildUser(server.url, 'Ann');
    const { documentId } = await buildDocument(server.url, ann);
    const cookie = await signIn(server.url, ann);
    const signedInBy = Date.now();
    await new Promise((r) => setTimeout(r, MAX_MS - 1_500));
    const { client, closes } = connect(server.url, documentId, cookie);
    await waitSynced(client);
    await eventually(() => expect(closes).toHaveLength(1), 20_000, 50);
    const [closed] = closes as [Closed];
    expect(closed.code).toBe(CloseCode.unauthenticated);
    expect(closed.at - (signedInBy + MAX_MS)).toBeLessThan(2_000);
  }, 40_000);

  it('keeps the socket of someone typing open past the idle limit and closes an idle one', async () => {
    const IDLE_MS = 4_000;
    const server = await serverWith({ idleMs: IDLE_MS, maxMs: 120_000, checkMs: 100 });
    const ann = await buildUser(server.url, 'Ann');
    const ben = await buildUser(server.url, 'Ben');
    const { documentId } = await buildDocument(server.url, ann, [ben]);
    const typistCookie = await signIn(server.url, ann);
    const readerCookie = await signIn(server.url, ben);
    const typist = connect(server.url, documentId, typistCookie);
    const reader = connect(server.url, documentId, readerCookie);
    await Promise.all([waitSynced(typist.client), waitSynced(reader.client)]);

    const typingFrom = Date.now();
    const typing = keepTyping(typist.client, 300);
    try {
      // The reader's tab stays open (its presence renews by itself) but it sends no edits.
      await eventually(() => expect(reader.closes).toHaveLength(1), 20_000, 50);
      // Type on until well past the idle limit.
      const until = typingFrom + IDLE_MS * 2.5;
      while (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      typing.stop();
    }
    expect(reader.closes[0]?.code).toBe(CloseCode.unauthenticated);
    expect(reader.closes[0]?.reason).toBe('session expired');
    expect(reader.client.provider.shouldConnect).toBe(false);
    expect(typist.closes).toEqual([]);
    // Its edits kept the stored session in use: a request with it is still signed in.
    expect((await call(server.url, 'GET', '/auth/me', { cookie: typistCookie })).status).toBe(200);
    await eventually(() => expect(typist.client.saved()).toBe(typist.client.sent()), 10_000);

    // Once the typing stops, the session idles out like any other: not before the idle
    // limit has passed since the last edit.
    await eventually(() => expect(typist.closes).toHaveLength(1), 20_000, 50);
    expect(typist.closes[0]?.code).toBe(CloseCode.unauthenticated);
    expect(typist.closes[0]?.reason).toBe('session expired');
    expect(typist.closes[0]?.at).toBeGreaterThanOrEqual(typing.lastTypedAt() + IDLE_MS);
    expect((await call(server.url, 'GET', '/auth/me', { cookie: typistCookie })).status).toBe(401);
  });
});
