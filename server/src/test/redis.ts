import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './childServer.ts';

/**
 * A real Redis server for tests, on a free loopback port, keeping nothing on disk. Tests
 * that need it fail (never skip) when it is not installed: `scripts/install.sh --for-tests`
 * installs Debian's redis-server.
 */
export interface TestRedis {
  url: string;
  /** Stops it (as an outage would); `start()` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes it (SIGSTOP) without closing its connections, as a hung server would; `resume()` thaws it. */
  pause(): void;
  resume(): void;
}

const REDIS = process.env.CHORUS_REDIS_SERVER ?? 'redis-server';

export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(
        REDIS,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start: ${output}`)),
        10_000,
      );
      proc.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new Error(
            `redis-server could not be started (${err.message}): these tests need a real Redis. Run \`bash scripts/install.sh --for-tests\` (Debian package redis-server), or set CHORUS_REDIS_SERVER.`,
          ),
        );
      });
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  await start();
  const signal = (name: NodeJS.Signals) => {
    (child as ChildProcess | null)?.kill(name);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
  };
}
