import { Worker } from 'node:worker_threads';
import { DocumentLocked } from '../errors.ts';
import type { ClientIdOwner, JournalRow, LedgerEntries } from '../types.ts';
import type { WriteReply, WriteRequest, WriterInit } from './journalWriter.worker.ts';

/**
 * Commits journal batches on a worker thread. Writes are answered in order; a batch is
 * acknowledged only after its transaction committed, so "saved" still means on disk.
 */
export class JournalWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #failed: Error | null = null;

  constructor(init: WriterInit) {
    this.#worker = new Worker(new URL('./journalWriter.boot.mjs', import.meta.url), {
      workerData: init,
    });
    this.#worker.on('message', (reply: WriteReply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (reply.error === null) waiter?.resolve();
      else if (reply.locked) waiter?.reject(new DocumentLocked(new Set(reply.locked)));
      else waiter?.reject(new Error(`journal commit failed: ${reply.error}`));
    });
    const fail = (err: Error) => {
      this.#failed = err;
      for (const w of this.#pending.values()) w.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', (err) => fail(new Error(`journal writer failed: ${err.message}`)));
    this.#worker.on('exit', (code) => fail(new Error(`journal writer exited with code ${code}`)));
    // An idle writer must not keep an otherwise finished process alive; a busy one must,
    // or a shutdown could exit before its last commit is acknowledged.
    this.#worker.unref();
  }

  append(
    rows: readonly JournalRow[],
    clientIds: readonly ClientIdOwner[],
    ledger?: LedgerEntries,
  ): Promise<void> {
    return this.#send({
      id: 0,
      kind: 'append',
      rows: [...rows],
      clientIds: [...clientIds],
      ledger,
    });
  }

  writeSnapshot(documentId: string, state: Uint8Array, uptoSeq: number): Promise<void> {
    return this.#send({ id: 0, kind: 'snapshot', documentId, state, uptoSeq });
  }

  #send(request: WriteRequest): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    request.id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(request.id, { resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  /** Waits for every batch sent so far, then stops the thread. */
  async close(): Promise<void> {
    if (this.#pending.size > 0) {
      await Promise.allSettled(
        [...this.#pending.values()].map(
          (w) =>
            new Promise<void>((done) => {
              const { resolve, reject } = w;
              w.resolve = () => {
                resolve();
                done();
              };
              w.reject = (e) => {
                reject(e);
                done();
              };
            }),
        ),
      );
    }
    this.#failed ??= new Error('journal writer closed');
    await this.#worker.terminate();
  }
}
