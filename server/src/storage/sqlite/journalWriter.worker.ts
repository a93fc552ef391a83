/**
 * The journal writer thread. It owns its own connection to the database file and commits
 * each batch with `synchronous` as configured, so the wait for the disk (fsync) never
 * blocks the main thread's event loop, where messages are read, checked and relayed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ClientIdOwner, JournalRow, LedgerEntries } from '../types.ts';
import { prepareJournalAppend } from './journalWrites.ts';

export interface WriterInit {
  filename: string;
  synchronous: 'FULL' | 'NORMAL';
}

export interface AppendRequest {
  id: number;
  rows: JournalRow[];
  clientIds: ClientIdOwner[];
  ledger?: LedgerEntries;
}

export type AppendReply = { id: number; error: string | null };

const init = workerData as WriterInit;
const db = new Database(init.filename);
db.pragma(`synchronous = ${init.synchronous}`);
db.pragma('busy_timeout = 5000');
const append = prepareJournalAppend(db);

parentPort?.on('message', (req: AppendRequest) => {
  let error: string | null = null;
  try {
    append(req.rows, req.clientIds, req.ledger);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  parentPort?.postMessage({ id: req.id, error } satisfies AppendReply);
});
