import fs from 'node:fs';
import path from 'node:path';
import type { DocumentKind } from '@chorus/shared';
import Database from 'better-sqlite3';
import type {
  DocumentRecord,
  JournalRow,
  LoadedJournal,
  MembershipRecord,
  MemberView,
  Permission,
  SessionRecord,
  Storage,
  UserRecord,
  WorkspaceRecord,
} from '../types.ts';
import { migrations } from './schema.ts';

export interface SqliteOptions {
  /** File path, or ':memory:' for tests. */
  filename: string;
  /**
   * 'FULL' (default) survives power loss; 'NORMAL' survives a killed process only.
   * Group commit per event-loop turn keeps FULL cheap, so we default to it.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface UserRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  created_at: number;
}
interface SessionRow {
  id: string;
  secret_hash: Buffer;
  user_id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
}
interface WorkspaceRow {
  id: string;
  name: string;
  created_at: number;
}
interface MembershipRow {
  workspace_id: string;
  user_id: string;
  permission: string;
  created_at: number;
}
interface DocumentRow {
  id: string;
  workspace_id: string;
  title: string;
  kind: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});
const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  secretHash: bytes(r.secret_hash),
  userId: r.user_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
});
const toWorkspace = (r: WorkspaceRow): WorkspaceRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
});
const toMembership = (r: MembershipRow): MembershipRecord => ({
  workspaceId: r.workspace_id,
  userId: r.user_id,
  permission: r.permission as Permission,
  createdAt: r.created_at,
});
const toDocument = (r: DocumentRow): DocumentRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  title: r.title,
  kind: r.kind as DocumentKind,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Opens (creating if needed) a SQLite database in WAL mode and migrates it. */
export function openSqliteStorage(options: SqliteOptions): Storage {
  if (options.filename !== ':memory:') {
    fs.mkdirSync(path.dirname(options.filename), { recursive: true });
  }
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const stmt = {
    insertUser: db.prepare(
      'INSERT INTO users (id, name, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertSession: db.prepare(
      `INSERT INTO sessions (id, secret_hash, user_id, created_at, last_used_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    sessionById: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
    touchSession: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    sessionsForUser: db.prepare<[string], { id: string }>(
      'SELECT id FROM sessions WHERE user_id = ?',
    ),
    deleteSessionsForUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    insertWorkspace: db.prepare('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)'),
    workspaceById: db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?'),
    workspacesForUser: db.prepare<[string], WorkspaceRow & { permission: string }>(
      `SELECT w.*, m.permission FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
       WHERE m.user_id = ? ORDER BY w.created_at, w.id`,
    ),
    insertMembership: db.prepare(
      'INSERT INTO memberships (workspace_id, user_id, permission, created_at) VALUES (?, ?, ?, ?)',
    ),
    membership: db.prepare<[string, string], MembershipRow>(
      'SELECT * FROM memberships WHERE workspace_id = ? AND user_id = ?',
    ),
    members: db.prepare<[string], MembershipRow & { name: string; email: string }>(
      `SELECT m.*, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.workspace_id = ? ORDER BY m.created_at, u.name`,
    ),
    insertDocument: db.prepare(
      `INSERT INTO documents (id, workspace_id, title, kind, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    documentById: db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
    documentsForWorkspace: db.prepare<[string], DocumentRow>(
      'SELECT * FROM documents WHERE workspace_id = ? ORDER BY updated_at DESC, id',
    ),
    renameDocument: db.prepare('UPDATE documents SET title = ?, updated_at = ? WHERE id = ?'),
    touchDocument: db.prepare('UPDATE documents SET updated_at = ? WHERE id = ?'),
    appendRow: db.prepare(
      'INSERT INTO journal (document_id, seq, created_at, account_id, update_bytes) VALUES (?, ?, ?, ?, ?)',
    ),
    snapshot: db.prepare<[string], { upto_seq: number; state: Buffer }>(
      'SELECT upto_seq, state FROM snapshots WHERE document_id = ?',
    ),
    rowsAfter: db.prepare<[string, number], { seq: number; update_bytes: Buffer }>(
      'SELECT seq, update_bytes FROM journal WHERE document_id = ? AND seq > ? ORDER BY seq',
    ),
    upsertSnapshot: db.prepare(
      `INSERT INTO snapshots (document_id, upto_seq, state, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(document_id) DO UPDATE SET upto_seq = excluded.upto_seq,
         state = excluded.state, created_at = excluded.created_at
       WHERE excluded.upto_seq > snapshots.upto_seq`,
    ),
    copyToQuarantine: db.prepare(
      `INSERT OR REPLACE INTO quarantine
         (document_id, seq, created_at, account_id, update_bytes, reason, quarantined_at)
       SELECT document_id, seq, created_at, account_id, update_bytes, ?, ? FROM journal
       WHERE document_id = ? AND seq = ?`,
    ),
    deleteRow: db.prepare('DELETE FROM journal WHERE document_id = ? AND seq = ?'),
    countRows: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM journal WHERE document_id = ?',
    ),
  };

  const appendRows = db.transaction((rows: readonly JournalRow[]) => {
    for (const r of rows) {
      stmt.appendRow.run(r.documentId, r.seq, r.createdAt, r.accountId, Buffer.from(r.update));
    }
  });
  const createWorkspace = db.transaction((w: WorkspaceRecord, ownerId: string) => {
    stmt.insertWorkspace.run(w.id, w.name, w.createdAt);
    stmt.insertMembership.run(w.id, ownerId, 'owner', w.createdAt);
  });
  const createDocument = db.transaction((d: DocumentRecord, seed: JournalRow) => {
    stmt.insertDocument.run(
      d.id,
      d.workspaceId,
      d.title,
      d.kind,
      d.createdBy,
      d.createdAt,
      d.updatedAt,
    );
    appendRows([seed]);
  });
  const quarantineRow = db.transaction((documentId: string, seq: number, reason: string) => {
    stmt.copyToQuarantine.run(reason, Date.now(), documentId, seq);
    stmt.deleteRow.run(documentId, seq);
  });

  // better-sqlite3 is synchronous: each call below has committed when it returns.
  return {
    users: {
      async create(u: UserRecord) {
        stmt.insertUser.run(u.id, u.name, u.email, u.passwordHash, u.createdAt);
      },
      async findByEmail(email) {
        const row = stmt.userByEmail.get(email);
        return row ? toUser(row) : null;
      },
      async findById(id) {
        const row = stmt.userById.get(id);
        return row ? toUser(row) : null;
      },
    },
    sessions: {
      async create(s: SessionRecord) {
        stmt.insertSession.run(
          s.id,
          Buffer.from(s.secretHash),
          s.userId,
          s.createdAt,
          s.lastUsedAt,
          s.expiresAt,
        );
      },
      async find(id) {
        const row = stmt.sessionById.get(id);
        return row ? toSession(row) : null;
      },
      async touch(id, lastUsedAt) {
        stmt.touchSession.run(lastUsedAt, id);
      },
      async delete(id) {
        stmt.deleteSession.run(id);
      },
      async deleteForUser(userId) {
        const ids = stmt.sessionsForUser.all(userId).map((r) => r.id);
        stmt.deleteSessionsForUser.run(userId);
        return ids;
      },
    },
    workspaces: {
      async create(w, ownerId) {
        createWorkspace(w, ownerId);
      },
      async get(id) {
        const row = stmt.workspaceById.get(id);
        return row ? toWorkspace(row) : null;
      },
      async listForUser(userId) {
        return stmt.workspacesForUser
          .all(userId)
          .map((r) => ({ ...toWorkspace(r), permission: r.permission as Permission }));
      },
      async addMember(m: MembershipRecord) {
        stmt.insertMembership.run(m.workspaceId, m.userId, m.permission, m.createdAt);
      },
      async getMembership(workspaceId, userId) {
        const row = stmt.membership.get(workspaceId, userId);
        return row ? toMembership(row) : null;
      },
      async listMembers(workspaceId): Promise<MemberView[]> {
        return stmt.members
          .all(workspaceId)
          .map((r) => ({ ...toMembership(r), name: r.name, email: r.email }));
      },
    },
    documents: {
      async create(d, seed) {
        createDocument(d, seed);
      },
      async get(id) {
        const row = stmt.documentById.get(id);
        return row ? toDocument(row) : null;
      },
      async listForWorkspace(workspaceId) {
        return stmt.documentsForWorkspace.all(workspaceId).map(toDocument);
      },
      async rename(id, title, updatedAt) {
        stmt.renameDocument.run(title, updatedAt, id);
      },
      async touch(id, updatedAt) {
        stmt.touchDocument.run(updatedAt, id);
      },
    },
    journal: {
      async append(rows) {
        if (rows.length > 0) appendRows(rows);
      },
      async load(documentId): Promise<LoadedJournal> {
        const snap = stmt.snapshot.get(documentId);
        const after = snap ? snap.upto_seq : 0;
        const rows = stmt.rowsAfter
          .all(documentId, after)
          .map((r) => ({ seq: r.seq, update: bytes(r.update_bytes) }));
        return {
          snapshot: snap ? { state: bytes(snap.state), uptoSeq: snap.upto_seq } : null,
          rows,
        };
      },
      async writeSnapshot(documentId, state, uptoSeq) {
        stmt.upsertSnapshot.run(documentId, uptoSeq, Buffer.from(state), Date.now());
      },
      async quarantine(documentId, seq, reason) {
        quarantineRow(documentId, seq, reason);
      },
      async countRows(documentId) {
        return stmt.countRows.get(documentId)?.n ?? 0;
      },
    },
    async integrityCheck() {
      const result = db.pragma('integrity_check', { simple: true });
      return String(result);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function migrate(db: Database.Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  for (let version = current; version < migrations.length; version++) {
    const sql = migrations[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
