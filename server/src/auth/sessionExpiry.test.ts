import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withTestSessionTimings } from '../config.ts';
import { memoryLogger } from '../logger.ts';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import { SessionExpiryWatch } from './sessionExpiry.ts';
import { type SessionEndReason, SessionService } from './sessions.ts';

const HOUR = 3600_000;
const IDLE = 24 * HOUR;
const MAX = 30 * 24 * HOUR;

async function setup() {
  const storage = openSqliteStorage({ filename: ':memory:' });
  await storage.users.create({
    id: 'u1',
    name: 'Ann',
    email: 'a@example.org',
    passwordHash: 'x',
    createdAt: 0,
    creditMode: 'full_name',
    displayName: null,
  });
  let now = 1_000_000;
  const service = new SessionService(
    storage.sessions,
    storage.users,
    { idleMs: IDLE, maxMs: MAX, touchEveryMs: 60_000 },
    () => now,
  );
  const ended: { ids: readonly string[]; reason: SessionEndReason }[] = [];
  service.onEnd((ids, reason) => ended.push({ ids, reason }));
  let finds = 0;
  const realFind = storage.sessions.find.bind(storage.sessions);
  storage.sessions.find = (id) => {
    finds++;
    return realFind(id);
  };
  return {
    storage,
    service,
    ended,
    now: () => now,
    advance: (ms: number) => (now += ms),
    finds: () => finds,
  };
}

describe('sessions of open connections', () => {
  it('counts an edit over a socket as use, so the idle limit moves with it', async () => {
    const { service, advance, now, ended } = await setup();
    const { token, session } = await service.create('u1');
    advance(20 * HOUR);
    const editAt = now();
    advance(20 * HOUR); // 40 h since sign-in, 20 h since the edit
    expect(await service.renew(session.id, editAt)).toEqual({
      lastUsedAt: editAt,
      endsAt: editAt + IDLE,
    });
    // Stored, so a request sees the same.
    expect(await service.validate(token)).not.toBeNull();
    expect(ended).toEqual([]);
  });

  it('ends a session idle past the limit with reason "expired"; a later edit does not revive it', async () => {
    const { service, advance, now, ended, storage } = await setup();
    const { session } = await service.create('u1');
    advance(IDLE + 1000);
    // An edit that arrived after the session was already over (before the check saw it).
    expect(await service.renew(session.id, now() - 500)).toBeNull();
    expect(ended).toEqual([{ ids: [session.id], reason: 'expired' }]);
    expect(await storage.sessions.find(session.id)).toBeNull();
  });

  it('ends a session at its absolute lifetime however recently it was used', async () => {
    const { service, advance, now, ended } = await setup();
    const { session } = await service.create('u1');
    for (let i = 0; i < 59; i++) {
      advance(12 * HOUR);
      expect(await service.renew(session.id, now())).not.toBeNull();
    }
    const standing = await service.renew(session.id, now());
    expect(standing?.endsAt).toBe(session.expiresAt);
    advance(12 * HOUR);
    expect(await service.renew(session.id, now())).toBeNull();
    expect(ended).toEqual([{ ids: [session.id], reason: 'expired' }]);
  });

  it('says a session that is already gone ended, so no socket of it stays open', async () => {
    const { service, ended } = await setup();
    expect(await service.renew('gone', 0)).toBeNull();
    expect(ended).toEqual([{ ids: ['gone'], reason: 'ended' }]);
  });
});

describe('the expiry sweep', () => {
  it('reads storage only for new sessions, sessions at their end, and ones edited a while', async () => {
    const { service, advance, now, ended, finds } = await setup();
    const a = (await service.create('u1')).session;
    const b = (await service.create('u1')).session;
    const open = new Map<string, number>([
      [a.id, 0],
      [b.id, 0],
    ]);
    const watch = new SessionExpiryWatch(service, () => open, 30_000, memoryLogger(), now);

    const t0 = now();
    await watch.sweep();
    expect(finds()).toBe(2);
    // Someone types over b's socket; a use this recent is not worth a write yet.
    advance(30_000);
    open.set(b.id, now());
    await watch.sweep();
    expect(finds()).toBe(2);
    // Idle sockets cost no reads between their sessions' ends.
    for (let i = 0; i < 10; i++) {
      advance(30_000);
      await watch.sweep();
    }
    expect(finds()).toBe(2);
    // Typing on: its use is recorded once it is a minute newer than the stored one.
    advance(61_000);
    open.set(b.id, now());
    await watch.sweep();
    expect(finds()).toBe(3);

    // At a's idle end, a is checked again and ended; b, used since, is not.
    advance(t0 + IDLE - 1 - now());
    await watch.sweep();
    expect(ended).toEqual([]);
    expect(finds()).toBe(3);
    advance(1);
    await watch.sweep();
    expect(ended).toEqual([{ ids: [a.id], reason: 'expired' }]);
    expect(finds()).toBe(4);
    expect(await service.renew(b.id, 0)).not.toBeNull();
  });

  it('forgets sessions whose sockets all closed, and keeps sweeping when a check fails', async () => {
    const { service, now, storage, finds } = await setup();
    const a = (await service.create('u1')).session;
    const open = new Map<string, number>([[a.id, 0]]);
    const logger = memoryLogger();
    const watch = new SessionExpiryWatch(service, () => open, 30_000, logger, now);
    await watch.sweep();
    open.clear();
    await watch.sweep();
    open.set(a.id, 0);
    await watch.sweep(); // seen again as new: read again
    expect(finds()).toBe(2);

    const b = (await service.create('u1')).session;
    const realFind = storage.sessions.find;
    storage.sessions.find = async (id) => {
      if (id === b.id) throw new Error('database is locked');
      return realFind(id);
    };
    open.clear();
    open.set(b.id, 0);
    open.set('gone', 0);
    await watch.sweep();
    expect(logger.entries.filter((e) => e.event === 'session.check_failed')).toHaveLength(1);
  });
});

describe('waking for a session that ends before the next sweep', () => {
  it('does not spin on an end it could not settle (storage failing): the period retries it', async () => {
    const { service, storage, advance, now } = await setup();
    const a = (await service.create('u1')).session;
    const logger = memoryLogger();
    const watch = new SessionExpiryWatch(service, () => new Map([[a.id, 0]]), 50, logger, now);
    await watch.sweep(); // learns when it ends
    advance(IDLE + 1); // and now it has ended, but cannot be read
    let reads = 0;
    storage.sessions.find = async () => {
      reads++;
      throw new Error('disk I/O error');
    };
    watch.start();
    await new Promise((r) => setTimeout(r, 500));
    await watch.stop();
    // About one read per 50 ms period; a wake-up at an end already past would be every 5 ms.
    expect(reads).toBeGreaterThan(2);
    expect(reads).toBeLessThan(25);
  });
});

describe('an end that passes while a sweep is running', () => {
  it('is checked at once after that sweep, not at the next periodic one', async () => {
    const { service, storage, advance, now, ended } = await setup();
    const b = (await service.create('u1')).session;
    advance(1_000);
    const a = (await service.create('u1')).session; // ends 1 s after b
    const open = new Map([
      [a.id, 0],
      [b.id, 0],
    ]);
    const watch = new SessionExpiryWatch(service, () => open, 5_000, memoryLogger(), now);
    await watch.sweep(); // learns when both end
    advance(IDLE - 1_000 - 50); // b ends in 50 ms, a in 1,050 ms
    // Reading b is slow: 2 s pass on the clock while the sweep runs, so a's end passes too.
    const realFind = storage.sessions.find.bind(storage.sessions);
    storage.sessions.find = async (id) => {
      if (id === b.id) advance(2_000);
      return realFind(id);
    };
    watch.start();
    // A newly opened socket's session: the watch re-plans its wake-up (for b's end).
    const c = (await service.create('u1')).session;
    open.set(c.id, 0);
    watch.learn(c.id, service.standingOf(c));
    advance(60);
    await new Promise((r) => setTimeout(r, 400));
    await watch.stop();
    const endedIds = ended.flatMap((e) => e.ids);
    expect(endedIds).toContain(b.id);
    // Without the check right after the slow sweep, a would wait for the 5 s period.
    expect(endedIds).toContain(a.id);
    expect(endedIds).not.toContain(c.id);
  });
});

describe('session timings for tests', () => {
  it('are fixed in production: hours from the environment, checked every 30 s', () => {
    const c = loadConfig({ CHORUS_SESSION_IDLE_HOURS: '2', CHORUS_SESSION_MAX_HOURS: '3' });
    expect(c.sessionIdleMs).toBe(2 * HOUR);
    expect(c.sessionMaxMs).toBe(3 * HOUR);
    expect(c.sessionCheckMs).toBe(30_000);
    // No environment variable sets milliseconds.
    expect(
      loadConfig({ CHORUS_SESSION_IDLE_MS: '100' } as Record<string, string>).sessionIdleMs,
    ).toBe(168 * HOUR);
  });

  it('can be shortened for a test, and are validated like settings', () => {
    const base = loadConfig({});
    const short = withTestSessionTimings(base, { idleMs: 1000, maxMs: 2000, checkMs: 100 });
    expect([short.sessionIdleMs, short.sessionMaxMs, short.sessionCheckMs]).toEqual([
      1000, 2000, 100,
    ]);
    expect(base.sessionIdleMs).toBe(168 * HOUR);
    expect(() =>
      withTestSessionTimings(base, { idleMs: 1000, maxMs: 2000, checkMs: 1000 }),
    ).toThrow(ConfigError);
    expect(() => withTestSessionTimings(base, { idleMs: 10, maxMs: 2000, checkMs: 1 })).toThrow(
      /idleMs/,
    );
    expect(() =>
      withTestSessionTimings(base, { idleMs: 1000.5, maxMs: 2000, checkMs: 100 }),
    ).toThrow(ConfigError);
  });
});
