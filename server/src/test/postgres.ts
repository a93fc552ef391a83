import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './childServer.ts';

/**
 * A real PostgreSQL server for tests: a throwaway cluster in a temporary folder, listening
 * on a free loopback port, removed at the end. Tests that need it fail (never skip) when
 * PostgreSQL is not installed: `scripts/install.sh --for-tests` installs Debian's package.
 */
export interface TestPostgres {
  /** A URL of a new, empty database of this server. */
  freshDatabase(): Promise<string>;
  stop(): void;
}

/** Where Debian puts PostgreSQL's programs (`CHORUS_PG_BIN` overrides). */
function postgresBin(): string {
  const fromEnv = process.env.CHORUS_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed: these tests start a real server. Run `bash scripts/install.sh --for-tests` (Debian package postgresql), or set CHORUS_PG_BIN to the folder holding initdb and pg_ctl.',
    );
  }
  return path.join(root, newest, 'bin');
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as the
 * `postgres` account that Debian's package creates (or `nobody`).
 */
function runAs(): { uid: number; gid: number; prefix: string[] } | null {
  if (process.getuid?.() !== 0) return null;
  for (const user of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', user], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) {
      return {
        uid: Number(id.stdout),
        gid: Number(gid.stdout),
        prefix: ['runuser', '-u', user, '--'],
      };
    }
  }
  throw new Error(
    'Running as root, and there is no postgres or nobody account to run PostgreSQL as.',
  );
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chorus-pg-'));
  const data = path.join(dir, 'data');
  const user = runAs();
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const run = (program: string, args: string[]) => {
    const [command, ...rest] = [...(user?.prefix ?? []), path.join(bin, program), ...args];
    execFileSync(command as string, rest, { stdio: 'pipe', cwd: dir });
  };
  // Trust on loopback only, in a cluster that lives as long as the test file.
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -h 127.0.0.1 -k ${dir} -c max_connections=200 -c shared_buffers=32MB`,
    'start',
  ]);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let next = 0;
  return {
    async freshDatabase() {
      const name = `chorus_test_${++next}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
