/**
 * `--pin`: the server under test gets a core of its own, and the load generators (and this
 * orchestrating process) share the others. Unpinned, every process competes for the same
 * cores, and a server's p99 then also measures how often the scheduler preempts it for a
 * generator. Linux only (`taskset` from util-linux); threads a process starts later
 * inherit its placement.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

let pinned = false;

/** The server's core and the generators' cores, or why pinning cannot be done here. */
export function cores(): { server: string; generators: string } | { error: string } {
  const n = os.availableParallelism();
  if (n < 2) return { error: `--pin needs at least 2 cores; this machine has ${n}` };
  return { server: String(n - 1), generators: n === 2 ? '0' : `0-${n - 2}` };
}

/** Pins this process to the generators' cores from now on; throws with a fix if it cannot. */
export function pinFromNowOn(): void {
  const c = cores();
  if ('error' in c) throw new Error(c.error);
  const r = spawnSync('taskset', ['-a', '-p', '-c', c.generators, String(process.pid)], {
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) {
    throw new Error(
      `--pin could not run taskset (${r.error?.message ?? r.stderr.trim()}); install util-linux or run without --pin`,
    );
  }
  pinned = true;
}

/** The command line that starts `file args` on its role's cores (unchanged unless pinned). */
export function placed(
  role: 'server' | 'generator',
  file: string,
  args: string[],
): { file: string; args: string[] } {
  const c = cores();
  if (!pinned || 'error' in c) return { file, args };
  return {
    file: 'taskset',
    args: ['-c', role === 'server' ? c.server : c.generators, file, ...args],
  };
}
