import pg from 'pg';

/**
 * Held for as long as the storage is open, on a connection of its own: exclusively by a
 * process alone on the database, shared by the processes of a cluster. Two processes that
 * do not hear each other's edits would each serve their own copy of a document.
 */
const PROCESS_LOCK = "hashtext('chorus_processes')";

/**
 * A process killed a moment ago still holds the lock until PostgreSQL notices its
 * connection is gone, so a restart waits a little for it before giving up.
 */
export const LOCK_WAIT_MS = 10_000;

/** How often a lock lost with its connection is asked for again. */
const RETAKE_EVERY_MS = 5_000;

export type Sharing = 'alone' | 'cluster';

function refusal(sharing: Sharing): Error {
  return new Error(
    sharing === 'alone'
      ? 'another Chorus process is using this database. Several processes must be joined through Redis: set CHORUS_REDIS_URL on every one of them'
      : 'a Chorus process that is not joined through Redis (no CHORUS_REDIS_URL) is using this database. Stop it, or give it the same CHORUS_REDIS_URL',
  );
}

/**
 * Connects and takes the lock, trying again until `waitMs` has passed; the connection, or
 * null if another process holds the lock.
 */
async function take(
  connectionString: string,
  sharing: Sharing,
  waitMs: number,
): Promise<pg.Client | null> {
  // Keep-alive, so that the lock of a process whose machine vanished ends with its
  // connection in minutes rather than when TCP gives up.
  const client = new pg.Client({ connectionString, keepAlive: true });
  client.on('error', () => {});
  const fn = sharing === 'alone' ? 'pg_try_advisory_lock' : 'pg_try_advisory_lock_shared';
  const giveUpAt = Date.now() + waitMs;
  try {
    await client.connect();
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT ${fn}(${PROCESS_LOCK}) AS locked`,
      );
      if (rows[0]?.locked === true) return client;
      if (Date.now() >= giveUpAt) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  await client.end();
  return null;
}

/**
 * This process's hold on the database. If the lock's connection drops (PostgreSQL
 * restarted, a network cut), the lock went with it: it is asked for again every 5 s, and
 * `problem` says so meanwhile (the health check reports it), since another process could
 * take it in between.
 */
export class ProcessLock {
  #client: pg.Client | null;
  #retake: NodeJS.Timeout | null = null;
  #closed = false;
  #problem: string | null = null;

  private constructor(
    client: pg.Client,
    private readonly connectionString: string,
    private readonly sharing: Sharing,
    private readonly retakeEveryMs: number,
    private readonly onLost: (problem: string) => void,
  ) {
    this.#client = client;
    this.#watch(client);
  }

  static async take(
    connectionString: string,
    sharing: Sharing,
    options: {
      waitMs?: number;
      retakeEveryMs?: number;
      onLost?: (problem: string) => void;
    } = {},
  ): Promise<ProcessLock> {
    const client = await take(connectionString, sharing, options.waitMs ?? LOCK_WAIT_MS);
    if (!client) throw refusal(sharing);
    return new ProcessLock(
      client,
      connectionString,
      sharing,
      options.retakeEveryMs ?? RETAKE_EVERY_MS,
      options.onLost ?? (() => {}),
    );
  }

  /** Why this process may not hold the database alone as it should; null when it does. */
  get problem(): string | null {
    return this.#problem;
  }

  #watch(client: pg.Client): void {
    client.once('end', () => {
      if (this.#closed || this.#client !== client) return;
      this.#client = null;
      this.#problem = 'the connection holding the process lock on the database was lost';
      this.onLost(this.#problem);
      this.#scheduleRetake();
    });
  }

  #scheduleRetake(): void {
    this.#retake = setTimeout(() => void this.#tryRetake(), this.retakeEveryMs);
    this.#retake.unref();
  }

  async #tryRetake(): Promise<void> {
    this.#retake = null;
    if (this.#closed) return;
    try {
      const client = await take(this.connectionString, this.sharing, 0);
      if (this.#closed) {
        await client?.end();
        return;
      }
      if (client) {
        this.#client = client;
        this.#problem = null;
        this.#watch(client);
        return;
      }
      this.#problem = `the process lock on the database was lost, and now ${refusal(this.sharing).message}`;
      this.onLost(this.#problem);
    } catch {
      // Not reachable yet: asked again below.
    }
    this.#scheduleRetake();
  }

  async release(): Promise<void> {
    this.#closed = true;
    if (this.#retake) clearTimeout(this.#retake);
    await this.#client?.end().catch(() => {});
    this.#client = null;
  }
}
