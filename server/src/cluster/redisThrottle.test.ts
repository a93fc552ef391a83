import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { RedisThrottle } from './redisThrottle.ts';

describe('failed sign-ins counted in Redis', () => {
  let server: TestRedis;
  const connections: Redis[] = [];
  beforeAll(async () => {
    server = await startTestRedis();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await server.stop();
  });
  const connect = (url: string) => {
    const c = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
    c.on('error', () => {});
    connections.push(c);
    return c;
  };

  it('two processes count together, each failure expiring with its window', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const [a, b] = [connect(server.url), connect(server.url)];
    await Promise.all([a.connect(), b.connect()]);
    const one = new RedisThrottle(a, 'account', 3, 60_000, memoryLogger(), clock);
    const two = new RedisThrottle(b, 'account', 3, 60_000, memoryLogger(), clock);
    await one.recordFailure('ann@example.org');
    now += 1000;
    await two.recordFailure('ann@example.org');
    now += 1000;
    expect(await one.retryAfter('ann@example.org')).toBe(0);
    await one.recordFailure('ann@example.org');
    // Three failures in all, though neither process saw more than two.
    expect(await two.retryAfter('ann@example.org')).toBe(58_000);
    expect(await two.retryAfter('bob@example.org')).toBe(0);
    now += 58_000;
    expect(await one.retryAfter('ann@example.org')).toBe(0);
    await one.recordFailure('ann@example.org');
    await one.reset('ann@example.org');
    expect(await two.retryAfter('ann@example.org')).toBe(0);
  });

  it('counts in the process, and logs it, while Redis cannot be reached', async () => {
    const logger = memoryLogger();
    const dead = connect('redis://127.0.0.1:1');
    const throttle = new RedisThrottle(dead, 'ip', 2, 60_000, logger);
    await throttle.recordFailure('203.0.113.7');
    await throttle.recordFailure('203.0.113.7');
    expect(await throttle.retryAfter('203.0.113.7')).toBeGreaterThan(0);
    expect(logger.entries.some((e) => e.event === 'cluster.throttle_unreachable')).toBe(true);
  });

  it('reads an error reply as a failed count, never as no failures', async () => {
    const logger = memoryLogger();
    const redis = connect(server.url);
    await redis.connect();
    const throttle = new RedisThrottle(redis, 'account', 2, 60_000, logger);
    await throttle.recordFailure('cy@example.org');
    await throttle.recordFailure('cy@example.org');
    // Something else wrote the key: Redis answers WRONGTYPE inside the transaction.
    await redis.set('chorus:throttle:account:cy@example.org', 'not a sorted set');
    expect(await throttle.retryAfter('cy@example.org')).toBeGreaterThan(0);
    expect(logger.entries.some((e) => e.event === 'cluster.throttle_unreachable')).toBe(true);
  });
});
