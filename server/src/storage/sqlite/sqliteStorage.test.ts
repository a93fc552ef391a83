import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/testServer.ts';
import { confirmedUser, seedWorkspace, storageContract } from '../contract.ts';
import { migrations } from './schema.ts';
import { openSqliteStorage } from './sqliteStorage.ts';

storageContract('SQLite (file, WAL)', async () =>
  openSqliteStorage({ filename: path.join(tempDir(), 'chorus.db') }),
);

storageContract('SQLite (file, WAL, commits on a writer thread)', async () =>
  openSqliteStorage({ filename: path.join(tempDir(), 'chorus.db'), writerThread: true }),
);

describe('SQLite specifics', () => {
  it('stores the sequence numbers the caller gives, refusing a duplicate', async () => {
    const storage = openSqliteStorage({ filename: ':memory:' });
    const now = Date.now();
    const row = (seq: number) => ({
      documentId: 'd1',
      seq,
      createdAt: now,
      accountId: null,
      update: new Uint8Array([seq]),
    });
    expect(await storage.journal.append([row(5), row(9)])).toEqual([5, 9]);
    await expect(storage.journal.append([row(10), row(5)])).rejects.toThrow();
    expect(await storage.journal.countRows('d1')).toBe(2);
    await storage.close();
  });

  it('keeps a quarantined row, with its bytes, author and reason, for inspection', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const storage = openSqliteStorage({ filename: file });
    await seedWorkspace(storage, {
      userId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
      workspaceId: 'w1',
      documentIds: ['d1'],
    });
    const now = Date.now();
    await storage.journal.append([
      {
        documentId: 'd1',
        seq: 2,
        createdAt: now,
        accountId: 'u1aaaaaaaaaaaaaaaaaaaaaa',
        update: new Uint8Array([9, 9, 9]),
      },
    ]);
    await storage.journal.quarantine('d1', 2, 'cannot apply: unexpected end of array');
    const raw = new Database(file, { readonly: true });
    const kept = raw
      .prepare('SELECT seq, account_id, update_bytes, reason FROM quarantine WHERE document_id = ?')
      .all('d1') as { seq: number; account_id: string; update_bytes: Buffer; reason: string }[];
    raw.close();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      seq: 2,
      account_id: 'u1aaaaaaaaaaaaaaaaaaaaaa',
      reason: 'cannot apply: unexpected end of array',
    });
    expect([...(kept[0]?.update_bytes ?? [])]).toEqual([9, 9, 9]);
    await storage.close();
  });

  it('the audit log cannot be updated or deleted, even with direct SQL', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const storage = openSqliteStorage({ filename: file });
    await storage.audit.append({
      at: 1,
      actorId: 'u1',
      workspaceId: null,
      action: 'auth.signin',
      target: null,
      details: {},
      ip: null,
    });
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    raw.close();
    expect(await storage.audit.forActor('u1', 10)).toHaveLength(1);
    await storage.close();
  });

  it('runs in WAL mode with synchronous=FULL by default', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const storage = openSqliteStorage({ filename: file });
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await storage.close();
  });

  it("an older database keeps its journal rows, with no recorded role, and records new writers' roles", async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const old = new Database(file);
    const roles = migrations.findIndex((sql) =>
      sql.includes('ALTER TABLE journal ADD COLUMN participant_role'),
    );
    for (const sql of migrations.slice(0, roles)) old.exec(sql);
    old.pragma(`user_version = ${roles}`);
    old
      .prepare(
        "INSERT INTO journal (document_id, seq, created_at, account_id, update_bytes) VALUES ('d', 1, 0, 'a', ?)",
      )
      .run(Buffer.from([0, 0]));
    old
      .prepare(
        "INSERT INTO client_ids (document_id, client_id, account_id, first_seen) VALUES ('d', 5, 'a', 0)",
      )
      .run();
    old.close();
    const storage = openSqliteStorage({ filename: file });
    expect((await storage.journal.load('d')).rows).toEqual([
      { seq: 1, update: new Uint8Array([0, 0]) },
    ]);
    expect(await storage.journal.authorRoles('d')).toEqual(new Map());
    await storage.journal.append(
      [
        {
          documentId: 'd',
          seq: 2,
          createdAt: 1,
          accountId: 'b',
          participantRole: 'carer',
          update: new Uint8Array([0, 0]),
        },
      ],
      [{ documentId: 'd', clientId: 6, accountId: 'b', firstSeen: 1, participantRole: 'carer' }],
    );
    expect(await storage.journal.authorRoles('d')).toEqual(new Map([['b', 'carer']]));
    await storage.close();
    const raw = new Database(file);
    expect(
      raw
        .prepare("SELECT seq, participant_role FROM journal WHERE document_id = 'd' ORDER BY seq")
        .all(),
    ).toEqual([
      { seq: 1, participant_role: null },
      { seq: 2, participant_role: 'carer' },
    ]);
    raw.close();
  });

  it('an evaluation agreed before moderation rounds existed keeps its agreed scores, as round 1', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const old = new Database(file);
    const rounds = migrations.findIndex((sql) => sql.includes('evaluation_agreed_before_rounds'));
    for (const sql of migrations.slice(0, rounds)) old.exec(sql);
    old.pragma(`user_version = ${rounds}`);
    old.exec(`
      INSERT INTO users (id, name, email, password_hash, created_at) VALUES ('u', 'U', 'u@x', 'h', 0);
      INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0);
      INSERT INTO documents (id, workspace_id, title, kind, created_by, created_at, updated_at)
        VALUES ('d', 'w', 'D', 'procurement_evaluation', 'u', 0, 0);
      INSERT INTO evaluations (document_id, state, setup, panel, updated_at)
        VALUES ('d', 'moderation', '{"criteria":[],"bids":[]}', '[]', 0);
      INSERT INTO evaluation_agreed
        (document_id, bid_id, criterion_id, score, rationale, reason, agreed_by, agreed_at)
        VALUES ('d', 'b', 'c', 3, 'Agreed.', NULL, 'u', 7);
    `);
    old.close();
    const storage = openSqliteStorage({ filename: file });
    expect(await storage.evaluations.get('d')).toMatchObject({ state: 'moderation', round: 1 });
    expect(await storage.evaluations.agreedScores('d')).toEqual([
      {
        round: 1,
        bidId: 'b',
        criterionId: 'c',
        score: 3,
        rationale: 'Agreed.',
        reason: null,
        agreedBy: 'u',
        agreedAt: 7,
      },
    ]);
    await storage.close();
  });

  it('an older database keeps each current declaration as its member’s one recorded declaration', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const old = new Database(file);
    const history = migrations.findIndex((sql) =>
      sql.includes('CREATE TABLE evaluation_declaration_history'),
    );
    for (const sql of migrations.slice(0, history)) old.exec(sql);
    old.pragma(`user_version = ${history}`);
    old.exec(`
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
    old.close();
    const storage = openSqliteStorage({ filename: file });
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
    const file = path.join(tempDir(), 'chorus.db');
    const old = new Database(file);
    const confirmations = migrations.findIndex((sql) => sql.includes('email_confirmed_at'));
    for (const sql of migrations.slice(0, confirmations)) old.exec(sql);
    old.pragma(`user_version = ${confirmations}`);
    old.exec(
      "INSERT INTO users (id, name, email, password_hash, created_at) VALUES ('a', 'A', 'a@example.org', 'h', 0)",
    );
    old.close();
    const storage = openSqliteStorage({ filename: file });
    expect((await storage.users.findById('a'))?.emailConfirmedAt).toBeNull();
    await confirmedUser(storage, 'a');
    expect((await storage.users.findById('a'))?.emailConfirmedAt).toEqual(expect.any(Number));
    await storage.close();
  });

  it('an older database gets colour slots for its members in the order they joined', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const old = new Database(file);
    const colourSlots = migrations.findIndex((sql) => sql.includes('color_slot'));
    for (const sql of migrations.slice(0, colourSlots)) old.exec(sql);
    old.pragma(`user_version = ${colourSlots}`);
    old.exec("INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0), ('v', 'V', 0)");
    const addUser = old.prepare(
      "INSERT INTO users (id, name, email, password_hash, created_at) VALUES (?, ?, ?, 'h', 0)",
    );
    for (const user of ['a', 'b', 'c', 'd']) addUser.run(user, user, `${user}@example.org`);
    const join = old.prepare(
      "INSERT INTO memberships (workspace_id, user_id, permission, created_at) VALUES (?, ?, 'editor', ?)",
    );
    // b and d joined w at the same moment; v's members are numbered apart from w's.
    for (const [workspace, user, joined] of [
      ['w', 'c', 30],
      ['w', 'a', 10],
      ['w', 'd', 20],
      ['w', 'b', 20],
      ['v', 'c', 5],
      ['v', 'b', 40],
    ] as const) {
      join.run(workspace, user, joined);
    }
    old.close();
    const storage = openSqliteStorage({ filename: file });
    const slotsIn = async (workspace: string) =>
      Object.fromEntries(
        (await storage.workspaces.listMembers(workspace)).map((m) => [m.userId, m.colorSlot]),
      );
    expect(await slotsIn('w')).toEqual({ a: 0, b: 1, d: 2, c: 3 });
    expect(await slotsIn('v')).toEqual({ c: 0, b: 1 });
    await storage.close();
  });
});

describe.each([
  ['inline', false],
  ['on the writer thread', true],
])('journal commits %s', (_, writerThread) => {
  const row = (seq: number) => ({
    documentId: 'd',
    seq,
    createdAt: seq,
    accountId: null,
    update: new Uint8Array([seq]),
  });
  const open = () => {
    const file = path.join(tempDir(), 'chorus.db');
    return { file, storage: openSqliteStorage({ filename: file, writerThread }) };
  };

  it('acknowledge a batch only once another connection can read it', async () => {
    const { file, storage } = open();
    // Many batches in flight at once: each is on disk when its promise resolves.
    await Promise.all(Array.from({ length: 50 }, (_, i) => storage.journal.append([row(i + 1)])));
    const raw = new Database(file, { readonly: true });
    const seqs = raw
      .prepare<[], { seq: number }>("SELECT seq FROM journal WHERE document_id = 'd' ORDER BY seq")
      .all()
      .map((r) => r.seq);
    raw.close();
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await storage.close();
  });

  it('reject a batch that cannot be committed, and store nothing of it', async () => {
    const { storage } = open();
    await storage.journal.append([row(1)]);
    // Seq 2 is new but seq 1 repeats: the whole transaction must roll back.
    await expect(storage.journal.append([row(2), row(1)])).rejects.toThrow(
      /UNIQUE constraint failed/,
    );
    expect(await storage.journal.countRows('d')).toBe(1);
    // Committing keeps working after a failed batch.
    await storage.journal.append([row(2)]);
    expect(await storage.journal.countRows('d')).toBe(2);
    await storage.close();
  });
});
