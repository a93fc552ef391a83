import {
  type CreditMode,
  type DocumentPermission,
  type ParticipantRole,
  personColors,
  textLockingStatuses,
} from '@chorus/shared';
import pg from 'pg';
import { documentTables } from '../documentTables.ts';
import { ClientIdTaken, DocumentGone, DocumentLocked } from '../errors.ts';
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
  type VersionMetaRow,
  type WorkspaceRow,
} from '../rows.ts';
import type {
  AuditEntry,
  ClientIdOwner,
  CommentStore,
  InviteRecord,
  JournalRow,
  LedgerEntries,
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
} from '../types.ts';
import { appendAudit } from './auditWrites.ts';
import { postgresBidStore } from './bidStore.ts';
import { changes, createPool, first, migrate, type Queryable, rows, transaction } from './db.ts';
import { postgresEmailConfirmationStore } from './emailConfirmationStore.ts';
import { postgresEvaluationStore } from './evaluationStore.ts';
import { postgresMentionEmailStore } from './mentionEmailStore.ts';
import { postgresMentionReadStore } from './mentionReadStore.ts';
import { postgresPreferenceStore } from './preferenceStore.ts';
import { ProcessLock } from './processLock.ts';

export interface PostgresOptions {
  /** How long to wait for another process's hold on the database to end (default 10 s). */
  lockWaitMs?: number;
  /** How often a process lock lost with its connection is asked for again (default 5 s). */
  lockRetakeMs?: number;
  /** Told when the process lock is lost (see ProcessLock), for the log. */
  onLockLost?: (problem: string) => void;
  /** A `postgres://` connection URL. */
  connectionString: string;
  /** Connections kept open to the database (default 10). */
  poolSize?: number;
  /**
   * 'alone' (default): this is the only Chorus process on the database, and a second one
   * that is not joined to it through Redis is refused. 'cluster': processes joined through
   * Redis share it (each announces its commits to the others).
   */
  sharing?: 'alone' | 'cluster';
}

// The new member's colour slot is the one fewest members of the workspace hold (the
// lowest of those): the first members all differ, and a leaver's colour is reused.
const INSERT_MEMBERSHIP = `
  INSERT INTO memberships (workspace_id, user_id, permission, participant_role, created_at, color_slot)
  SELECT $1, $2, $3, $4, $5, slot.n
  FROM generate_series(0, $6::int - 1) AS slot(n) LEFT JOIN (
    SELECT color_slot, COUNT(*) AS held FROM memberships WHERE workspace_id = $1 GROUP BY color_slot
  ) AS taken ON taken.color_slot = slot.n
  ORDER BY COALESCE(taken.held, 0), slot.n
  LIMIT 1`;

const insertMember = (db: Queryable, m: NewMembership) =>
  db.query(INSERT_MEMBERSHIP, [
    m.workspaceId,
    m.userId,
    m.permission,
    m.participantRole,
    m.createdAt,
    personColors.length,
  ]);

/**
 * SQLSTATEs of `chorus_append` (see schema.ts): a client id is another account's; a
 * document is gone; a document is closed.
 */
const CLIENT_ID_TAKEN = 'CH001';
const DOCUMENT_GONE = 'CH002';
const DOCUMENT_LOCKED = 'CH003';

/**
 * The one write path of the journal: rows, the client ids they introduce and their
 * attribution ledger, in one call of `chorus_append` (one round trip; see schema.ts for
 * what it does). Returns the number each row was stored under. A client id another
 * process registered first is no conflict for the same account (someone's offline edits
 * reaching this process); for another account the call is refused for the documents
 * concerned (`ClientIdTaken`), as the attribution gate would.
 */
async function appendJournal(
  db: Queryable,
  journalRows: readonly JournalRow[],
  clientIds: readonly ClientIdOwner[],
  ledger: LedgerEntries = { inserts: [], carried: [], deletes: [] },
): Promise<number[]> {
  const r = journalRows;
  const c = clientIds;
  const { inserts: i, carried: k, deletes: d } = ledger;
  try {
    const result = await first<{ seqs: number[] }>(
      db,
      `SELECT chorus_append(${Array.from({ length: 31 }, (_, n) => `$${n + 1}`).join(', ')}) AS seqs`,
      [
        r.map((x) => x.documentId),
        r.map((x) => x.createdAt),
        r.map((x) => x.accountId),
        r.map((x) => x.participantRole ?? null),
        r.map((x) => Buffer.from(x.update.buffer, x.update.byteOffset, x.update.byteLength)),
        c.map((x) => x.documentId),
        c.map((x) => x.clientId),
        c.map((x) => x.accountId),
        c.map((x) => x.firstSeen),
        c.map((x) => x.participantRole ?? null),
        i.map((x) => x.documentId),
        i.map((x) => x.clientId),
        i.map((x) => x.clock),
        i.map((x) => x.len),
        i.map((x) => x.at),
        k.map((x) => x.documentId),
        k.map((x) => x.clientId),
        k.map((x) => x.clock),
        k.map((x) => x.len),
        k.map((x) => x.authorId),
        k.map((x) => x.originalAt),
        d.map((x) => x.documentId),
        d.map((x) => x.clientId),
        d.map((x) => x.clock),
        d.map((x) => x.len),
        d.map((x) => x.deletedBy),
        d.map((x) => x.authorId),
        d.map((x) => x.at),
        d.map((x) => x.words),
        // 0: deleted, 1: moved within one transaction, 2: brought back by a restore.
        d.map((x) => (x.restored ? 2 : x.carried ? 1 : 0)),
        textLockingStatuses,
      ],
    );
    return (result?.seqs ?? []).map(Number);
  } catch (err) {
    if (err instanceof pg.DatabaseError && err.code === CLIENT_ID_TAKEN) {
      throw new ClientIdTaken(new Set((err.detail ?? '').split(',')));
    }
    if (err instanceof pg.DatabaseError && err.code === DOCUMENT_GONE) {
      throw new DocumentGone(new Set((err.detail ?? '').split(',')));
    }
    if (err instanceof pg.DatabaseError && err.code === DOCUMENT_LOCKED) {
      throw new DocumentLocked(new Set((err.detail ?? '').split(',')));
    }
    throw err;
  }
}

/**
 * Comments in PostgreSQL. Each conditional write is one statement whose WHERE clause holds
 * the whole rule (document, author, not deleted): the row lock it takes makes a concurrent
 * edit and delete from other processes run one after the other, each seeing the other's
 * result, so nothing can slip in between a check and the write.
 */
function postgresCommentStore(pool: pg.Pool): CommentStore {
  return {
    async createThread(t, c) {
      await transaction(pool, async (client) => {
        await client.query(
          `INSERT INTO comment_threads (id, document_id, anchor_start, anchor_end, quote,
             created_by, created_at, resolved_at, resolved_by, suggestion, suggestion_outcome,
             suggestion_decided_by, suggestion_decided_at, suggestion_client_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
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
          ],
        );
        await client.query(
          `INSERT INTO comments (id, thread_id, document_id, author_id, participant_role, body,
             mentions, created_at, edited_at, deleted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
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
          ],
        );
      });
    },
    async addReply(c) {
      // Inserts nothing unless the thread is one of the comment's document.
      const added = await changes(
        pool,
        `INSERT INTO comments (id, thread_id, document_id, author_id, participant_role, body,
           mentions, created_at, edited_at, deleted_at)
         SELECT $1, id, document_id, $2, $3, $4, $5, $6, $7, $8 FROM comment_threads
         WHERE id = $9 AND document_id = $10`,
        [
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
        ],
      );
      return added === 1;
    },
    async getThread(documentId, threadId) {
      const row = await first<CommentThreadRow>(
        pool,
        'SELECT * FROM comment_threads WHERE document_id = $1 AND id = $2',
        [documentId, threadId],
      );
      return row ? toCommentThread(row) : null;
    },
    async getComment(documentId, commentId) {
      const row = await first<CommentRow>(
        pool,
        'SELECT * FROM comments WHERE document_id = $1 AND id = $2',
        [documentId, commentId],
      );
      return row ? toComment(row) : null;
    },
    async listThreads(documentId) {
      const found = await rows<CommentThreadRow>(
        pool,
        'SELECT * FROM comment_threads WHERE document_id = $1 ORDER BY created_at, id',
        [documentId],
      );
      return found.map(toCommentThread);
    },
    async listComments(documentId) {
      const found = await rows<CommentRow>(
        pool,
        'SELECT * FROM comments WHERE document_id = $1 ORDER BY created_at, id',
        [documentId],
      );
      return found.map(toComment);
    },
    async editComment(documentId, commentId, authorId, change, at) {
      const edited = await changes(
        pool,
        `UPDATE comments SET body = $1, mentions = $2, edited_at = $3
         WHERE document_id = $4 AND id = $5 AND author_id = $6 AND deleted_at IS NULL`,
        [change.body, JSON.stringify(change.mentions), at, documentId, commentId, authorId],
      );
      return edited === 1;
    },
    async deleteComment(documentId, commentId, authorId, at) {
      const deleted = await changes(
        pool,
        `UPDATE comments SET body = '', mentions = '[]', deleted_at = $1
         WHERE document_id = $2 AND id = $3 AND author_id = $4 AND deleted_at IS NULL`,
        [at, documentId, commentId, authorId],
      );
      return deleted === 1;
    },
    async setResolved(documentId, threadId, resolved) {
      const changed = await changes(
        pool,
        `UPDATE comment_threads SET resolved_at = $1, resolved_by = $2
         WHERE document_id = $3 AND id = $4`,
        [resolved?.at ?? null, resolved?.by ?? null, documentId, threadId],
      );
      return changed === 1;
    },
    async decideSuggestion(documentId, threadId, decision) {
      // One statement whose WHERE clause holds the rule, so two editors cannot both decide.
      // A rejection resolves the thread at once; an acceptance does when it is settled.
      const rejected = decision.outcome === 'rejected';
      const changed = await changes(
        pool,
        `UPDATE comment_threads SET suggestion_outcome = $1, suggestion_decided_by = $2,
           suggestion_decided_at = $3, suggestion_client_id = $4,
           resolved_at = CASE WHEN $5::boolean THEN $3 ELSE resolved_at END,
           resolved_by = CASE WHEN $5::boolean THEN $2 ELSE resolved_by END
         WHERE document_id = $6 AND id = $7 AND suggestion IS NOT NULL
           AND suggestion_outcome IS NULL
           AND (SELECT c.deleted_at FROM comments c
                WHERE c.document_id = comment_threads.document_id
                  AND c.thread_id = comment_threads.id
                ORDER BY c.created_at, c.id LIMIT 1) IS NULL
           AND (NOT $8::boolean OR (anchor_start = $9 AND anchor_end = $10 AND quote = $11
                AND suggestion = $12))`,
        [
          decision.outcome,
          decision.by,
          decision.at,
          rejected ? null : decision.clientId,
          rejected,
          documentId,
          threadId,
          decision.as !== undefined,
          decision.as ? Buffer.from(decision.as.anchorStart) : null,
          decision.as ? Buffer.from(decision.as.anchorEnd) : null,
          decision.as?.quote ?? null,
          decision.as?.text ?? null,
        ],
      );
      return changed === 1;
    },
    async withdrawSuggestion(documentId, threadId, by, as, at) {
      // One statement whose WHERE clause holds the rule, as for a decision.
      const changed = await changes(
        pool,
        `UPDATE comments SET body = '', mentions = '[]', deleted_at = $1
         WHERE document_id = $2 AND author_id = $4 AND deleted_at IS NULL
           AND id = (SELECT c.id FROM comments c
                     WHERE c.document_id = $2 AND c.thread_id = $3
                     ORDER BY c.created_at, c.id LIMIT 1)
           AND EXISTS (SELECT 1 FROM comment_threads t
                       WHERE t.document_id = $2 AND t.id = $3 AND t.created_by = $4
                         AND t.suggestion IS NOT NULL AND t.suggestion_outcome IS NULL
                         AND t.anchor_start = $5 AND t.anchor_end = $6
                         AND t.quote = $7 AND t.suggestion = $8)`,
        [
          at,
          documentId,
          threadId,
          by,
          Buffer.from(as.anchorStart),
          Buffer.from(as.anchorEnd),
          as.quote,
          as.text,
        ],
      );
      return changed === 1;
    },
    async reviseSuggestion(documentId, threadId, by, from, to) {
      // One statement whose WHERE clause holds the rule, as for a decision.
      const changed = await changes(
        pool,
        `UPDATE comment_threads SET anchor_start = $1, anchor_end = $2, quote = $3,
           suggestion = $4
         WHERE document_id = $5 AND id = $6 AND created_by = $7
           AND suggestion IS NOT NULL AND suggestion_outcome IS NULL
           AND anchor_start = $8 AND anchor_end = $9 AND quote = $10 AND suggestion = $11
           AND (SELECT c.deleted_at FROM comments c
                WHERE c.document_id = comment_threads.document_id
                  AND c.thread_id = comment_threads.id
                ORDER BY c.created_at, c.id LIMIT 1) IS NULL`,
        [
          Buffer.from(to.anchorStart),
          Buffer.from(to.anchorEnd),
          to.quote,
          to.text,
          documentId,
          threadId,
          by,
          Buffer.from(from.anchorStart),
          Buffer.from(from.anchorEnd),
          from.quote,
          from.text,
        ],
      );
      return changed === 1;
    },
    async settleAcceptance(documentId, threadId, clientId, at) {
      return transaction(pool, async (client) => {
        // The row lock makes two processes settling the same acceptance run one after the
        // other: the second finds it settled.
        const thread = await first<{ created_by: string }>(
          client,
          `SELECT created_by FROM comment_threads
           WHERE document_id = $1 AND id = $2 AND suggestion_outcome = 'accepting'
             AND suggestion_client_id = $3
           FOR UPDATE`,
          [documentId, threadId, clientId],
        );
        if (!thread) return null;
        // Waits for a journal commit under way that registers the id (another process may
        // be writing the words right now), then either finds it or takes the id from it:
        // that commit is then refused (chorus_append, CH001) and the words never written.
        await client.query(
          `INSERT INTO client_ids (document_id, client_id, account_id, first_seen)
           VALUES ($1, $2, NULL, $3) ON CONFLICT DO NOTHING`,
          [documentId, clientId, at],
        );
        const owner = await first<{ account_id: string | null }>(
          client,
          'SELECT account_id FROM client_ids WHERE document_id = $1 AND client_id = $2',
          [documentId, clientId],
        );
        if (owner?.account_id === thread.created_by) {
          await client.query(
            `UPDATE comment_threads SET suggestion_outcome = 'accepted',
               resolved_at = suggestion_decided_at, resolved_by = suggestion_decided_by
             WHERE document_id = $1 AND id = $2`,
            [documentId, threadId],
          );
          return 'accepted' as const;
        }
        await client.query(
          `UPDATE comment_threads SET suggestion_outcome = NULL, suggestion_decided_by = NULL,
             suggestion_decided_at = NULL, suggestion_client_id = NULL
           WHERE document_id = $1 AND id = $2`,
          [documentId, threadId],
        );
        return 'reopened' as const;
      });
    },
    async listAccepting() {
      const found = await rows<{
        document_id: string;
        id: string;
        suggestion_client_id: number;
        suggestion_decided_at: number;
      }>(
        pool,
        `SELECT document_id, id, suggestion_client_id, suggestion_decided_at FROM comment_threads
         WHERE suggestion_outcome = 'accepting' ORDER BY suggestion_decided_at, id`,
      );
      return found.map((r) => ({
        documentId: r.document_id,
        threadId: r.id,
        clientId: r.suggestion_client_id,
        decidedAt: r.suggestion_decided_at,
      }));
    },
  };
}

/**
 * Opens a PostgreSQL database (several Chorus processes may share one) and migrates it.
 * Every write that must be atomic runs in one transaction; a journal append resolves only
 * once PostgreSQL has committed it (with its default `synchronous_commit = on`, flushed).
 */
export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  const lock = await ProcessLock.take(options.connectionString, options.sharing ?? 'alone', {
    waitMs: options.lockWaitMs,
    retakeEveryMs: options.lockRetakeMs,
    onLost: options.onLockLost,
  });
  const pool = createPool(options.connectionString, options.poolSize ?? 10);
  try {
    await migrate(pool);
  } catch (err) {
    await Promise.allSettled([pool.end(), lock.release()]);
    throw err;
  }
  return postgresStorage(pool, lock);
}

function postgresStorage(pool: pg.Pool, lock: ProcessLock): Storage {
  return {
    users: {
      async create(u: UserRecord) {
        await pool.query(
          `INSERT INTO users (id, name, email, password_hash, created_at, credit_mode, display_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [u.id, u.name, u.email, u.passwordHash, u.createdAt, u.creditMode, u.displayName],
        );
      },
      async findByEmail(email) {
        const row = await first<UserRow>(pool, 'SELECT * FROM users WHERE email = $1', [email]);
        return row ? toUser(row) : null;
      },
      async findById(id) {
        const row = await first<UserRow>(pool, 'SELECT * FROM users WHERE id = $1', [id]);
        return row ? toUser(row) : null;
      },
      async update(id, change) {
        const columns: Record<string, string> = {
          name: 'name',
          creditMode: 'credit_mode',
          displayName: 'display_name',
          passwordHash: 'password_hash',
        };
        const entries = Object.entries(change).filter(([k, v]) => k in columns && v !== undefined);
        if (entries.length === 0) return;
        const sets = entries.map(([k], i) => `${columns[k]} = $${i + 1}`).join(', ');
        await pool.query(`UPDATE users SET ${sets} WHERE id = $${entries.length + 1}`, [
          ...entries.map(([, v]) => v),
          id,
        ]);
      },
      async markDeleted(id, at) {
        // The email becomes a value no sign-in or sign-up can match (it has no @), unique
        // per account; '!' is no argon2 hash, so every password check against it fails.
        await pool.query(
          `UPDATE users SET name = 'Deleted account', email = $1, password_hash = '!',
             credit_mode = 'role_only', display_name = NULL, email_confirmed_at = NULL,
             deleted_at = $2 WHERE id = $3`,
          [`deleted:${id}`, at, id],
        );
      },
    },
    sessions: {
      async create(s: SessionRecord) {
        await pool.query(
          `INSERT INTO sessions (id, secret_hash, user_id, created_at, last_used_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [s.id, Buffer.from(s.secretHash), s.userId, s.createdAt, s.lastUsedAt, s.expiresAt],
        );
      },
      async find(id) {
        const row = await first<SessionRow>(pool, 'SELECT * FROM sessions WHERE id = $1', [id]);
        return row ? toSession(row) : null;
      },
      async touch(id, lastUsedAt) {
        await pool.query('UPDATE sessions SET last_used_at = $1 WHERE id = $2', [lastUsedAt, id]);
      },
      async delete(id) {
        await pool.query('DELETE FROM sessions WHERE id = $1', [id]);
      },
      async deleteForUser(userId) {
        const deleted = await rows<{ id: string }>(
          pool,
          'DELETE FROM sessions WHERE user_id = $1 RETURNING id',
          [userId],
        );
        return deleted.map((r) => r.id);
      },
      async listForUser(userId) {
        const found = await rows<SessionRow>(
          pool,
          'SELECT * FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC',
          [userId],
        );
        return found.map(toSession);
      },
    },
    workspaces: {
      async create(w, ownerId) {
        await transaction(pool, async (c) => {
          await c.query('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', [
            w.id,
            w.name,
            w.createdAt,
          ]);
          await insertMember(c, {
            workspaceId: w.id,
            userId: ownerId,
            permission: 'owner',
            participantRole: 'other',
            createdAt: w.createdAt,
          });
        });
      },
      async get(id) {
        const row = await first<WorkspaceRow>(pool, 'SELECT * FROM workspaces WHERE id = $1', [id]);
        return row ? toWorkspace(row) : null;
      },
      async listForUser(userId) {
        const found = await rows<WorkspaceRow & { permission: string }>(
          pool,
          `SELECT w.*, m.permission FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
           WHERE m.user_id = $1 ORDER BY w.created_at, w.id`,
          [userId],
        );
        return found.map((r) => ({ ...toWorkspace(r), permission: r.permission as Permission }));
      },
      async addMember(m) {
        await insertMember(pool, m);
      },
      async updateMember(workspaceId, userId, change) {
        if (change.permission) {
          await pool.query(
            'UPDATE memberships SET permission = $1 WHERE workspace_id = $2 AND user_id = $3',
            [change.permission, workspaceId, userId],
          );
        }
        if (change.participantRole) {
          await pool.query(
            'UPDATE memberships SET participant_role = $1 WHERE workspace_id = $2 AND user_id = $3',
            [change.participantRole, workspaceId, userId],
          );
        }
      },
      async removeMember(workspaceId, userId) {
        await transaction(pool, async (c) => {
          await c.query('DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2', [
            workspaceId,
            userId,
          ]);
          await c.query(
            `DELETE FROM document_access WHERE user_id = $1 AND document_id IN
               (SELECT id FROM documents WHERE workspace_id = $2)`,
            [userId, workspaceId],
          );
        });
      },
      async countOwners(workspaceId) {
        const row = await first<{ n: number }>(
          pool,
          "SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = $1 AND permission = 'owner'",
          [workspaceId],
        );
        return row?.n ?? 0;
      },
      async erase(workspaceId) {
        return transaction(pool, async (c) => {
          const ids = (
            await rows<{ id: string }>(c, 'SELECT id FROM documents WHERE workspace_id = $1', [
              workspaceId,
            ])
          ).map((r) => r.id);
          if (ids.length > 0) {
            // The heads first: a commit of another process that holds one finishes before
            // this goes on (its rows are then erased with the rest), and any later commit
            // to these documents fails on the foreign key.
            await c.query('DELETE FROM journal_heads WHERE document_id = ANY($1::text[])', [ids]);
            // Then the documents' rows, before their status and the rest: the same order as a
            // commit (heads, then the document's row) and a status change (the document's row,
            // then its status), so erasing while someone closes a document cannot deadlock.
            await c.query(
              'SELECT 1 FROM documents WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
              [ids],
            );
            for (const table of documentTables) {
              await c.query(`DELETE FROM ${table} WHERE document_id = ANY($1::text[])`, [ids]);
            }
          }
          // Memberships, documents (and their access lists) and invites go with it (ON DELETE CASCADE).
          await c.query('DELETE FROM workspaces WHERE id = $1', [workspaceId]);
          return ids;
        });
      },
      async getMembership(workspaceId, userId) {
        const row = await first<MembershipRow>(
          pool,
          'SELECT * FROM memberships WHERE workspace_id = $1 AND user_id = $2',
          [workspaceId, userId],
        );
        return row ? toMembership(row) : null;
      },
      async listMembers(workspaceId): Promise<MemberView[]> {
        const found = await rows<
          MembershipRow & {
            name: string;
            email: string;
            credit_mode: string;
            display_name: string | null;
          }
        >(
          pool,
          `SELECT m.*, u.name, u.email, u.credit_mode, u.display_name
           FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.workspace_id = $1 ORDER BY m.created_at, u.name`,
          [workspaceId],
        );
        return found.map((r) => ({
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
        await transaction(pool, async (c) => {
          await c.query(
            `INSERT INTO documents (id, workspace_id, title, kind, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [d.id, d.workspaceId, d.title, d.kind, d.createdBy, d.createdAt, d.updatedAt],
          );
          await appendJournal(c, [seed], seedClients);
        });
      },
      async get(id) {
        const row = await first<DocumentRow>(
          pool,
          'SELECT * FROM documents WHERE id = $1 AND deleted_at IS NULL',
          [id],
        );
        return row ? toDocument(row) : null;
      },
      async listForWorkspace(workspaceId) {
        const found = await rows<DocumentRow>(
          pool,
          `SELECT * FROM documents WHERE workspace_id = $1 AND deleted_at IS NULL
           ORDER BY updated_at DESC, id`,
          [workspaceId],
        );
        return found.map(toDocument);
      },
      async rename(id, title, updatedAt) {
        await pool.query('UPDATE documents SET title = $1, updated_at = $2 WHERE id = $3', [
          title,
          updatedAt,
          id,
        ]);
      },
      async touch(id, updatedAt) {
        await pool.query('UPDATE documents SET updated_at = $1 WHERE id = $2', [updatedAt, id]);
      },
      async delete(id, at) {
        await pool.query('UPDATE documents SET deleted_at = $1 WHERE id = $2', [at, id]);
      },
      async setAccess(id, restricted, overrides) {
        await transaction(pool, async (c) => {
          await c.query('UPDATE documents SET restricted = $1 WHERE id = $2', [restricted, id]);
          await c.query('DELETE FROM document_access WHERE document_id = $1', [id]);
          for (const o of overrides) {
            await c.query(
              'INSERT INTO document_access (document_id, user_id, permission) VALUES ($1, $2, $3)',
              [id, o.userId, o.permission],
            );
          }
        });
      },
      async getOverride(id, userId) {
        const row = await first<{ permission: string }>(
          pool,
          'SELECT permission FROM document_access WHERE document_id = $1 AND user_id = $2',
          [id, userId],
        );
        return (row?.permission as DocumentPermission | undefined) ?? null;
      },
      async listOverrides(id) {
        const found = await rows<{ user_id: string; permission: string }>(
          pool,
          'SELECT user_id, permission FROM document_access WHERE document_id = $1 ORDER BY user_id',
          [id],
        );
        return found.map((r) => ({
          userId: r.user_id,
          permission: r.permission as DocumentPermission,
        }));
      },
    },
    invites: {
      async create(i: InviteRecord) {
        await pool.query(
          `INSERT INTO invites (id, secret_hash, workspace_id, permission, participant_role,
             created_by, created_at, expires_at, max_uses, uses, revoked_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
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
          ],
        );
      },
      async get(id) {
        const row = await first<InviteRow>(pool, 'SELECT * FROM invites WHERE id = $1', [id]);
        return row ? toInvite(row) : null;
      },
      async listForWorkspace(workspaceId) {
        const found = await rows<InviteRow>(
          pool,
          'SELECT * FROM invites WHERE workspace_id = $1 ORDER BY created_at DESC',
          [workspaceId],
        );
        return found.map(toInvite);
      },
      async revoke(id, at) {
        await pool.query(
          'UPDATE invites SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [at, id],
        );
      },
      async redeem(id, membership, now) {
        return transaction(pool, async (c) => {
          // The row lock taken by this UPDATE makes concurrent redemptions of the last
          // place wait for each other, so an invite is never used beyond its limit.
          const used = await changes(
            c,
            `UPDATE invites SET uses = uses + 1 WHERE id = $1 AND revoked_at IS NULL
               AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses)`,
            [id, now],
          );
          if (used !== 1) return false;
          await insertMember(c, membership);
          return true;
        });
      },
    },
    evaluations: postgresEvaluationStore(pool),
    bids: postgresBidStore(pool),
    comments: postgresCommentStore(pool),
    lifecycles: postgresLifecycleStore(pool),
    mentionReads: postgresMentionReadStore(pool),
    mentionEmails: postgresMentionEmailStore(pool),
    preferences: postgresPreferenceStore(pool),
    emailConfirmations: postgresEmailConfirmationStore(pool),
    versions: {
      async create(v: VersionRecord) {
        await pool.query(
          `INSERT INTO versions (id, document_id, kind, label, created_by, created_at, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [v.id, v.documentId, v.kind, v.label, v.createdBy, v.createdAt, Buffer.from(v.state)],
        );
      },
      async list(documentId) {
        const found = await rows<VersionMetaRow>(
          pool,
          `SELECT id, document_id, kind, label, created_by, created_at FROM versions
           WHERE document_id = $1 ORDER BY created_at DESC, id`,
          [documentId],
        );
        return found.map(toVersionMeta);
      },
      async get(documentId, id) {
        const r = await first<VersionMetaRow & { state: Buffer }>(
          pool,
          'SELECT * FROM versions WHERE document_id = $1 AND id = $2',
          [documentId, id],
        );
        return r ? { ...toVersionMeta(r), state: bytes(r.state) } : null;
      },
      async latest(documentId, kind) {
        const r = await first<VersionMetaRow>(
          pool,
          `SELECT id, document_id, kind, label, created_by, created_at FROM versions
           WHERE document_id = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`,
          [documentId, kind],
        );
        return r ? toVersionMeta(r) : null;
      },
      async remove(documentId, id) {
        await pool.query('DELETE FROM versions WHERE document_id = $1 AND id = $2', [
          documentId,
          id,
        ]);
      },
    },
    audit: {
      async append(e) {
        await appendAudit(pool, [e]);
      },
      async query(workspaceId, filter) {
        // Account events (sign-ins) of the workspace's members count as the workspace's too.
        const args: (string | number)[] = [workspaceId];
        const where = [
          `(workspace_id = $1 OR (workspace_id IS NULL AND actor_id IN
             (SELECT user_id FROM memberships WHERE workspace_id = $1)))`,
        ];
        if (filter.action) {
          args.push(filter.action);
          where.push(`action = $${args.length}`);
        }
        if (filter.actorId) {
          args.push(filter.actorId);
          where.push(`actor_id = $${args.length}`);
        }
        if (filter.before) {
          args.push(filter.before);
          where.push(`id < $${args.length}`);
        }
        args.push(filter.limit);
        const found = await rows<AuditDbRow>(
          pool,
          `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${args.length}`,
          args,
        );
        return found.map(toAudit);
      },
      async forActor(actorId, limit) {
        const found = await rows<AuditDbRow>(
          pool,
          'SELECT * FROM audit_log WHERE actor_id = $1 ORDER BY id DESC LIMIT $2',
          [actorId, limit],
        );
        return found.map(toAudit);
      },
    },
    journal: {
      async append(journalRows, clientIds = [], ledger) {
        if (journalRows.length === 0 && clientIds.length === 0 && !ledger) return [];
        // One statement: its own transaction.
        return appendJournal(pool, journalRows, clientIds, ledger);
      },
      async heads(documentIds) {
        const found = await rows<{ document_id: string; seq: number }>(
          pool,
          'SELECT document_id, seq FROM journal_heads WHERE document_id = ANY($1::text[])',
          [documentIds],
        );
        return new Map(found.map((h) => [h.document_id, h.seq]));
      },
      async rowsAfter(documentId, afterSeq) {
        const found = await rows<{ seq: number; update_bytes: Buffer; account_id: string | null }>(
          pool,
          'SELECT seq, update_bytes, account_id FROM journal WHERE document_id = $1 AND seq > $2 ORDER BY seq',
          [documentId, afterSeq],
        );
        return found.map((r) => ({
          seq: r.seq,
          update: bytes(r.update_bytes),
          accountId: r.account_id,
        }));
      },
      async loadLedger(documentId) {
        const [owners, inserts, carried, deletes] = await Promise.all([
          rows<{ client_id: number; account_id: string | null }>(
            pool,
            'SELECT client_id, account_id FROM client_ids WHERE document_id = $1',
            [documentId],
          ),
          rows<{ client_id: number; clock: number; len: number; at: number }>(
            pool,
            `SELECT client_id, clock, len, at FROM ledger_inserts WHERE document_id = $1
             ORDER BY client_id, clock`,
            [documentId],
          ),
          rows<{
            client_id: number;
            clock: number;
            len: number;
            author_id: string | null;
            original_at: number;
          }>(
            pool,
            `SELECT client_id, clock, len, author_id, original_at FROM ledger_carried
             WHERE document_id = $1 ORDER BY client_id, clock`,
            [documentId],
          ),
          rows<{
            client_id: number;
            clock: number;
            len: number;
            deleted_by: string | null;
            author_id: string | null;
            at: number;
            words: number;
            carried: number;
          }>(pool, 'SELECT * FROM ledger_deletes WHERE document_id = $1 ORDER BY id', [documentId]),
        ]);
        return {
          owners: new Map(owners.map((r) => [r.client_id, r.account_id])),
          inserts: inserts.map((r) => ({
            documentId,
            clientId: r.client_id,
            clock: r.clock,
            len: r.len,
            at: r.at,
          })),
          carried: carried.map((r) => ({
            documentId,
            clientId: r.client_id,
            clock: r.clock,
            len: r.len,
            authorId: r.author_id,
            originalAt: r.original_at,
          })),
          deletes: deletes.map((r) => ({
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
        // Oldest first, so the last role read for each account is its latest.
        const latest = await rows<{ account_id: string; participant_role: string }>(
          pool,
          `SELECT account_id, participant_role FROM client_ids
           WHERE document_id = $1 AND account_id IS NOT NULL AND participant_role IS NOT NULL
           ORDER BY first_seen, client_id`,
          [documentId],
        );
        for (const r of latest) roles.set(r.account_id, r.participant_role as ParticipantRole);
        // Someone who only ever deleted has no client id of their own: their newest edit's.
        const deleters = await rows<{ deleted_by: string }>(
          pool,
          `SELECT DISTINCT deleted_by FROM ledger_deletes
           WHERE document_id = $1 AND deleted_by IS NOT NULL`,
          [documentId],
        );
        const roleless = deleters.map((r) => r.deleted_by).filter((id) => !roles.has(id));
        if (roleless.length > 0) {
          const newest = await rows<{ account_id: string; participant_role: string }>(
            pool,
            `SELECT DISTINCT ON (account_id) account_id, participant_role FROM journal
             WHERE document_id = $1 AND participant_role IS NOT NULL
               AND account_id = ANY($2::text[])
             ORDER BY account_id, seq DESC`,
            [documentId, roleless],
          );
          for (const r of newest) roles.set(r.account_id, r.participant_role as ParticipantRole);
        }
        return roles;
      },
      async load(documentId, options): Promise<LoadedJournal> {
        // One transaction, so the snapshot and the rows after it are read at one moment.
        return transaction(pool, async (c) => {
          await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
          const snap = options?.withoutSnapshot
            ? null
            : await first<{ upto_seq: number; state: Buffer }>(
                c,
                'SELECT upto_seq, state FROM snapshots WHERE document_id = $1',
                [documentId],
              );
          const after = snap ? snap.upto_seq : 0;
          const found = await rows<{ seq: number; update_bytes: Buffer }>(
            c,
            'SELECT seq, update_bytes FROM journal WHERE document_id = $1 AND seq > $2 ORDER BY seq',
            [documentId, after],
          );
          const owners = await rows<{ client_id: number; account_id: string | null }>(
            c,
            'SELECT client_id, account_id FROM client_ids WHERE document_id = $1',
            [documentId],
          );
          const head = await first<{ seq: number }>(
            c,
            'SELECT seq FROM journal_heads WHERE document_id = $1',
            [documentId],
          );
          return {
            headSeq: head?.seq ?? 0,
            snapshot: snap ? { state: bytes(snap.state), uptoSeq: snap.upto_seq } : null,
            rows: found.map((r) => ({ seq: r.seq, update: bytes(r.update_bytes) })),
            clientOwners: owners.map((r) => ({ clientId: r.client_id, accountId: r.account_id })),
          };
        });
      },
      async writeSnapshot(documentId, state, uptoSeq) {
        // Never replaced by an older one.
        await pool.query(
          `INSERT INTO snapshots (document_id, upto_seq, state, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (document_id) DO UPDATE SET upto_seq = excluded.upto_seq,
             state = excluded.state, created_at = excluded.created_at
           WHERE excluded.upto_seq >= snapshots.upto_seq`,
          [documentId, uptoSeq, Buffer.from(state), Date.now()],
        );
      },
      async quarantine(documentId, seq, reason) {
        await transaction(pool, async (c) => {
          await c.query(
            `INSERT INTO quarantine
               (document_id, seq, created_at, account_id, update_bytes, reason, quarantined_at)
             SELECT document_id, seq, created_at, account_id, update_bytes, $1, $2 FROM journal
             WHERE document_id = $3 AND seq = $4
             ON CONFLICT (document_id, seq) DO UPDATE SET
               created_at = excluded.created_at, account_id = excluded.account_id,
               update_bytes = excluded.update_bytes, reason = excluded.reason,
               quarantined_at = excluded.quarantined_at`,
            [reason, Date.now(), documentId, seq],
          );
          await c.query('DELETE FROM journal WHERE document_id = $1 AND seq = $2', [
            documentId,
            seq,
          ]);
        });
      },
      async countRows(documentId) {
        const row = await first<{ n: number }>(
          pool,
          'SELECT COUNT(*) AS n FROM journal WHERE document_id = $1',
          [documentId],
        );
        return row?.n ?? 0;
      },
    },
    async ping() {
      if (lock.problem) return lock.problem;
      try {
        await pool.query('SELECT 1');
        return 'ok';
      } catch (err) {
        return `the database does not answer: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
    async integrityCheck() {
      // PostgreSQL checks its own pages (and WAL) itself; what Chorus can check is that the
      // database answers and holds the schema this version expects.
      if (lock.problem) return lock.problem;
      try {
        const row = await first<{ version: number }>(pool, 'SELECT version FROM chorus_schema');
        return row ? 'ok' : 'the chorus_schema table is empty';
      } catch (err) {
        return `the database does not answer: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
    async close() {
      await pool.end();
      await lock.release();
    },
  };
}

/** Document statuses in PostgreSQL: each write names the version it replaces. */
function postgresLifecycleStore(pool: pg.Pool): LifecycleStore {
  return {
    async get(documentId) {
      const row = await first<LifecycleRow>(
        pool,
        'SELECT * FROM document_lifecycle WHERE document_id = $1',
        [documentId],
      );
      return row ? toLifecycle(row) : null;
    },
    async save(r: LifecycleRecord, audit: readonly AuditEntry[] = []) {
      const leads = JSON.stringify(r.leads);
      const approvals = JSON.stringify(r.approvals);
      return transaction(pool, async (c) => {
        // The document's row, locked against the journal's commits (which hold it shared
        // while they read its status, see chorus_append): a closing commits either before
        // a batch is checked or after it is stored, never in between.
        await c.query('SELECT 1 FROM documents WHERE id = $1 FOR NO KEY UPDATE', [r.documentId]);
        const result =
          r.version === 1
            ? await c.query(
                `INSERT INTO document_lifecycle
                 (document_id, status, leads, approvals, version, changed_at, changed_by)
               VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (document_id) DO NOTHING`,
                [r.documentId, r.status, leads, approvals, r.changedAt, r.changedBy],
              )
            : await c.query(
                `UPDATE document_lifecycle
               SET status = $1, leads = $2, approvals = $3, version = version + 1,
                 changed_at = $4, changed_by = $5
               WHERE document_id = $6 AND version = $7`,
                [r.status, leads, approvals, r.changedAt, r.changedBy, r.documentId, r.version - 1],
              );
        if (result.rowCount !== 1) return false;
        await appendAudit(c, audit);
        return true;
      });
    },
  };
}
