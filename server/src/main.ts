import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.ts';
import { consoleLogger } from './logger.ts';
import { startServer } from './server.ts';
import { describeDatabase } from './storage/open.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

try {
  const config = loadConfig({
    CHORUS_STATIC_DIR: path.resolve(here, '../../client/dist'),
    ...process.env,
  });
  const running = await startServer(config, consoleLogger);
  const where = config.databaseUrl
    ? `PostgreSQL ${describeDatabase(config.databaseUrl)}`
    : config.dataDir;
  console.log(`Chorus is running at ${config.origin} (data in ${where})`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLogger.log('info', 'server.stopping', { signal });
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        consoleLogger.log('error', 'server.stop_failed', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
