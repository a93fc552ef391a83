import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../storage/sqlite/sqliteStorage.ts';
import { SessionService } from './sessions.ts';

const HOUR = 3600_000;

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
    { idleMs: 24 * HOUR, maxMs: 30 * 24 * HOUR, touchEveryMs: 60_000 },
    () => now,
  );
  return { storage, service, advance: (ms: number) => (now += ms) };
}

describe('sessions', () => {
  it('issues tokens with two 120-bit random halves and stores only a hash of the secret', async () => {
    const { storage, service } = await setup();
    const { token, session } = await service.create('u1');
    const [id, secret] = token.split('.');
    expect(id).toMatch(/^[a-z2-7]{24}$/);
    expect(secret).toMatch(/^[a-z2-7]{24}$/);
    const stored = await storage.sessions.find(session.id);
    expect(stored?.secretHash.byteLength).toBe(32);
    expect(Buffer.from(stored?.secretHash ?? []).toString()).not.toContain(secret);
  });

  it('gives a new token on every sign-in', async () => {
    const { service } = await setup();
    const a = await service.create('u1');
    const b = await service.create('u1');
    expect(a.token).not.toBe(b.token);
  });

  it('validates a good token and refuses tampered, malformed and unknown ones', async () => {
    const { service } = await setup();
    const { token } = await service.create('u1');
    expect((await service.validate(token))?.user.id).toBe('u1');
    const [id, secret] = token.split('.') as [string, string];
    // Change the last character (to one it is not, or the token would be unchanged).
    const other = secret.endsWith('a') ? 'b' : 'a';
    expect(await service.validate(`${id}.${secret.slice(0, -1)}${other}`)).toBeNull();
    expect(await service.validate(`${id}`)).toBeNull();
    expect(await service.validate(`unknown.${secret}`)).toBeNull();
    expect(await service.validate('')).toBeNull();
    expect(await service.validate(undefined)).toBeNull();
    expect(await service.validate('x'.repeat(1000))).toBeNull();
  });

  it('ends a session after the inactivity timeout', async () => {
    const { service, advance } = await setup();
    const { token } = await service.create('u1');
    advance(23 * HOUR);
    expect(await service.validate(token)).not.toBeNull();
    advance(23 * HOUR); // activity above moved the idle window
    expect(await service.validate(token)).not.toBeNull();
    advance(25 * HOUR);
    expect(await service.validate(token)).toBeNull();
  });

  it('ends a session at its absolute lifetime even if used every day', async () => {
    const { service, advance } = await setup();
    const { token } = await service.create('u1');
    for (let day = 0; day < 29; day++) {
      advance(24 * HOUR - 1000);
      expect(await service.validate(token)).not.toBeNull();
    }
    advance(2 * 24 * HOUR - 1000);
    expect(await service.validate(token)).toBeNull();
  });

  it('tells listeners which sessions ended, so open sockets can be closed', async () => {
    const { service } = await setup();
    const ended: string[] = [];
    service.onEnd((ids) => ended.push(...ids));
    const a = await service.create('u1');
    const b = await service.create('u1');
    await service.end(a.session.id);
    expect(ended).toEqual([a.session.id]);
    await service.endAllForUser('u1');
    expect(ended).toEqual([a.session.id, b.session.id]);
    expect(await service.validate(b.token)).toBeNull();
  });
});
