/**
 * The journal writer thread. It owns its own connection to the database file and commits
 * each batch (and each snapshot) with `synchronous` as configured, so the wait for the disk (fsync) never
 * blocks the main thread's event loop, where messages are read, checked and relayed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { DocumentLocked } from '../errors.ts';
import type { ClientIdOwner, JournalRow, LedgerEntries } from '../types.ts';
import { prepareJournalAppend, prepareSnapshotWrite } from './journalWrites.ts';

export interface WriterInit {
  filename: string;
  synchronous: 'FULL' | 'NORMAL';
}

export type WriteRequest =
  | {
      id: number;
      kind: 'append';
      rows: JournalRow[];
      clientIds: ClientIdOwner[];
      ledger?: LedgerEntries;
    }
  | { id: number; kind: 'snapshot'; documentId: string; state: Uint8Array; uptoSeq: number };

/** `locked`: the documents a refused append named (see `DocumentLocked`), else null. */
export type WriteReply = { id: number; error: string | null; locked: string[] | null };

const init = workerData as WriterInit;
const db = new Database(init.filename);
db.pragma(`synchronous = ${init.synchronous}`);
db.pragma('busy_timeout = 5000');
const append = prepareJournalAppend(db);
const writeSnapshot = prepareSnapshotWrite(db);

parentPort?.on('message', (req: WriteRequest) => {
  let error: string | null = null;
  let locked: string[] | null = null;
  try {
    if (req.kind === 'append') append(req.rows, req.clientIds, req.ledger);
    else writeSnapshot(req.documentId, req.state, req.uptoSeq);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    // Errors lose their class crossing threads: the refusal goes by name.
    if (err instanceof DocumentLocked) locked = [...err.documentIds];
  }
  parentPort?.postMessage({ id: req.id, error, locked } satisfies WriteReply);
});
