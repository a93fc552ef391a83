import fs from 'node:fs';
import path from 'node:path';
import {
  type CreditMode,
  type DocumentPermission,
  type ParticipantRole,
  personColors,
} from '@chorus/shared';
import Database from 'better-sqlite3';
import { documentTables } from '../documentTables.ts';
import {
  type AuditDbRow,
  bytes,
  type CommentRow,
  type CommentThreadRow,
  type DocumentRow,
  type InviteRow,
  type LifecycleRow,
  type MembershipRow,
  type SessionRow,
  toAudit,
  toComment,
  toCommentThread,
  toDocument,
  toInvite,
  toLifecycle,
  toMembership,
  toSession,
  toUser,
  toVersionMeta,
  toWorkspace,
  type UserRow,
  type WorkspaceRow,
} from '../rows.ts';
import type {
  AuditEntry,
  ClientIdOwner,
  CommentRecord,
  CommentStore,
  CommentThreadRecord,
  DocumentRecord,
  InviteRecord,
  JournalRow,
  LifecycleRecord,
  LifecycleStore,
  LoadedJournal,
  MemberView,
  NewMembership,
  Permission,
  SessionRecord,
  Storage,
  UserRecord,
  VersionRecord,
  WorkspaceRecord,
} from '../types.ts';
import { prepareAuditAppend } from './auditWrites.ts';
import { sqliteBidStore } from './bidStore.ts';
import { sqliteEmailConfirmationStore } from './emailConfirmationStore.ts';
import { sqliteEvaluationStore } from './evaluationStore.ts';
import { JournalWriter } from './journalWriter.ts';
import { prepareJournalAppend, prepareSnapshotWrite } from './journalWrites.ts';
import { sqliteMentionEmailStore } from './mentionEmailStore.ts';
import { sqliteMentionReadStore } from './mentionReadStore.ts';
import { sqlitePreferenceStore } from './preferenceStore.ts';
import { migrations } from './schema.ts';

export interface SqliteOptions {
  /** File path, or ':memory:' for tests. */
  filename: string;
  /**
   * 'FULL' (default) survives power loss; 'NORMAL' survives a killed process only.
   * Group commit per event-loop turn keeps FULL cheap, so we default to it.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Commit journal batches and snapshots on a worker thread, so waiting for the disk
   * never stalls the event loop (for disks whose fsync takes milliseconds). Off by
   * default: on a local disk the hand-over to the thread costs more than the commit
   * (`CHORUS_JOURNAL_THREAD`). ':memory:' databases always write inline.
   */
  writerThread?: boolean;
}

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
  const writer =
    options.filename !== ':memory:' && options.writerThread === true
      ? new JournalWriter({
          filename: options.filename,
          synchronous: options.synchronous ?? 'FULL',
        })
      : null;

  const appendAudit = prepareAuditAppend(db);
  const stmt = {
    insertUser: db.prepare(
      `INSERT INTO users (id, name, email, password_hash, created_at, credit_mode, display_name)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    // The email becomes a value no sign-in or sign-up can match (it has no @), unique per
    // account; '!' is no argon2 hash, so every password check against it fails.
    markUserDeleted: db.prepare(
      `UPDATE users SET name = 'Deleted account', email = ?, password_hash = '!',
         credit_mode = 'role_only', display_name = NULL, email_confirmed_at = NULL,
         deleted_at = ? WHERE id = ?`,
    ),
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
    // The new member's colour slot is the one fewest members of the workspace hold (the
    // lowest of those): the first members all differ, and a leaver's colour is reused.
    insertMembership: db.prepare<NewMembership & { slots: number }>(
      `WITH RECURSIVE slot(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM slot WHERE n + 1 < @slots)
       INSERT INTO memberships
         (workspace_id, user_id, permission, participant_role, created_at, color_slot)
       SELECT @workspaceId, @userId, @permission, @participantRole, @createdAt, slot.n
       FROM slot LEFT JOIN (
         SELECT color_slot, COUNT(*) AS held FROM memberships
         WHERE workspace_id = @workspaceId GROUP BY color_slot
       ) AS taken ON taken.color_slot = slot.n
       ORDER BY COALESCE(taken.held, 0), slot.n
       LIMIT 1`,
    ),
    updateMemberPermission: db.prepare(
      'UPDATE memberships SET permission = ? WHERE workspace_id = ? AND user_id = ?',
    ),
    updateMemberRole: db.prepare(
      'UPDATE memberships SET participant_role = ? WHERE workspace_id = ? AND user_id = ?',
    ),
    removeMember: db.prepare('DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?'),
    removeMemberOverrides: db.prepare(
      `DELETE FROM document_access WHERE user_id = ? AND document_id IN
         (SELECT id FROM documents WHERE workspace_id = ?)`,
    ),
    countOwners: db.prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND permission = 'owner'",
    ),
    sessionsOfUser: db.prepare<[string], SessionRow>(
      'SELECT * FROM sessions WHERE user_id = ? ORDER BY last_used_at DESC',
    ),
    deleteDocument: db.prepare('UPDATE documents SET deleted_at = ? WHERE id = ?'),
    setRestricted: db.prepare('UPDATE documents SET restricted = ? WHERE id = ?'),
    clearOverrides: db.prepare('DELETE FROM document_access WHERE document_id = ?'),
    insertOverride: db.prepare(
      'INSERT INTO document_access (document_id, user_id, permission) VALUES (?, ?, ?)',
    ),
    override: db.prepare<[string, string], { permission: string }>(
      'SELECT permission FROM document_access WHERE document_id = ? AND user_id = ?',
    ),
    overrides: db.prepare<[string], { user_id: string; permission: string }>(
      'SELECT user_id, permission FROM document_access WHERE document_id = ? ORDER BY user_id',
    ),
    insertInvite: db.prepare(
      `INSERT INTO invites (id, secret_hash, workspace_id, permission, participant_role, created_by,
         created_at, expires_at, max_uses, uses, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    inviteById: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE id = ?'),
    invitesForWorkspace: db.prepare<[string], InviteRow>(
      'SELECT * FROM invites WHERE workspace_id = ? ORDER BY created_at DESC',
    ),
    revokeInvite: db.prepare(
      'UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    useInvite: db.prepare(
      `UPDATE invites SET uses = uses + 1 WHERE id = ? AND revoked_at IS NULL AND expires_at > ?
         AND (max_uses IS NULL OR uses < max_uses)`,
    ),
    auditForActor: db.prepare<[string, number], AuditDbRow>(
      'SELECT * FROM audit_log WHERE actor_id = ? ORDER BY id DESC LIMIT ?',
    ),
    membership: db.prepare<[string, string], MembershipRow>(
      'SELECT * FROM memberships WHERE workspace_id = ? AND user_id = ?',
    ),
    members: db.prepare<
      [string],
      MembershipRow & {
        name: string;
        email: string;
        credit_mode: string;
        display_name: string | null;
      }
    >(
      `SELECT m.*, u.name, u.email, u.credit_mode, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.workspace_id = ? ORDER BY m.created_at, u.name`,
    ),
    insertDocument: db.prepare(
      `INSERT INTO documents (id, workspace_id, title, kind, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    documentById: db.prepare<[string], DocumentRow>(
      'SELECT * FROM documents WHERE id = ? AND deleted_at IS NULL',
    ),
    documentsForWorkspace: db.prepare<[string], DocumentRow>(
      'SELECT * FROM documents WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY updated_at DESC, id',
    ),
    renameDocument: db.prepare('UPDATE documents SET title = ?, updated_at = ? WHERE id = ?'),
    touchDocument: db.prepare('UPDATE documents SET updated_at = ? WHERE id = ?'),
    allDocumentIdsOfWorkspace: db.prepare<[string], { id: string }>(
      'SELECT id FROM documents WHERE workspace_id = ?',
    ),
    deleteWorkspace: db.prepare('DELETE FROM workspaces WHERE id = ?'),
    clientIds: db.prepare<[string], { client_id: number; account_id: string | null }>(
      'SELECT client_id, account_id FROM client_ids WHERE document_id = ?',
    ),
    authorRoles: db.prepare<[string], { account_id: string; participant_role: string }>(
      // Oldest first, so the last role read for each account is its latest.
      `SELECT account_id, participant_role FROM client_ids
       WHERE document_id = ? AND account_id IS NOT NULL AND participant_role IS NOT NULL
       ORDER BY first_seen, client_id`,
    ),
    deleters: db.prepare<[string], { deleted_by: string }>(
      `SELECT DISTINCT deleted_by FROM ledger_deletes
       WHERE document_id = ? AND deleted_by IS NOT NULL`,
    ),
    // The role of each given account's newest journal row. SQLite takes a bare column of
    // a MAX() group from the row that holds the maximum. It reads the document's rows, so
    // it is asked only about people it is needed for.
    newestRoles: db.prepare<[string, string], { account_id: string; participant_role: string }>(
      `SELECT account_id, participant_role, MAX(seq) FROM journal
       WHERE document_id = ? AND participant_role IS NOT NULL
         AND account_id IN (SELECT value FROM json_each(?))
       GROUP BY account_id`,
    ),
    ledgerInserts: db.prepare<
      [string],
      { client_id: number; clock: number; len: number; at: number }
    >(
      'SELECT client_id, clock, len, at FROM ledger_inserts WHERE document_id = ? ORDER BY client_id, clock',
    ),
    ledgerCarried: db.prepare<
      [string],
      {
        client_id: number;
        clock: number;
        len: number;
        author_id: string | null;
        original_at: number;
      }
    >(
      'SELECT client_id, clock, len, author_id, original_at FROM ledger_carried WHERE document_id = ? ORDER BY client_id, clock',
    ),
    ledgerDeletes: db.prepare<
      [string],
      {
        client_id: number;
        clock: number;
        len: number;
        deleted_by: string | null;
        author_id: string | null;
        at: number;
        words: number;
        carried: number;
      }
    >('SELECT * FROM ledger_deletes WHERE document_id = ? ORDER BY id'),
    insertVersion: db.prepare(
      `INSERT INTO versions (id, document_id, kind, label, created_by, created_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    versions: db.prepare<
      [string],
      {
        id: string;
        document_id: string;
        kind: string;
        label: string | null;
        created_by: string | null;
        created_at: number;
      }
    >(
      'SELECT id, document_id, kind, label, created_by, created_at FROM versions WHERE document_id = ? ORDER BY created_at DESC, id',
    ),
    version: db.prepare<
      [string, string],
      {
        id: string;
        document_id: string;
        kind: string;
        label: string | null;
        created_by: string | null;
        created_at: number;
        state: Buffer;
      }
    >('SELECT * FROM versions WHERE document_id = ? AND id = ?'),
    latestVersion: db.prepare<
      [string, string],
      {
        id: string;
        document_id: string;
        kind: string;
        label: string | null;
        created_by: string | null;
        created_at: number;
      }
    >(
      'SELECT id, document_id, kind, label, created_by, created_at FROM versions WHERE document_id = ? AND kind = ? ORDER BY created_at DESC LIMIT 1',
    ),
    snapshot: db.prepare<[string], { upto_seq: number; state: Buffer }>(
      'SELECT upto_seq, state FROM snapshots WHERE document_id = ?',
    ),
    rowsAfter: db.prepare<
      [string, number],
      { seq: number; update_bytes: Buffer; account_id: string | null }
    >(
      'SELECT seq, update_bytes, account_id FROM journal WHERE document_id = ? AND seq > ? ORDER BY seq',
    ),
    copyToQuarantine: db.prepare(
      `INSERT OR REPLACE INTO quarantine
         (document_id, seq, created_at, account_id, update_bytes, reason, quarantined_at)
       SELECT document_id, seq, created_at, account_id, update_bytes, ?, ? FROM journal
       WHERE document_id = ? AND seq = ?`,
    ),
    deleteRow: db.prepare('DELETE FROM journal WHERE document_id = ? AND seq = ?'),
    headSeq: db.prepare<[string], { seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM journal WHERE document_id = ?',
    ),
    countRows: db.prepare<[string], { n: number }>(
      'SELECT COUNT(*) AS n FROM journal WHERE document_id = ?',
    ),
  };

  const appendRows = prepareJournalAppend(db);
  const writeSnapshot = prepareSnapshotWrite(db);
  const insertMember = (m: NewMembership) =>
    stmt.insertMembership.run({
      workspaceId: m.workspaceId,
      userId: m.userId,
      permission: m.permission,
      participantRole: m.participantRole,
      createdAt: m.createdAt,
      slots: personColors.length,
    });
  const createWorkspace = db.transaction((w: WorkspaceRecord, ownerId: string) => {
    stmt.insertWorkspace.run(w.id, w.name, w.createdAt);
    insertMember({
      workspaceId: w.id,
      userId: ownerId,
      permission: 'owner',
      participantRole: 'other',
      createdAt: w.createdAt,
    });
  });
  const eraseDocumentRows = documentTables.map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE document_id = ?`),
  );
  const eraseWorkspace = db.transaction((workspaceId: string): string[] => {
    const ids = stmt.allDocumentIdsOfWorkspace.all(workspaceId).map((r) => r.id);
    for (const id of ids) for (const erase of eraseDocumentRows) erase.run(id);
    // Memberships, documents (and their access lists) and invites go with it (ON DELETE CASCADE).
    stmt.deleteWorkspace.run(workspaceId);
    return ids;
  });
  const createDocument = db.transaction(
    (d: DocumentRecord, seed: JournalRow, seedClients: readonly ClientIdOwner[]) => {
      stmt.insertDocument.run(
        d.id,
        d.workspaceId,
        d.title,
        d.kind,
        d.createdBy,
        d.createdAt,
        d.updatedAt,
      );
      appendRows([seed], seedClients);
    },
  );
  const setAccess = db.transaction(
    (
      id: string,
      restricted: boolean,
      overrides: readonly { userId: string; permission: DocumentPermission }[],
    ) => {
      stmt.setRestricted.run(restricted ? 1 : 0, id);
      stmt.clearOverrides.run(id);
      for (const o of overrides) stmt.insertOverride.run(id, o.userId, o.permission);
    },
  );
  const removeMember = db.transaction((workspaceId: string, userId: string) => {
    stmt.removeMember.run(workspaceId, userId);
    stmt.removeMemberOverrides.run(userId, workspaceId);
  });
  const redeemInvite = db.transaction((id: string, m: NewMembership, now: number) => {
    const used = stmt.useInvite.run(id, now);
    if (used.changes !== 1) return false;
    insertMember(m);
    return true;
  });
  const quarantineRow = db.transaction((documentId: string, seq: number, reason: string) => {
    stmt.copyToQuarantine.run(reason, Date.now(), documentId, seq);
    stmt.deleteRow.run(documentId, seq);
  });

  // better-sqlite3 is synchronous: each call below has committed when it returns.
  return {
    users: {
      async create(u: UserRecord) {
        stmt.insertUser.run(
          u.id,
          u.name,
          u.email,
          u.passwordHash,
          u.createdAt,
          u.creditMode,
          u.displayName,
        );
      },
      async findByEmail(email) {
        const row = stmt.userByEmail.get(email);
        return row ? toUser(row) : null;
      },
      async findById(id) {
        const row = stmt.userById.get(id);
        return row ? toUser(row) : null;
      },
      async update(id, changes) {
        const columns: Record<string, string> = {
          name: 'name',
          creditMode: 'credit_mode',
          displayName: 'display_name',
          passwordHash: 'password_hash',
        };
        const entries = Object.entries(changes).filter(([k, v]) => k in columns && v !== undefined);
        if (entries.length === 0) return;
        const sets = entries.map(([k]) => `${columns[k]} = ?`).join(', ');
        db.prepare(`UPDATE users SET ${sets} WHERE id = ?`).run(...entries.map(([, v]) => v), id);
      },
      async markDeleted(id, at) {
        stmt.markUserDeleted.run(`deleted:${id}`, at, id);
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
      async listForUser(userId) {
        return stmt.sessionsOfUser.all(userId).map(toSession);
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
      async addMember(m) {
        insertMember(m);
      },
      async updateMember(workspaceId, userId, changes) {
        if (changes.permission)
          stmt.updateMemberPermission.run(changes.permission, workspaceId, userId);
        if (changes.participantRole) {
          stmt.updateMemberRole.run(changes.participantRole, workspaceId, userId);
        }
      },
      async removeMember(workspaceId, userId) {
        removeMember(workspaceId, userId);
      },
      async countOwners(workspaceId) {
        return stmt.countOwners.get(workspaceId)?.n ?? 0;
      },
      async erase(workspaceId) {
        return eraseWorkspace(workspaceId);
      },
      async getMembership(workspaceId, userId) {
        const row = stmt.membership.get(workspaceId, userId);
        return row ? toMembership(row) : null;
      },
      async listMembers(workspaceId): Promise<MemberView[]> {
        return stmt.members.all(workspaceId).map((r) => ({
          ...toMembership(r),
          name: r.name,
          email: r.email,
          creditMode: r.credit_mode as CreditMode,
          displayName: r.display_name,
        }));
      },
    },
    documents: {
      async create(d, seed, seedClients) {
        createDocument(d, seed, seedClients);
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
      async delete(id, at) {
        stmt.deleteDocument.run(at, id);
      },
      async setAccess(id, restricted, overrides) {
        setAccess(id, restricted, overrides);
      },
      async getOverride(id, userId) {
        return (
          (stmt.override.get(id, userId)?.permission as DocumentPermission | undefined) ?? null
        );
      },
      async listOverrides(id) {
        return stmt.overrides
          .all(id)
          .map((r) => ({ userId: r.user_id, permission: r.permission as DocumentPermission }));
      },
    },
    invites: {
      async create(i: InviteRecord) {
        stmt.insertInvite.run(
          i.id,
          Buffer.from(i.secretHash),
          i.workspaceId,
          i.permission,
          i.participantRole,
          i.createdBy,
          i.createdAt,
          i.expiresAt,
          i.maxUses,
          i.uses,
          i.revokedAt,
        );
      },
      async get(id) {
        const row = stmt.inviteById.get(id);
        return row ? toInvite(row) : null;
      },
      async listForWorkspace(workspaceId) {
        return stmt.invitesForWorkspace.all(workspaceId).map(toInvite);
      },
      async revoke(id, at) {
        stmt.revokeInvite.run(at, id);
      },
      async redeem(id, membership, now) {
        return redeemInvite(id, membership, now);
      },
    },
    evaluations: sqliteEvaluationStore(db),
    bids: sqliteBidStore(db),
    comments: sqliteCommentStore(db),
    lifecycles: sqliteLifecycleStore(db),
    mentionReads: sqliteMentionReadStore(db),
    mentionEmails: sqliteMentionEmailStore(db),
    preferences: sqlitePreferenceStore(db),
    emailConfirmations: sqliteEmailConfirmationStore(db),
    versions: {
      async create(v: VersionRecord) {
        stmt.insertVersion.run(
          v.id,
          v.documentId,
          v.kind,
          v.label,
          v.createdBy,
          v.createdAt,
          Buffer.from(v.state),
        );
      },
      async list(documentId) {
        return stmt.versions.all(documentId).map(toVersionMeta);
      },
      async get(documentId, id) {
        const r = stmt.version.get(documentId, id);
        return r ? { ...toVersionMeta(r), state: bytes(r.state) } : null;
      },
      async latest(documentId, kind) {
        const r = stmt.latestVersion.get(documentId, kind);
        return r ? toVersionMeta(r) : null;
      },
      async remove(documentId, id) {
        db.prepare('DELETE FROM versions WHERE document_id = ? AND id = ?').run(documentId, id);
      },
    },
    audit: {
      async append(e) {
        appendAudit([e]);
      },
      async query(workspaceId, filter) {
        // Account events (sign-ins) of the workspace's members count as the workspace's too.
        const where = [
          `(workspace_id = ? OR (workspace_id IS NULL AND actor_id IN
             (SELECT user_id FROM memberships WHERE workspace_id = ?)))`,
        ];
        const args: (string | number)[] = [workspaceId, workspaceId];
        if (filter.action) {
          where.push('action = ?');
          args.push(filter.action);
        }
        if (filter.actorId) {
          where.push('actor_id = ?');
          args.push(filter.actorId);
        }
        if (filter.before) {
          where.push('id < ?');
          args.push(filter.before);
        }
        args.push(filter.limit);
        return db
          .prepare<(string | number)[], AuditDbRow>(
            `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
          )
          .all(...args)
          .map(toAudit);
      },
      async forActor(actorId, limit) {
        return stmt.auditForActor.all(actorId, limit).map(toAudit);
      },
    },
    journal: {
      async append(rows, clientIds = [], ledger) {
        if (rows.length === 0 && clientIds.length === 0 && !ledger) return [];
        if (writer) await writer.append(rows, clientIds, ledger);
        else appendRows(rows, clientIds, ledger);
        return rows.map((r) => r.seq);
      },
      async heads(documentIds) {
        const heads = new Map<string, number>();
        for (const id of documentIds) {
          const head = stmt.headSeq.get(id)?.seq;
          if (head !== null && head !== undefined) heads.set(id, head);
        }
        return heads;
      },
      async rowsAfter(documentId, afterSeq) {
        return stmt.rowsAfter
          .all(documentId, afterSeq)
          .map((r) => ({ seq: r.seq, update: bytes(r.update_bytes), accountId: r.account_id }));
      },
      async loadLedger(documentId) {
        const owners = new Map<number, string | null>();
        for (const r of stmt.clientIds.all(documentId)) owners.set(r.client_id, r.account_id);
        return {
          owners,
          inserts: stmt.ledgerInserts.all(documentId).map((r) => ({
            documentId,
            clientId: r.client_id,
            clock: r.clock,
            len: r.len,
            at: r.at,
          })),
          carried: stmt.ledgerCarried.all(documentId).map((r) => ({
            documentId,
            clientId: r.client_id,
            clock: r.clock,
            len: r.len,
            authorId: r.author_id,
            originalAt: r.original_at,
          })),
          deletes: stmt.ledgerDeletes.all(documentId).map((r) => ({
            documentId,
            clientId: r.client_id,
            clock: r.clock,
            len: r.len,
            deletedBy: r.deleted_by,
            authorId: r.author_id,
            at: r.at,
            words: r.words,
            carried: r.carried === 1,
            ...(r.carried === 2 ? { restored: true } : {}),
          })),
        };
      },
      async authorRoles(documentId) {
        const roles = new Map<string, ParticipantRole>();
        for (const r of stmt.authorRoles.all(documentId)) {
          roles.set(r.account_id, r.participant_role as ParticipantRole);
        }
        // Someone who only ever deleted has no client id of their own: their newest edit's.
        const roleless = stmt.deleters
          .all(documentId)
          .map((r) => r.deleted_by)
          .filter((id) => !roles.has(id));
        if (roleless.length > 0) {
          for (const r of stmt.newestRoles.all(documentId, JSON.stringify(roleless))) {
            roles.set(r.account_id, r.participant_role as ParticipantRole);
          }
        }
        return roles;
      },
      async load(documentId, options): Promise<LoadedJournal> {
        const snap = options?.withoutSnapshot ? undefined : stmt.snapshot.get(documentId);
        const after = snap ? snap.upto_seq : 0;
        const rows = stmt.rowsAfter
          .all(documentId, after)
          .map((r) => ({ seq: r.seq, update: bytes(r.update_bytes) }));
        const clientOwners = stmt.clientIds
          .all(documentId)
          .map((r) => ({ clientId: r.client_id, accountId: r.account_id }));
        return {
          snapshot: snap ? { state: bytes(snap.state), uptoSeq: snap.upto_seq } : null,
          rows,
          clientOwners,
        };
      },
      async writeSnapshot(documentId, state, uptoSeq) {
        if (writer) await writer.writeSnapshot(documentId, state, uptoSeq);
        else writeSnapshot(documentId, state, uptoSeq);
      },
      async quarantine(documentId, seq, reason) {
        quarantineRow(documentId, seq, reason);
      },
      async countRows(documentId) {
        return stmt.countRows.get(documentId)?.n ?? 0;
      },
    },
    async ping() {
      try {
        db.prepare('SELECT 1').get();
        return 'ok';
      } catch (err) {
        return `the database does not answer: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
    async integrityCheck() {
      const result = db.pragma('integrity_check', { simple: true });
      return String(result);
    },
    async close() {
      await writer?.close();
      if (db.open) db.close();
    },
  };
}

/**
 * Comments in SQLite. Each conditional write is one statement whose WHERE clause holds the
 * whole rule (document, author, not deleted), so nothing can slip in between a check and
 * the write.
 */
function sqliteCommentStore(db: Database.Database): CommentStore {
  const stmt = {
    insertThread: db.prepare(
      `INSERT INTO comment_threads (id, document_id, anchor_start, anchor_end, quote, created_by,
         created_at, resolved_at, resolved_by, suggestion, suggestion_outcome,
         suggestion_decided_by, suggestion_decided_at, suggestion_client_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertComment: db.prepare(
      `INSERT INTO comments (id, thread_id, document_id, author_id, participant_role, body,
         mentions, created_at, edited_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Inserts nothing unless the thread is one of the comment's document.
    insertReply: db.prepare(
      `INSERT INTO comments (id, thread_id, document_id, author_id, participant_role, body,
         mentions, created_at, edited_at, deleted_at)
       SELECT ?, id, document_id, ?, ?, ?, ?, ?, ?, ? FROM comment_threads
       WHERE id = ? AND document_id = ?`,
    ),
    thread: db.prepare<[string, string], CommentThreadRow>(
      'SELECT * FROM comment_threads WHERE document_id = ? AND id = ?',
    ),
    comment: db.prepare<[string, string], CommentRow>(
      'SELECT * FROM comments WHERE document_id = ? AND id = ?',
    ),
    threads: db.prepare<[string], CommentThreadRow>(
      'SELECT * FROM comment_threads WHERE document_id = ? ORDER BY created_at, id',
    ),
    comments: db.prepare<[string], CommentRow>(
      'SELECT * FROM comments WHERE document_id = ? ORDER BY created_at, id',
    ),
    edit: db.prepare(
      `UPDATE comments SET body = ?, mentions = ?, edited_at = ?
       WHERE document_id = ? AND id = ? AND author_id = ? AND deleted_at IS NULL`,
    ),
    delete: db.prepare(
      `UPDATE comments SET body = '', mentions = '[]', deleted_at = ?
       WHERE document_id = ? AND id = ? AND author_id = ? AND deleted_at IS NULL`,
    ),
    setResolved: db.prepare(
      'UPDATE comment_threads SET resolved_at = ?, resolved_by = ? WHERE document_id = ? AND id = ?',
    ),
    // A rejection resolves the thread at once; an acceptance does when it is settled.
    decide: db.prepare<{
      outcome: string;
      by: string;
      at: number;
      clientId: number | null;
      documentId: string;
      threadId: string;
      asRead: 0 | 1;
      start: Buffer | null;
      end: Buffer | null;
      quote: string | null;
      text: string | null;
    }>(
      `UPDATE comment_threads SET suggestion_outcome = @outcome, suggestion_decided_by = @by,
         suggestion_decided_at = @at, suggestion_client_id = @clientId,
         resolved_at = CASE WHEN @outcome = 'rejected' THEN @at ELSE resolved_at END,
         resolved_by = CASE WHEN @outcome = 'rejected' THEN @by ELSE resolved_by END
       WHERE document_id = @documentId AND id = @threadId AND suggestion IS NOT NULL
         AND suggestion_outcome IS NULL
         AND (SELECT c.deleted_at FROM comments c
              WHERE c.document_id = comment_threads.document_id AND c.thread_id = comment_threads.id
              ORDER BY c.created_at, c.id LIMIT 1) IS NULL
         AND (@asRead = 0 OR (anchor_start = @start AND anchor_end = @end AND quote = @quote
              AND suggestion = @text))`,
    ),
    withdraw: db.prepare<{
      documentId: string;
      threadId: string;
      by: string;
      start: Buffer;
      end: Buffer;
      quote: string;
      text: string;
      at: number;
    }>(
      `UPDATE comments SET body = '', mentions = '[]', deleted_at = @at
       WHERE document_id = @documentId AND author_id = @by AND deleted_at IS NULL
         AND id = (SELECT c.id FROM comments c
                   WHERE c.document_id = @documentId AND c.thread_id = @threadId
                   ORDER BY c.created_at, c.id LIMIT 1)
         AND EXISTS (SELECT 1 FROM comment_threads t
                     WHERE t.document_id = @documentId AND t.id = @threadId AND t.created_by = @by
                       AND t.suggestion IS NOT NULL AND t.suggestion_outcome IS NULL
                       AND t.anchor_start = @start AND t.anchor_end = @end
                       AND t.quote = @quote AND t.suggestion = @text)`,
    ),
    revise: db.prepare<{
      documentId: string;
      threadId: string;
      by: string;
      start: Buffer;
      end: Buffer;
      quote: string;
      text: string;
      newStart: Buffer;
      newEnd: Buffer;
      newQuote: string;
      newText: string;
    }>(
      `UPDATE comment_threads SET anchor_start = @newStart, anchor_end = @newEnd,
         quote = @newQuote, suggestion = @newText
       WHERE document_id = @documentId AND id = @threadId AND created_by = @by
         AND suggestion IS NOT NULL AND suggestion_outcome IS NULL
         AND anchor_start = @start AND anchor_end = @end AND quote = @quote
         AND suggestion = @text
         AND (SELECT c.deleted_at FROM comments c
              WHERE c.document_id = comment_threads.document_id AND c.thread_id = comment_threads.id
              ORDER BY c.created_at, c.id LIMIT 1) IS NULL`,
    ),
    accepting: db.prepare<[string, string, number], { created_by: string }>(
      `SELECT created_by FROM comment_threads
       WHERE document_id = ? AND id = ? AND suggestion_outcome = 'accepting'
         AND suggestion_client_id = ?`,
    ),
    retireClientId: db.prepare(
      `INSERT OR IGNORE INTO client_ids (document_id, client_id, account_id, first_seen)
       VALUES (?, ?, NULL, ?)`,
    ),
    clientIdOwner: db.prepare<[string, number], { account_id: string | null }>(
      'SELECT account_id FROM client_ids WHERE document_id = ? AND client_id = ?',
    ),
    markAccepted: db.prepare(
      `UPDATE comment_threads SET suggestion_outcome = 'accepted',
         resolved_at = suggestion_decided_at, resolved_by = suggestion_decided_by
       WHERE document_id = ? AND id = ?`,
    ),
    reopen: db.prepare(
      `UPDATE comment_threads SET suggestion_outcome = NULL, suggestion_decided_by = NULL,
         suggestion_decided_at = NULL, suggestion_client_id = NULL
       WHERE document_id = ? AND id = ?`,
    ),
    listAccepting: db.prepare<
      [],
      {
        document_id: string;
        id: string;
        suggestion_client_id: number;
        suggestion_decided_at: number;
      }
    >(
      `SELECT document_id, id, suggestion_client_id, suggestion_decided_at FROM comment_threads
       WHERE suggestion_outcome = 'accepting' ORDER BY suggestion_decided_at, id`,
    ),
  };
  // Immediate: it reads, then writes on what it read, while the journal writer thread may
  // be committing the words on a connection of its own.
  const settleAcceptance = db.transaction(
    (documentId: string, threadId: string, clientId: number, at: number) => {
      const thread = stmt.accepting.get(documentId, threadId, clientId);
      if (!thread) return null;
      stmt.retireClientId.run(documentId, clientId, at);
      const owner = stmt.clientIdOwner.get(documentId, clientId);
      if (owner?.account_id === thread.created_by) {
        stmt.markAccepted.run(documentId, threadId);
        return 'accepted' as const;
      }
      stmt.reopen.run(documentId, threadId);
      return 'reopened' as const;
    },
  );
  const insertComment = (c: CommentRecord) =>
    stmt.insertComment.run(
      c.id,
      c.threadId,
      c.documentId,
      c.authorId,
      c.participantRole,
      c.body,
      JSON.stringify(c.mentions),
      c.createdAt,
      c.editedAt,
      c.deletedAt,
    );
  const createThread = db.transaction((t: CommentThreadRecord, first: CommentRecord) => {
    stmt.insertThread.run(
      t.id,
      t.documentId,
      Buffer.from(t.anchorStart),
      Buffer.from(t.anchorEnd),
      t.quote,
      t.createdBy,
      t.createdAt,
      t.resolvedAt,
      t.resolvedBy,
      t.suggestion?.text ?? null,
      t.suggestion?.outcome ?? null,
      t.suggestion?.decidedBy ?? null,
      t.suggestion?.decidedAt ?? null,
      t.suggestion?.clientId ?? null,
    );
    insertComment(first);
  });

  return {
    async createThread(thread, first) {
      createThread(thread, first);
    },
    async addReply(c) {
      const added = stmt.insertReply.run(
        c.id,
        c.authorId,
        c.participantRole,
        c.body,
        JSON.stringify(c.mentions),
        c.createdAt,
        c.editedAt,
        c.deletedAt,
        c.threadId,
        c.documentId,
      );
      return added.changes === 1;
    },
    async getThread(documentId, threadId) {
      const row = stmt.thread.get(documentId, threadId);
      return row ? toCommentThread(row) : null;
    },
    async getComment(documentId, commentId) {
      const row = stmt.comment.get(documentId, commentId);
      return row ? toComment(row) : null;
    },
    async listThreads(documentId) {
      return stmt.threads.all(documentId).map(toCommentThread);
    },
    async listComments(documentId) {
      return stmt.comments.all(documentId).map(toComment);
    },
    async editComment(documentId, commentId, authorId, change, at) {
      const edited = stmt.edit.run(
        change.body,
        JSON.stringify(change.mentions),
        at,
        documentId,
        commentId,
        authorId,
      );
      return edited.changes === 1;
    },
    async deleteComment(documentId, commentId, authorId, at) {
      return stmt.delete.run(at, documentId, commentId, authorId).changes === 1;
    },
    async setResolved(documentId, threadId, resolved) {
      const changed = stmt.setResolved.run(
        resolved?.at ?? null,
        resolved?.by ?? null,
        documentId,
        threadId,
      );
      return changed.changes === 1;
    },
    async decideSuggestion(documentId, threadId, decision) {
      const changed = stmt.decide.run({
        outcome: decision.outcome,
        by: decision.by,
        at: decision.at,
        clientId: decision.outcome === 'accepting' ? decision.clientId : null,
        documentId,
        threadId,
        asRead: decision.as ? 1 : 0,
        start: decision.as ? Buffer.from(decision.as.anchorStart) : null,
        end: decision.as ? Buffer.from(decision.as.anchorEnd) : null,
        quote: decision.as?.quote ?? null,
        text: decision.as?.text ?? null,
      });
      return changed.changes === 1;
    },
    async withdrawSuggestion(documentId, threadId, by, as, at) {
      const changed = stmt.withdraw.run({
        documentId,
        threadId,
        by,
        start: Buffer.from(as.anchorStart),
        end: Buffer.from(as.anchorEnd),
        quote: as.quote,
        text: as.text,
        at,
      });
      return changed.changes === 1;
    },
    async reviseSuggestion(documentId, threadId, by, from, to) {
      const changed = stmt.revise.run({
        documentId,
        threadId,
        by,
        start: Buffer.from(from.anchorStart),
        end: Buffer.from(from.anchorEnd),
        quote: from.quote,
        text: from.text,
        newStart: Buffer.from(to.anchorStart),
        newEnd: Buffer.from(to.anchorEnd),
        newQuote: to.quote,
        newText: to.text,
      });
      return changed.changes === 1;
    },
    async settleAcceptance(documentId, threadId, clientId, at) {
      return settleAcceptance.immediate(documentId, threadId, clientId, at);
    },
    async listAccepting() {
      return stmt.listAccepting.all().map((r) => ({
        documentId: r.document_id,
        threadId: r.id,
        clientId: r.suggestion_client_id,
        decidedAt: r.suggestion_decided_at,
      }));
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

/** Document statuses in SQLite: each write names the version it replaces. */
function sqliteLifecycleStore(db: Database.Database): LifecycleStore {
  const stmt = {
    get: db.prepare<[string], LifecycleRow>(
      'SELECT * FROM document_lifecycle WHERE document_id = ?',
    ),
    insert: db.prepare(
      `INSERT INTO document_lifecycle
         (document_id, status, leads, approvals, version, changed_at, changed_by)
       VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (document_id) DO NOTHING`,
    ),
    update: db.prepare(
      `UPDATE document_lifecycle
       SET status = ?, leads = ?, approvals = ?, version = version + 1, changed_at = ?,
         changed_by = ?
       WHERE document_id = ? AND version = ?`,
    ),
  };
  const appendAudit = prepareAuditAppend(db);
  const save = db.transaction((r: LifecycleRecord, audit: readonly AuditEntry[]) => {
    const leads = JSON.stringify(r.leads);
    const approvals = JSON.stringify(r.approvals);
    const result =
      r.version === 1
        ? stmt.insert.run(r.documentId, r.status, leads, approvals, r.changedAt, r.changedBy)
        : stmt.update.run(
            r.status,
            leads,
            approvals,
            r.changedAt,
            r.changedBy,
            r.documentId,
            r.version - 1,
          );
    if (result.changes !== 1) return false;
    appendAudit(audit);
    return true;
  });
  return {
    async get(documentId) {
      const row = stmt.get.get(documentId);
      return row ? toLifecycle(row) : null;
    },
    async save(r: LifecycleRecord, audit: readonly AuditEntry[] = []) {
      return save(r, audit);
    },
  };
}
