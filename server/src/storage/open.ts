import path from 'node:path';
import { type Config, ConfigError } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openPostgresStorage } from './postgres/postgresStorage.ts';
import { openSqliteStorage } from './sqlite/sqliteStorage.ts';
import type { Storage } from './types.ts';

/** Where a PostgreSQL URL points, without its password, for messages and logs. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * The storage the configuration asks for: PostgreSQL when CHORUS_DATABASE_URL is set,
 * otherwise SQLite in the data folder (the embedded default, nothing to install).
 */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  if (config.databaseUrl === null) {
    return openSqliteStorage({
      filename: path.join(config.dataDir, 'chorus.db'),
      synchronous: config.sqliteSynchronous,
      writerThread: config.journalThread === 'writer',
    });
  }
  try {
    return await openPostgresStorage({
      connectionString: config.databaseUrl,
      sharing: config.redisUrl ? 'cluster' : 'alone',
      onLockLost: (problem) => logger.log('error', 'storage.lock_lost', { problem }),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(
      `Chorus cannot start: the PostgreSQL database ${describeDatabase(config.databaseUrl)} (CHORUS_DATABASE_URL) could not be opened: ${reason}. Check the URL, that PostgreSQL is running, and that the account may create tables in that database.`,
    );
  }
}
