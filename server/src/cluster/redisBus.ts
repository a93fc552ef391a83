import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

type Handler = (payload: string) => void;

/**
 * Publish and subscribe over Redis, for the server processes that share one PostgreSQL
 * database. One connection publishes, one listens (a subscribed Redis connection can do
 * nothing else). Several rooms may follow one channel (a document unloading while it loads
 * again): Redis is unsubscribed only when the last one stops. Redis pub/sub delivers each
 * publisher's messages in order, at most once: what a process misses while Redis is away
 * it reads from the journal (see `Room`'s gap reading).
 */
export class RedisBus {
  /** Tells this process's own messages apart: Redis delivers them back to it too. */
  readonly nodeId = randomUUID();
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #reconnectListeners = new Set<() => void>();

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly logger: Logger,
  ) {
    sub.on('message', (channel: string, payload: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) {
        // One bad message must not take the process down (this runs in ioredis's event).
        try {
          handler(payload);
        } catch (err) {
          logger.log('warn', 'cluster.bad_message', { channel, error: String(err) });
        }
      }
    });
    for (const connection of [pub, sub]) {
      connection.on('error', (err: Error) => {
        logger.log('error', 'cluster.redis_error', { error: err.message });
      });
    }
    // What was announced while the listening connection was down is lost: once it is back
    // (ioredis subscribes it again first), listeners read it from the journal.
    let lost = false;
    sub.on('close', () => {
      if (!lost) logger.log('warn', 'cluster.redis_lost', {});
      lost = true;
    });
    sub.on('ready', () => {
      if (!lost) return;
      lost = false;
      logger.log('info', 'cluster.redis_back', {});
      for (const listener of this.#reconnectListeners) listener();
    });
  }

  /** Connects both connections; throws with Redis's reason if it cannot be reached. */
  static async connect(url: string, logger: Logger): Promise<RedisBus> {
    const open = async (role: 'publish' | 'listen') => {
      const redis = new Redis(url, {
        lazyConnect: true,
        // While Redis is away an announcement fails at once (and is logged) rather than
        // pile up in memory: the others read what they missed from the journal. A
        // subscription waits for Redis instead (see `subscribe`).
        enableOfflineQueue: role === 'listen',
        // A Redis that hangs (rather than closing) must not hold a sign-in for ever: the
        // throttle's commands fail after this and it counts in the process instead.
        ...(role === 'publish' ? { commandTimeout: 1_000 } : {}),
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      });
      try {
        await redis.connect();
      } catch (err) {
        redis.disconnect();
        throw err;
      }
      return redis;
    };
    const pub = await open('publish');
    try {
      return new RedisBus(pub, await open('listen'), logger);
    } catch (err) {
      pub.disconnect();
      throw err;
    }
  }

  /** Follows a channel; resolves once Redis confirmed the subscription. */
  async subscribe(channel: string, handler: Handler): Promise<() => void> {
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    const subscribed = this.sub.subscribe(channel);
    if (this.sub.status === 'ready') {
      try {
        await subscribed;
      } catch (err) {
        this.#forget(channel, handler);
        throw err;
      }
    } else {
      // Redis is away: the document opens anyway and is served from the journal; ioredis
      // subscribes when Redis is back, and then every room reads what it missed.
      subscribed.catch((err: unknown) => {
        this.logger.log('warn', 'cluster.subscribe_failed', { channel, error: String(err) });
      });
    }
    return () => this.#forget(channel, handler);
  }

  #forget(channel: string, handler: Handler): void {
    const set = this.#handlers.get(channel);
    if (!set?.delete(handler) || set.size > 0) return;
    this.#handlers.delete(channel);
    this.sub.unsubscribe(channel).catch((err: unknown) => {
      this.logger.log('warn', 'cluster.unsubscribe_failed', { channel, error: String(err) });
    });
  }

  /** Both connections are up: announcements go out and come in. */
  get connected(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  /** The connection for commands (not the listening one, which can run no others). */
  get commands(): Redis {
    return this.pub;
  }

  publish(channel: string, payload: string): void {
    this.pub.publish(channel, payload).catch((err: unknown) => {
      this.logger.log('error', 'cluster.publish_failed', { channel, error: String(err) });
    });
  }

  /** Called after Redis came back from an outage (messages sent meanwhile were lost). */
  onReconnect(listener: () => void): void {
    this.#reconnectListeners.add(listener);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    this.#reconnectListeners.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
    // quit() does not stop the reconnection attempts of a connection that is down.
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
