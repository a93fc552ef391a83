import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../config.ts';
import { type Logger, memoryLogger } from '../logger.ts';
import { type RunningServer, startServer } from '../server.ts';

/** The site origin test servers are configured with; clients send it as their Origin. */
export const TEST_ORIGIN = 'http://localhost:3000';

/** A fresh directory under the run's temporary folder (removed when the run ends). */
export function tempDir(prefix = 'chorus-test-'): string {
  return fs.mkdtempSync(path.join(process.env.CHORUS_TEST_TMP ?? os.tmpdir(), prefix));
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    CHORUS_ORIGIN: TEST_ORIGIN,
    CHORUS_DATA_DIR: tempDir(),
    CHORUS_IDLE_UNLOAD_MS: '200',
    // Tests make many accounts from loopback; the sign-up throttle has its own test.
    CHORUS_SIGNUP_MAX_PER_IP: '1000000',
    ...overrides,
  });
}

export interface TestServer extends RunningServer {
  logger: ReturnType<typeof memoryLogger>;
  config: Config;
}

/** Starts a real server on a free loopback port with its own temporary database. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const logger = memoryLogger();
  const running = await startServer(config, logger as Logger);
  return { ...running, logger, config };
}
