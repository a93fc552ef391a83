import { CloseCode, closedTextProblem } from '@chorus/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleRecord } from '../../storage/types.ts';
import { buildDocument, buildUser, call, type TestUser } from '../../test/factories.ts';
import { reopenPlan } from '../../test/lifecycle.ts';
import { startTestPostgres, type TestPostgres } from '../../test/postgres.ts';
import { anchorAround } from '../../test/suggestions.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/**
 * Closing a document writes its status, and only then are open connections re-checked (a
 * few milliseconds later here, a Redis message away on another process). An edit, or a
 * server edit whose check ran just before, that reaches the journal in between is refused
 * by the journal's commit itself, which reads the status in its own transaction. These
 * tests hold that window open by writing the closing through the storage directly, so no
 * re-check ever comes, on each journal backend.
 */
const backends: {
  name: string;
  env: (pgUrl: () => Promise<string>) => Promise<Record<string, string>>;
}[] = [
  { name: 'SQLite, committed on the main thread', env: async () => ({}) },
  {
    name: 'SQLite, committed on the writer thread',
    env: async () => ({ CHORUS_JOURNAL_THREAD: 'writer' }),
  },
  { name: 'PostgreSQL', env: async (pgUrl) => ({ CHORUS_DATABASE_URL: await pgUrl() }) },
];

describe.each(backends)('an edit in the closing’s window ($name)', ({ name, env }) => {
  let postgres: TestPostgres | null = null;
  let server: TestServer;
  let owner: TestUser;
  let editor: TestUser;
  let patient: TestUser;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const pgUrl = async () => {
      postgres = await startTestPostgres();
      return postgres.freshDatabase();
    };
    server = await startTestServer(await env(pgUrl));
    owner = await buildUser(server.url, 'Olive Owner');
    editor = await buildUser(server.url, 'Ed Editor');
    patient = await buildUser(server.url, 'Pat Patient');
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
    postgres?.stop();
  });

  /** An improvement plan with the editor and the patient (a commenter) as members. */
  async function plan(): Promise<string> {
    const members = [
      { user: editor, permission: 'editor', participantRole: 'clinician' },
      { user: patient, permission: 'commenter', participantRole: 'patient' },
    ];
    return (await buildDocument(server.url, owner, members, 'improvement_plan')).documentId;
  }

  const connect = (documentId: string, user: TestUser) => {
    const c = connectClient(server.url, documentId, user.cookie, { chorus: true });
    clients.push(c);
    return c;
  };

  /** Each close of the client's sockets, with its counters on the connection that closed. */
  const closes = (client: TestClient) => {
    const seen: { code: number; sent: number; saved: number }[] = [];
    client.provider.on('connection-close', (e) => {
      if (e) seen.push({ code: e.code, sent: client.sent(), saved: client.saved() });
    });
    return seen;
  };

  /**
   * Writes the closing as the status change does (one transaction, with the row locks it
   * takes), but tells nobody: the server's connections are never re-checked.
   */
  async function closeBehindTheServersBack(
    documentId: string,
    before: LifecycleRecord | null = null,
  ): Promise<LifecycleRecord> {
    const closed: LifecycleRecord = {
      documentId,
      status: 'closed',
      leads: before?.leads ?? {},
      approvals: before?.approvals ?? {},
      version: (before?.version ?? 0) + 1,
      changedAt: Date.now(),
      changedBy: owner.id,
    };
    expect(await server.storage.lifecycles.save(closed)).toBe(true);
    return closed;
  }

  /**
   * Runs `request` while every check of the document's status reads it as it was, with the
   * closing written as the first of them returns: the checks ran just before the closing.
   */
  async function closedDuringItsChecks<T>(documentId: string, request: () => Promise<T>) {
    const lifecycles = server.storage.lifecycles;
    const get = lifecycles.get;
    const asItWas = await get.call(lifecycles, documentId);
    let closing: Promise<LifecycleRecord> | null = null;
    lifecycles.get = async (id) => {
      if (id !== documentId) return get.call(lifecycles, id);
      closing ??= closeBehindTheServersBack(documentId, asItWas);
      await closing;
      return asItWas;
    };
    try {
      return await request();
    } finally {
      lifecycles.get = get;
      expect(closing).not.toBeNull();
    }
  }

  const settle = async () => {
    await server.sync.flushed();
    await new Promise((r) => setTimeout(r, 200));
    await server.sync.flushed();
  };

  it('is not stored, relayed or confirmed; its sender is refused as while closed; everyone keeps their socket, document and presence', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    const o = connect(documentId, owner);
    await Promise.all([waitSynced(e), waitSynced(o)]);
    e.provider.awareness.setLocalStateField('cursor', null);
    appendParagraph(e.doc, 'written while it was open');
    await eventually(() => expect(o.text()).toContain('written while it was open'));
    await eventually(() => expect(e.saved()).toBe(e.sent()));
    await eventually(() => expect(o.provider.awareness.getStates().has(e.doc.clientID)).toBe(true));
    const eCloses = closes(e);
    const oCloses = closes(o);
    const statusNotices = e.notices().filter((t) => t === 'status').length;
    await closeBehindTheServersBack(documentId, await server.storage.lifecycles.get(documentId));
    const rowsBefore = await server.storage.journal.countRows(documentId);

    appendParagraph(e.doc, 'typed in the window');
    await eventually(() =>
      expect(
        server.logger.entries.some(
          (l) => l.event === 'sync.refused_closed' && l.fields.documentId === documentId,
        ),
      ).toBe(true),
    );
    // Its page is told to read the status again (it says the document is closed, and that
    // what was typed last may not have been saved: it is never confirmed).
    await eventually(() =>
      expect(e.notices().filter((t) => t === 'status').length).toBeGreaterThan(statusNotices),
    );
    await settle();

    // Not stored, not relayed, not confirmed.
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    expect(o.text()).toContain('written while it was open');
    expect(o.text()).not.toContain('typed in the window');
    expect(e.saved()).toBeLessThan(e.sent());
    const fresh = connect(documentId, patient);
    await waitSynced(fresh);
    expect(fresh.text()).toContain('written while it was open');
    expect(fresh.text()).not.toContain('typed in the window');

    // Nobody was disconnected, and everyone is still shown, also to someone who just came.
    expect(eCloses).toEqual([]);
    expect(oCloses).toEqual([]);
    expect(e.text()).toContain('typed in the window');
    expect(o.provider.awareness.getStates().has(e.doc.clientID)).toBe(true);
    await eventually(() =>
      expect(fresh.provider.awareness.getStates().has(e.doc.clientID)).toBe(true),
    );

    // Typed now, it is refused as any edit to a closed document is, and never confirmed.
    appendParagraph(e.doc, 'typed once the server knew');
    await settle();
    expect(o.text()).not.toContain('typed once the server knew');
    expect(e.saved()).toBeLessThan(e.sent());

    // Reopened, the sender's copy holds words the document never got: it starts afresh
    // (4403), like anyone whose edits were refused while it was closed; the owner goes on
    // on the same socket.
    await reopenPlan(server.url, owner, documentId);
    await eventually(() => expect(eCloses.map((c) => c.code)).toEqual([CloseCode.forbidden]));
    appendParagraph(o.doc, 'the owner writes again');
    await eventually(() => expect(fresh.text()).toContain('the owner writes again'));
    expect(fresh.text()).not.toContain('typed in the window');
    expect(oCloses).toEqual([]);
    expect(o.generation()).toBe(1);
  });

  it('a suggestion accepted after its check but before its commit gets 409 with the closed message and changes nothing', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    await waitSynced(e);
    appendParagraph(e.doc, 'Check lying and standing blood pressure');
    await eventually(() => expect(e.saved()).toBe(e.sent()));
    const suggestion = await call(server.url, 'POST', `/documents/${documentId}/suggestions`, {
      cookie: patient.cookie,
      body: {
        anchor: anchorAround(e.doc, 'blood pressure'),
        quote: 'blood pressure',
        text: 'blood pressure, and ask about dizziness',
      },
    });
    expect(suggestion.status).toBe(201);
    const rowsBefore = await server.storage.journal.countRows(documentId);

    const accept = await closedDuringItsChecks(documentId, () =>
      call(
        server.url,
        'PUT',
        `/documents/${documentId}/suggestions/${suggestion.json.id}/decision`,
        { cookie: editor.cookie, body: { outcome: 'accepted' } },
      ),
    );
    expect(accept.status).toBe(409);
    expect(accept.json.error.message).toBe(closedTextProblem);
    await settle();

    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    const fresh = connect(documentId, owner);
    await waitSynced(fresh);
    expect(fresh.text()).toContain('Check lying and standing blood pressure');
    expect(fresh.text()).not.toContain('dizziness');
    await waitSynced(e);
    expect(e.text()).not.toContain('dizziness');
    // Still open, to be accepted once the document is reopened.
    const threads = await call(server.url, 'GET', `/documents/${documentId}/threads`, {
      cookie: editor.cookie,
    });
    const thread = threads.json.threads.find((t: { id: string }) => t.id === suggestion.json.id);
    expect(thread.suggestion.outcome).toBeNull();

    await reopenPlan(server.url, owner, documentId);
    const acceptedNow = await call(
      server.url,
      'PUT',
      `/documents/${documentId}/suggestions/${suggestion.json.id}/decision`,
      { cookie: editor.cookie, body: { outcome: 'accepted' } },
    );
    expect(acceptedNow.status).toBe(200);
    await eventually(() => expect(fresh.text()).toContain('and ask about dizziness'));
  });

  it('a version restored after its check but before its commit gets 409, changes nothing and leaves no backup', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    await waitSynced(e);
    appendParagraph(e.doc, 'Agreed aim: fewer falls');
    await eventually(() => expect(e.saved()).toBe(e.sent()));
    const saved = await call(server.url, 'POST', `/documents/${documentId}/versions`, {
      cookie: editor.cookie,
      body: { label: 'Agreed at workshop 3' },
    });
    expect(saved.status).toBe(201);
    appendParagraph(e.doc, 'Added after the workshop');
    await eventually(() => expect(e.saved()).toBe(e.sent()));
    const rowsBefore = await server.storage.journal.countRows(documentId);

    const restore = await closedDuringItsChecks(documentId, () =>
      call(
        server.url,
        'POST',
        `/documents/${documentId}/versions/${saved.json.version.id}/restore`,
        { cookie: editor.cookie },
      ),
    );
    expect(restore.status).toBe(409);
    expect(restore.json.error.message).toBe(closedTextProblem);
    await settle();

    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    const fresh = connect(documentId, owner);
    await waitSynced(fresh);
    expect(fresh.text()).toContain('Added after the workshop');
    // No "Before restoring …" version for a restore that did not happen.
    const versions = await call(server.url, 'GET', `/documents/${documentId}/versions`, {
      cookie: editor.cookie,
    });
    expect(versions.json.versions.map((v: { label: string }) => v.label)).toEqual([
      'Agreed at workshop 3',
    ]);
  });

  // Only PostgreSQL has several writers to serialise (SQLite has one, by construction).
  if (name !== 'PostgreSQL') return;
  it('a closing that commits while the journal’s commit waits for it is seen by that commit', async () => {
    const documentId = await plan();
    const e = connect(documentId, editor);
    const o = connect(documentId, owner);
    await Promise.all([waitSynced(e), waitSynced(o)]);
    const eCloses = closes(e);
    const rowsBefore = await server.storage.journal.countRows(documentId);
    const db = new pg.Client({ connectionString: server.config.databaseUrl ?? '' });
    await db.connect();
    try {
      // The status change's transaction, held open after its write: it locks the
      // document's row as lifecycles.save does.
      await db.query('BEGIN');
      await db.query('SELECT 1 FROM documents WHERE id = $1 FOR NO KEY UPDATE', [documentId]);
      await db.query(
        `INSERT INTO document_lifecycle
             (document_id, status, leads, approvals, version, changed_at, changed_by)
           VALUES ($1, 'closed', '{}', '{}', 1, $2, $3)`,
        [documentId, Date.now(), owner.id],
      );
      appendParagraph(e.doc, 'typed while the closing commits');
      // The journal's commit waits for the document's row.
      await eventually(async () => {
        await db.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await db.query(
          `SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND wait_event_type = 'Lock'`,
        );
        expect(Number(rows[0].n)).toBeGreaterThan(0);
      });
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    await eventually(() =>
      expect(
        server.logger.entries.some(
          (l) => l.event === 'sync.refused_closed' && l.fields.documentId === documentId,
        ),
      ).toBe(true),
    );
    await settle();
    expect(await server.storage.journal.countRows(documentId)).toBe(rowsBefore);
    expect(o.text()).not.toContain('typed while the closing commits');
    expect(e.saved()).toBeLessThan(e.sent());
    expect(eCloses).toEqual([]);
  });
});
