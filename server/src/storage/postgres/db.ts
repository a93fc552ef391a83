import pg from 'pg';
import { postgresMigrations } from './schema.ts';

/** A pool or one of its checked-out clients: whatever runs a query. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

// BIGINT (int8) and COUNT(*) arrive as strings by default, to be safe beyond 2^53. Every
// BIGINT here is a millisecond time, a sequence number or a Yjs client id or clock, all
// far below 2^53, so they are read as numbers, like SQLite returns them.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, types });
  // An idle client's connection dropped by the server would otherwise be an uncaught
  // 'error' event and end the process; the next query reports it instead.
  pool.on('error', () => {});
  return pool;
}

export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

export async function first<T>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<T | null> {
  return ((await db.query(sql, params)).rows[0] as T | undefined) ?? null;
}

/** Rows changed by a write. */
export async function changes(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query(sql, params)).rowCount ?? 0;
}

/** Runs `fn` in one transaction on one connection: all of it commits, or none. */
export async function transaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Brings the schema up to date. Several server processes may start at once against one
 * database: an advisory lock held for the transaction lets one migrate while the others
 * wait, then find nothing left to do.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('chorus_schema'))");
    await c.query('CREATE TABLE IF NOT EXISTS chorus_schema (version INTEGER NOT NULL)');
    const row = await first<{ version: number }>(c, 'SELECT version FROM chorus_schema');
    const current = row?.version ?? 0;
    if (current > postgresMigrations.length) {
      throw new Error(
        `The database's schema (version ${current}) is newer than this Chorus (${postgresMigrations.length}): run a newer Chorus against it.`,
      );
    }
    for (let version = current; version < postgresMigrations.length; version++) {
      const sql = postgresMigrations[version];
      if (sql !== undefined) await c.query(sql);
    }
    if (row === null) {
      await c.query('INSERT INTO chorus_schema (version) VALUES ($1)', [postgresMigrations.length]);
    } else {
      await c.query('UPDATE chorus_schema SET version = $1', [postgresMigrations.length]);
    }
  });
}
