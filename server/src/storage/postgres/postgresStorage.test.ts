import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../test/postgres.ts';
import { confirmedUser, seedWorkspace, storageContract } from '../contract.ts';
import { ClientIdTaken, DocumentGone } from '../errors.ts';
import { openPostgresStorage } from './postgresStorage.ts';
import { postgresMigrations } from './schema.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(() => server?.stop());

storageContract('PostgreSQL', async () =>
  openPostgresStorage({ connectionString: await server.freshDatabase() }),
);

describe('PostgreSQL specifics', () => {
  it('several processes starting at once against one database migrate it once', async () => {
    const url = await server.freshDatabase();
    const opened = await Promise.all(
      [1, 2, 3].map(() => openPostgresStorage({ connectionString: url, sharing: 'cluster' })),
    );
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    const { rows } = await raw.query('SELECT version FROM chorus_schema');
    await raw.end();
    expect(rows).toHaveLength(1);
    for (const storage of opened) {
      expect(await storage.integrityCheck()).toBe('ok');
      await storage.close();
    }
  });

  it('refuses a second process on the database unless every process is joined through Redis', async () => {
    const url = await server.freshDatabase();
    const alone = await openPostgresStorage({ connectionString: url });
    const quick = { connectionString: url, lockWaitMs: 300 };
    await expect(openPostgresStorage(quick)).rejects.toThrow(
      /another Chorus process is using this database.*set CHORUS_REDIS_URL/,
    );
    await expect(openPostgresStorage({ ...quick, sharing: 'cluster' })).rejects.toThrow(
      /not joined through Redis/,
    );
    await alone.close();
    const a = await openPostgresStorage({ connectionString: url, sharing: 'cluster' });
    const b = await openPostgresStorage({ connectionString: url, sharing: 'cluster' });
    await expect(openPostgresStorage(quick)).rejects.toThrow(/another Chorus/);
    await a.close();
    await b.close();
  });

  it('takes its process lock again after losing the connection that held it, and reports the loss meanwhile', async () => {
    const url = await server.freshDatabase();
    const lost: string[] = [];
    const storage = await openPostgresStorage({
      connectionString: url,
      lockRetakeMs: 1_000,
      onLockLost: (problem) => lost.push(problem),
    });
    expect(await storage.integrityCheck()).toBe('ok');
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    // As a restart of PostgreSQL or a network cut would: the lock goes with its connection.
    await raw.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE query LIKE '%pg_try_advisory_lock%' AND pid <> pg_backend_pid()`,
    );
    await expect.poll(() => lost.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await storage.integrityCheck()).toMatch(/process lock on the database was lost/);
    await expect.poll(() => storage.integrityCheck(), { timeout: 10_000 }).toBe('ok');
    // Held again: a second process alone on the database is refused.
    await expect(openPostgresStorage({ connectionString: url, lockWaitMs: 300 })).rejects.toThrow(
      /another Chorus process/,
    );
    await raw.end();
    await storage.close();
  });

  it('numbers each document’s rows itself, in order, whatever the caller proposed', async () => {
    const url = await server.freshDatabase();
    const storage = await openPostgresStorage({ connectionString: url });
    await seedWorkspace(storage, { userId: 'u1', workspaceId: 'w1', documentIds: ['d1', 'd2'] });
    const now = Date.now();
    const row = (documentId: string, b: number) => ({
      documentId,
      seq: 99,
      createdAt: now,
      accountId: 'u1',
      update: new Uint8Array([b]),
    });
    // Two processes appending at once to the same documents get distinct, gapless numbers.
    const [first, second] = await Promise.all([
      storage.journal.append([row('d1', 1), row('d2', 2), row('d1', 3)]),
      storage.journal.append([row('d2', 4), row('d1', 5)]),
    ]);
    const d1 = await storage.journal.load('d1');
    expect(d1.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(d1.headSeq).toBe(4);
    expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([2, 2, 3, 3, 4]);
    expect((await storage.journal.rowsAfter('d1', 2)).map((r) => r.seq)).toEqual([3, 4]);
    // A client id another process registered first: no conflict for the same account (its
    // offline edits reaching this process), refused for another, naming the document.
    const owner = (accountId: string | null) => ({
      documentId: 'd2',
      clientId: 77,
      accountId,
      firstSeen: now,
    });
    await storage.journal.append([row('d2', 7)], [owner('u1')]);
    await expect(storage.journal.append([row('d2', 8)], [owner('u1')])).resolves.toHaveLength(1);
    const refused = await storage.journal
      .append([row('d1', 9), row('d2', 9)], [owner(null)])
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ClientIdTaken);
    expect([...(refused as ClientIdTaken).documentIds]).toEqual(['d2']);
    expect(await storage.journal.countRows('d1')).toBe(4);
    // A document erased while a commit waits for its head: refused, not numbered wrongly.
    const eraser = new pg.Client({ connectionString: url });
    await eraser.connect();
    await eraser.query('BEGIN');
    await eraser.query("SELECT * FROM journal_heads WHERE document_id = 'd2' FOR UPDATE");
    const waiting = storage.journal.append([row('d1', 10), row('d2', 10)]).catch((e) => e);
    await new Promise((r) => setTimeout(r, 200));
    await eraser.query("DELETE FROM journal_heads WHERE document_id = 'd2'");
    await eraser.query('COMMIT');
    await eraser.end();
    const refusedD2 = await waiting;
    expect(refusedD2).toBeInstanceOf(DocumentGone);
    expect([...(refusedD2 as DocumentGone).documentIds]).toEqual(['d2']);
    expect(await storage.journal.countRows('d1')).toBe(4);
    // A process that has not heard that a document was erased cannot write to it.
    await storage.workspaces.erase('w1');
    const gone = await storage.journal.append([row('d1', 6)]).catch((err: unknown) => err);
    expect(gone).toBeInstanceOf(DocumentGone);
    expect([...(gone as DocumentGone).documentIds]).toEqual(['d1']);
    await storage.close();
  });

  it('the audit log cannot be updated or deleted, even with direct SQL', async () => {
    const url = await server.freshDatabase();
    const storage = await openPostgresStorage({ connectionString: url });
    await storage.audit.append({
      at: 1,
      actorId: 'u1',
      workspaceId: null,
      action: 'auth.signin',
      target: null,
      details: { via: 'test' },
      ip: null,
    });
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await expect(raw.query("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(raw.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await raw.end();
    const kept = await storage.audit.forActor('u1', 10);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.details).toEqual({ via: 'test' });
    await storage.close();
  });

  it('an older database keeps each current declaration as its member’s one recorded declaration', async () => {
    const url = await server.freshDatabase();
    const history = postgresMigrations.findIndex((sql) =>
      sql.includes('CREATE TABLE evaluation_declaration_history'),
    );
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    for (const sql of postgresMigrations.slice(0, history)) await raw.query(sql);
    await raw.query('CREATE TABLE chorus_schema (version INTEGER NOT NULL)');
    await raw.query('INSERT INTO chorus_schema VALUES ($1)', [history]);
    await raw.query(`
      INSERT INTO users (id, name, email, password_hash, created_at) VALUES ('u', 'U', 'u@x', 'h', 0);
      INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0);
      INSERT INTO documents (id, workspace_id, title, kind, created_by, created_at, updated_at)
        VALUES ('d', 'w', 'D', 'procurement_evaluation', 'u', 0, 0);
      INSERT INTO evaluations (document_id, state, setup, panel, updated_at, names_revealed_at)
        VALUES ('d', 'scoring', '{"criteria":[],"bids":[],"anonymous":true}', '[]', 0, 20);
      -- Ann declared at 10, then again at 30 with a conflict the chair allowed: only the
      -- second's content was kept. Ben declared once, before first dates were kept.
      INSERT INTO evaluation_declarations
        (document_id, user_id, conflict, details, declared_at, lots, first_declared_at,
         exception_mitigation, exception_by, exception_at)
      VALUES
        ('d', 'ann', TRUE, 'Cousin at Provider A.', 30, '["l1"]', 10, 'Chair checks.', 'chair', 31),
        ('d', 'ben', FALSE, '', 12, NULL, NULL, NULL, NULL, NULL);
    `);
    await raw.end();
    const storage = await openPostgresStorage({ connectionString: url });
    // Each becomes the member's one recorded declaration, as it stood: Ann's first one's
    // content was never kept, so it is not made up.
    expect(await storage.evaluations.declarationHistory('d')).toEqual([
      {
        userId: 'ben',
        confidential: true,
        conflict: false,
        details: '',
        lots: null,
        declaredAt: 12,
        exception: null,
      },
      {
        userId: 'ann',
        confidential: true,
        conflict: true,
        details: 'Cousin at Provider A.',
        lots: ['l1'],
        declaredAt: 30,
        exception: { mitigation: 'Chair checks.', by: 'chair', at: 31 },
      },
    ]);
    // The current declarations are as they were, Ann's first date included.
    expect(await storage.evaluations.declarations('d')).toMatchObject([
      { userId: 'ben', declaredAt: 12, firstDeclaredAt: 12 },
      {
        userId: 'ann',
        declaredAt: 30,
        firstDeclaredAt: 10,
        exception: { mitigation: 'Chair checks.' },
      },
    ]);
    // A declaration made from now on is kept beside it.
    await storage.evaluations.declare(
      'd',
      'ben',
      { confidential: true, conflict: false, details: '', lots: null },
      40,
    );
    expect(
      (await storage.evaluations.declarationHistory('d'))
        .filter((d) => d.userId === 'ben')
        .map((d) => d.declaredAt),
    ).toEqual([12, 40]);
    await storage.close();
  });

  it('an older database’s accounts start with their email addresses unconfirmed', async () => {
    const url = await server.freshDatabase();
    const confirmations = postgresMigrations.findIndex((sql) => sql.includes('email_confirmed_at'));
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    for (const sql of postgresMigrations.slice(0, confirmations)) await raw.query(sql);
    await raw.query('CREATE TABLE chorus_schema (version INTEGER NOT NULL)');
    await raw.query('INSERT INTO chorus_schema VALUES ($1)', [confirmations]);
    await raw.query(
      "INSERT INTO users (id, name, email, password_hash, created_at) VALUES ('a', 'A', 'a@example.org', 'h', 0)",
    );
    await raw.end();
    const storage = await openPostgresStorage({ connectionString: url });
    expect((await storage.users.findById('a'))?.emailConfirmedAt).toBeNull();
    await confirmedUser(storage, 'a');
    expect((await storage.users.findById('a'))?.emailConfirmedAt).toEqual(expect.any(Number));
    await storage.close();
  });

  it('refuses a database whose schema is newer than this version, saying what to do', async () => {
    const url = await server.freshDatabase();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await raw.query('CREATE TABLE chorus_schema (version INTEGER NOT NULL)');
    await raw.query('INSERT INTO chorus_schema VALUES (999)');
    await raw.end();
    await expect(openPostgresStorage({ connectionString: url })).rejects.toThrow(
      /newer than this Chorus/,
    );
  });

  it('says which database it could not reach', async () => {
    await expect(
      openPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/none' }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
