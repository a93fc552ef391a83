import { textLockingStatuses } from '@chorus/shared';
import type Database from 'better-sqlite3';
import { DocumentLocked } from '../errors.ts';
import type { ClientIdOwner, JournalRow, LedgerEntries } from '../types.ts';

export type AppendJournal = (
  rows: readonly JournalRow[],
  clientIds: readonly ClientIdOwner[],
  ledger?: LedgerEntries,
) => void;

/** The documents a batch writes anything of: rows, client ids or ledger entries. */
export function documentsOf(
  rows: readonly JournalRow[],
  clientIds: readonly ClientIdOwner[],
  ledger?: LedgerEntries,
): string[] {
  const ids = new Set<string>();
  for (const r of rows) ids.add(r.documentId);
  for (const c of clientIds) ids.add(c.documentId);
  if (ledger) {
    for (const e of [...ledger.inserts, ...ledger.carried, ...ledger.deletes]) {
      ids.add(e.documentId);
    }
  }
  return [...ids];
}

/**
 * The one write path of the journal: rows, the client ids they introduce and their
 * attribution ledger, in one transaction. Shared by the main thread (for in-memory
 * databases and document seeds) and the journal writer thread.
 *
 * A batch for a document whose stored status locks its text (closed) is refused whole
 * (`DocumentLocked`, naming those documents), whatever the sync server believed when it
 * took the edits: the status is read inside the transaction, which begins IMMEDIATE, so no
 * other connection (the main thread's status change, when this runs on the writer thread)
 * can commit between the read and this commit. One read per commit, not per edit.
 */
export function prepareJournalAppend(db: Database.Database): AppendJournal {
  const appendRow = db.prepare(
    `INSERT INTO journal (document_id, seq, created_at, account_id, participant_role, update_bytes)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertClientId = db.prepare(
    `INSERT INTO client_ids (document_id, client_id, account_id, first_seen, participant_role)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const insertLedgerInsert = db.prepare(
    'INSERT OR IGNORE INTO ledger_inserts (document_id, client_id, clock, len, at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertLedgerCarried = db.prepare(
    `INSERT OR REPLACE INTO ledger_carried (document_id, client_id, clock, len, author_id, original_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const insertLedgerDelete = db.prepare(
    `INSERT INTO ledger_deletes (document_id, client_id, clock, len, deleted_by, author_id, at, words, carried)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  // One primary-key read per document of the batch (about a microsecond each). A single
  // query over both lists as JSON took SQLite's planner to a scan of every document's
  // status: 0.3 ms per commit with a thousand documents, on the path of every edit.
  const statusOf = db.prepare<[string], { status: string }>(
    'SELECT status FROM document_lifecycle WHERE document_id = ?',
  );
  const locking = new Set<string>(textLockingStatuses);

  // Each ledger entry names its own document: one batch may span several.
  const writeLedger = (ledger: LedgerEntries) => {
    for (const e of ledger.inserts) {
      insertLedgerInsert.run(e.documentId, e.clientId, e.clock, e.len, e.at);
    }
    for (const e of ledger.carried) {
      insertLedgerCarried.run(e.documentId, e.clientId, e.clock, e.len, e.authorId, e.originalAt);
    }
    for (const e of ledger.deletes) {
      insertLedgerDelete.run(
        e.documentId,
        e.clientId,
        e.clock,
        e.len,
        e.deletedBy,
        e.authorId,
        e.at,
        e.words,
        // 0: deleted, 1: moved within one transaction, 2: brought back by a restore.
        e.restored ? 2 : e.carried ? 1 : 0,
      );
    }
  };

  const append = db.transaction(
    (
      documents: readonly string[],
      rows: readonly JournalRow[],
      clientIds: readonly ClientIdOwner[],
      ledger?: LedgerEntries,
    ) => {
      const locked = documents.filter((d) => locking.has(statusOf.get(d)?.status ?? ''));
      if (locked.length > 0) throw new DocumentLocked(new Set(locked));
      if (ledger) writeLedger(ledger);
      for (const c of clientIds) {
        insertClientId.run(
          c.documentId,
          c.clientId,
          c.accountId,
          c.firstSeen,
          c.participantRole ?? null,
        );
      }
      for (const r of rows) {
        appendRow.run(
          r.documentId,
          r.seq,
          r.createdAt,
          r.accountId,
          r.participantRole ?? null,
          Buffer.from(r.update),
        );
      }
    },
  );
  // IMMEDIATE: the write lock is taken before the status is read (a deferred transaction
  // would read, then fail to write if another connection committed meanwhile).
  return (rows, clientIds, ledger) => {
    // A flush that only confirms writes nothing: no transaction, no lock taken.
    const documents = documentsOf(rows, clientIds, ledger);
    if (documents.length === 0) return;
    append.immediate(documents, rows, clientIds, ledger);
  };
}

export type WriteSnapshot = (documentId: string, state: Uint8Array, uptoSeq: number) => void;

/** Replaces a document's snapshot, never with an older one. */
export function prepareSnapshotWrite(db: Database.Database): WriteSnapshot {
  const upsert = db.prepare(
    `INSERT INTO snapshots (document_id, upto_seq, state, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(document_id) DO UPDATE SET upto_seq = excluded.upto_seq,
       state = excluded.state, created_at = excluded.created_at
     WHERE excluded.upto_seq >= snapshots.upto_seq`,
  );
  return (documentId, state, uptoSeq) => {
    upsert.run(documentId, uptoSeq, Buffer.from(state), Date.now());
  };
}
