import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../storage/sqlite/sqliteStorage.ts';
import type { Storage } from '../../storage/types.ts';
import { type ChildServer, freePort, startChildServer } from '../../test/childServer.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { startTestPostgres, type TestPostgres } from '../../test/postgres.ts';
import { anchorAround, occurrences } from '../../test/suggestions.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { tempDir } from '../../test/testServer.ts';

/**
 * Accepting a suggestion is two writes, the decision and the words. A server process
 * killed (SIGKILL) between them must leave, after a restart, either the words written once
 * and the suggestion accepted, or no words and the suggestion offered again; never
 * "Accepted" without the words, never the words twice.
 */

const QUOTE = 'by letter only';
const SUGGESTED = 'by letter, text or phone';
const BEFORE = 'Appointments are offered by letter only.';
const AFTER = 'Appointments are offered by letter, text or phone.';

/** A server running as its own process, which a test kills and starts again. */
interface Running {
  port: number;
  dataDir: string;
  env: Record<string, string>;
  child: ChildServer;
}

/** A document with a patient's suggestion in it, open in a clinician's y-websocket client. */
interface Scene {
  owner: TestUser;
  patient: TestUser;
  clinician: TestUser;
  documentId: string;
  threadId: string;
  writer: TestClient;
}

const children: ChildServer[] = [];
const clients: TestClient[] = [];

async function start(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const dataDir = tempDir('chorus-suggestion-crash-');
  const child = await startChildServer(port, dataDir, env);
  children.push(child);
  return { port, dataDir, env, child };
}

async function kill(server: Running): Promise<void> {
  server.child.process.kill('SIGKILL');
  await server.child.exited;
}

async function restart(server: Running): Promise<void> {
  server.child = await startChildServer(server.port, server.dataDir, server.env);
  children.push(server.child);
}

async function setUp(server: Running): Promise<Scene> {
  const url = server.child.url;
  const owner = await buildUser(url, 'Olive Owner');
  const patient = await buildUser(url, 'Pat Patient');
  const clinician = await buildUser(url, 'Cleo Clinician');
  const ws = await call(url, 'POST', '/workspaces', {
    body: { name: 'Eye screening' },
    cookie: owner.cookie,
  });
  const workspaceId = ws.json.workspace.id;
  for (const [who, permission, participantRole] of [
    [patient, 'commenter', 'patient'],
    [clinician, 'editor', 'clinician'],
  ] as const) {
    await call(url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: who.email, permission, participantRole },
      cookie: owner.cookie,
    });
  }
  const documentId = (
    await call(url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Pathway', kind: 'service_design' },
      cookie: owner.cookie,
    })
  ).json.document.id;
  const writer = connectClient(url, documentId, clinician.cookie, { chorus: true });
  clients.push(writer);
  await waitSynced(writer);
  appendParagraph(writer.doc, BEFORE);
  await eventually(() => expect(writer.saved()).toBeGreaterThan(0));
  const made = await call(url, 'POST', `/documents/${documentId}/suggestions`, {
    cookie: patient.cookie,
    body: { anchor: anchorAround(writer.doc, QUOTE), quote: QUOTE, text: SUGGESTED },
  });
  expect(made.status).toBe(201);
  return { owner, patient, clinician, documentId, threadId: made.json.id, writer };
}

/** Accepts as the clinician; the answer, or null if the server died before giving one. */
const accept = (server: Running, scene: Scene) =>
  call(
    server.child.url,
    'PUT',
    `/documents/${scene.documentId}/suggestions/${scene.threadId}/decision`,
    { cookie: scene.clinician.cookie, body: { outcome: 'accepted' } },
  ).catch(() => null);

/** The suggestion as the comments panel shows it. */
async function suggestion(server: Running, scene: Scene) {
  const { json } = await call(server.child.url, 'GET', `/documents/${scene.documentId}/threads`, {
    cookie: scene.owner.cookie,
  });
  return json.threads.find((t: { id: string }) => t.id === scene.threadId)?.suggestion;
}

/** The document as the restarted server serves it to someone who just opened it. */
async function served(server: Running, scene: Scene): Promise<string> {
  const reader = connectClient(server.child.url, scene.documentId, scene.owner.cookie);
  clients.push(reader);
  await waitSynced(reader);
  const text = reader.text();
  reader.destroy();
  return text;
}

async function suggestionsAccepted(server: Running, scene: Scene): Promise<number> {
  const { json } = await call(server.child.url, 'GET', `/documents/${scene.documentId}/report`, {
    cookie: scene.owner.cookie,
  });
  // Someone who has contributed nothing is not listed.
  return (
    json.report.people.find((p: { accountId: string }) => p.accountId === scene.patient.id)
      ?.suggestionsAccepted ?? 0
  );
}

/** After a restart: the words are not written, and accepting again writes them once. */
async function expectOfferedAgainThenAcceptedOnce(server: Running, scene: Scene) {
  expect(await suggestion(server, scene)).toMatchObject({ outcome: null, decided: null });
  const text = await served(server, scene);
  expect(text).toContain(BEFORE);
  expect(occurrences(text, SUGGESTED)).toBe(0);
  expect(await suggestionsAccepted(server, scene)).toBe(0);

  const again = await accept(server, scene);
  expect(again?.status).toBe(200);
  await expectAcceptedOnce(server, scene);
}

/** After a restart: the suggestion reads accepted, its words are written exactly once. */
async function expectAcceptedOnce(server: Running, scene: Scene) {
  expect(await suggestion(server, scene)).toMatchObject({
    outcome: 'accepted',
    decided: { byName: 'Cleo Clinician' },
  });
  const text = await served(server, scene);
  expect(text).toContain(AFTER);
  expect(occurrences(text, SUGGESTED)).toBe(1);
  expect(await suggestionsAccepted(server, scene)).toBe(1);
  // The clinician's client, reconnected, holds the same text (the words once).
  await eventually(() => expect(scene.writer.text()).toBe(text), 15_000);
  // Decided once.
  const late = await call(
    server.child.url,
    'PUT',
    `/documents/${scene.documentId}/suggestions/${scene.threadId}/decision`,
    { cookie: scene.owner.cookie, body: { outcome: 'rejected' } },
  );
  expect(late.status).toBe(409);
}

afterAll(() => {
  for (const c of clients) c.destroy();
  for (const c of children) c.process.kill('SIGKILL');
});

/**
 * On PostgreSQL the server is killed for real inside the window: the test holds a lock
 * that stops the server's journal commit (or its settling) where it is, sees the decision
 * recorded, and kills the process there.
 */
describe('accepting a suggestion, with the server killed part way (PostgreSQL, SIGKILL)', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 60_000);
  afterAll(() => postgres?.stop());

  const connect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  };
  /**
   * How many of the database's other connections there are, or are waiting for a lock.
   * Inside a transaction PostgreSQL keeps showing the activity it first read: cleared.
   */
  const others = async (db: pg.Client, waiting: 'waiting for a lock' | 'all') => {
    await db.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await db.query(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND (wait_event_type = 'Lock' OR $1)`,
      [waiting === 'all'],
    );
    return Number(rows[0].n);
  };
  const waitingForLock = (db: pg.Client) => others(db, 'waiting for a lock');
  const outcomeOf = async (db: pg.Client, threadId: string) =>
    (
      await db.query(
        'SELECT suggestion_outcome, suggestion_client_id FROM comment_threads WHERE id = $1',
        [threadId],
      )
    ).rows[0] as { suggestion_outcome: string | null; suggestion_client_id: number | null };
  /**
   * A killed process's connection that is waiting for a lock is not noticed by PostgreSQL
   * until the lock is granted, and its statement would then run: end those first, as
   * PostgreSQL does once it sees the client gone.
   */
  const endOrphans = async (db: pg.Client) => {
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await eventually(async () => expect(await others(db, 'all')).toBe(0));
  };

  it('killed after the decision was recorded, before the words were committed: after restart the suggestion is offered again, and accepting it writes the words once', async () => {
    const url = await postgres.freshDatabase();
    const server = await start({ CHORUS_DATABASE_URL: url });
    const scene = await setUp(server);
    const db = await connect(url);
    try {
      // The server's next journal commit waits behind this lock.
      await db.query('BEGIN');
      await db.query('LOCK TABLE journal IN EXCLUSIVE MODE');
      const answer = accept(server, scene);
      await eventually(async () => {
        expect((await outcomeOf(db, scene.threadId)).suggestion_outcome).toBe('accepting');
        expect(await waitingForLock(db)).toBeGreaterThan(0);
      });
      await kill(server);
      expect(await answer).toBeNull();
      await endOrphans(db);
      await db.query('ROLLBACK');
    } finally {
      await db.end();
    }
    await restart(server);
    await expectOfferedAgainThenAcceptedOnce(server, scene);
  }, 90_000);

  it('killed after the words were committed, before the acceptance was recorded: after restart it reads accepted, with the words written once', async () => {
    const url = await postgres.freshDatabase();
    const server = await start({ CHORUS_DATABASE_URL: url });
    const scene = await setUp(server);
    const journalLock = await connect(url);
    const threadLock = await connect(url);
    try {
      await journalLock.query('BEGIN');
      await journalLock.query('LOCK TABLE journal IN EXCLUSIVE MODE');
      const answer = accept(server, scene);
      let clientId = 0;
      await eventually(async () => {
        const now = await outcomeOf(journalLock, scene.threadId);
        expect(now.suggestion_outcome).toBe('accepting');
        clientId = now.suggestion_client_id ?? 0;
        expect(await waitingForLock(journalLock)).toBeGreaterThan(0);
      });
      // Settling waits behind this row lock; the words' commit goes through.
      await threadLock.query('BEGIN');
      await threadLock.query('SELECT 1 FROM comment_threads WHERE id = $1 FOR UPDATE', [
        scene.threadId,
      ]);
      await journalLock.query('COMMIT');
      await eventually(async () => {
        const registered = await threadLock.query(
          'SELECT account_id FROM client_ids WHERE document_id = $1 AND client_id = $2',
          [scene.documentId, clientId],
        );
        expect(registered.rows).toEqual([{ account_id: scene.patient.id }]);
        expect(await waitingForLock(threadLock)).toBeGreaterThan(0);
      });
      expect((await outcomeOf(threadLock, scene.threadId)).suggestion_outcome).toBe('accepting');
      await kill(server);
      expect(await answer).toBeNull();
      await journalLock.end();
      await endOrphans(threadLock);
      await threadLock.query('ROLLBACK');
    } finally {
      await threadLock.end();
      await journalLock.end().catch(() => {});
    }
    await restart(server);
    await expectAcceptedOnce(server, scene);
  }, 90_000);
});

/**
 * SQLite has no lock that stops one write and not another, so the kill happens while the
 * server is idle and the database is then put in the state a kill inside the window leaves
 * (which is all a restarted server can see of it).
 */
describe('accepting a suggestion, with the server killed part way (SQLite, the state a SIGKILL leaves)', () => {
  const open = (server: Running): Storage =>
    openSqliteStorage({ filename: path.join(server.dataDir, 'chorus.db') });

  it('decision recorded, words never committed: after restart the suggestion is offered again, and accepting it writes the words once', async () => {
    const server = await start({});
    const scene = await setUp(server);
    await kill(server);
    const storage = open(server);
    // A client id with nothing under it: the words the decision was for never arrived.
    expect(
      await storage.comments.decideSuggestion(scene.documentId, scene.threadId, {
        outcome: 'accepting',
        by: scene.clinician.id,
        at: Date.now(),
        clientId: 0x7ff0_0001,
      }),
    ).toBe(true);
    await storage.close();
    await restart(server);
    await expectOfferedAgainThenAcceptedOnce(server, scene);
  }, 60_000);

  it('words committed, acceptance not recorded: after restart it reads accepted, with the words written once', async () => {
    const server = await start({});
    const scene = await setUp(server);
    expect((await accept(server, scene))?.status).toBe(200);
    await eventually(() => expect(scene.writer.text()).toContain(AFTER));
    await kill(server);
    // Back to the moment between the words' commit and the acceptance being recorded.
    const db = new Database(path.join(server.dataDir, 'chorus.db'));
    const rewound = db
      .prepare(
        `UPDATE comment_threads SET suggestion_outcome = 'accepting', resolved_at = NULL,
             resolved_by = NULL
           WHERE id = ? AND suggestion_outcome = 'accepted' AND suggestion_client_id IS NOT NULL`,
      )
      .run(scene.threadId);
    db.close();
    expect(rewound.changes).toBe(1);
    await restart(server);
    await expectAcceptedOnce(server, scene);
  }, 60_000);
});
