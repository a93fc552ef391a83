import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, call } from '../test/factories.ts';
import { startTestPostgres, type TestPostgres } from '../test/postgres.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { startTestServer, type TestServer } from '../test/testServer.ts';

/**
 * Sign-ups per IP address count across processes joined through Redis (each may send a
 * confirmation email): with two processes, one client does not get twice the sign-ups.
 */
describe('the sign-up throttle across two processes joined through Redis', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let one: TestServer;
  let two: TestServer;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    const shared = {
      CHORUS_DATABASE_URL: await postgres.freshDatabase(),
      CHORUS_REDIS_URL: redis.url,
      CHORUS_SIGNUP_MAX_PER_IP: '2',
      CHORUS_SIGNUP_WINDOW_MS: '60000',
    };
    one = await startTestServer(shared);
    two = await startTestServer(shared);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([one?.stop(), two?.stop()]);
    await redis?.stop();
    postgres?.stop();
  });

  it('counts one client’s sign-ups on both processes together', async () => {
    await buildUser(one.url, 'Ann Patient');
    await buildUser(two.url, 'Bob Clinician');
    for (const server of [one, two]) {
      const res = await call(server.url, 'POST', '/auth/signup', {
        body: {
          name: 'Cat Carer',
          email: `cat-${Date.now()}@example.org`,
          password: 'correct horse battery',
        },
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
