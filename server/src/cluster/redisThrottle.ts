import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { FailureThrottle, type Throttle } from '../auth/throttle.ts';
import type { Logger } from '../logger.ts';

/**
 * The replies of a MULTI; throws the first command's error (ioredis reports them in the
 * result rather than rejecting), so that a failed count is never read as no failures.
 */
function succeeded(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new Error('the transaction was discarded');
  for (const [err] of results) if (err) throw err;
  return results.map(([, reply]) => reply);
}

/**
 * Failed sign-ins counted in Redis, so that processes joined through it count together:
 * with N processes, guessing is no N times faster. Each key is a sorted set of failure
 * times that expires with its window. While Redis cannot be reached, each process counts
 * on its own (in memory, as one process does), and says so in its log.
 */
export class RedisThrottle implements Throttle {
  readonly #local: FailureThrottle;

  constructor(
    private readonly redis: Redis,
    /** What is counted ('ip', 'account'): part of the keys. */
    private readonly name: string,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#local = new FailureThrottle(maxFailures, windowMs, now);
  }

  #key(key: string): string {
    return `chorus:throttle:${this.name}:${key}`;
  }

  #unreachable(err: unknown): void {
    this.logger.log('error', 'cluster.throttle_unreachable', {
      throttle: this.name,
      error: String(err),
    });
  }

  async retryAfter(key: string): Promise<number> {
    const t = this.now();
    try {
      const k = this.#key(key);
      const results = succeeded(
        await this.redis
          .multi()
          .zremrangebyscore(k, '-inf', t - this.windowMs)
          .zrange(k, 0, -1, 'WITHSCORES')
          .exec(),
      );
      const flat = (results[1] ?? []) as string[];
      const times = flat.filter((_, i) => i % 2 === 1).map(Number);
      if (times.length < this.maxFailures) return 0;
      const oldest = times[times.length - this.maxFailures] ?? t;
      return Math.max(0, oldest + this.windowMs - t);
    } catch (err) {
      this.#unreachable(err);
      return this.#local.retryAfter(key);
    }
  }

  async recordFailure(key: string): Promise<void> {
    await this.#local.recordFailure(key);
    try {
      const k = this.#key(key);
      succeeded(
        await this.redis.multi().zadd(k, this.now(), randomUUID()).pexpire(k, this.windowMs).exec(),
      );
    } catch (err) {
      this.#unreachable(err);
    }
  }

  async reset(key: string): Promise<void> {
    await this.#local.reset(key);
    try {
      await this.redis.del(this.#key(key));
    } catch (err) {
      this.#unreachable(err);
    }
  }
}
