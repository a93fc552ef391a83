import { CloseCode } from '@chorus/shared';
import type { Peer } from './peer.ts';

/** Below this a connection's queue is ordinary traffic, not worth watching. */
const WATCH_FROM_BYTES = 64 * 1024;

/**
 * A cap on what the server holds queued for all connections together. Each connection's
 * own queue is capped (`maxBufferedBytes`), but accounts cost nothing to make, so many
 * connections that stop reading would multiply that cap until the process runs out of
 * memory. Connections whose queue passes a small mark are watched; when the watched
 * queues together pass the cap, the largest are cut off (their sockets destroyed, which
 * frees what they held) until the total is back under it. A connection closed for its
 * own limit stays counted until its socket is gone: a close frame waits behind its queue.
 */
export class SendBudget {
  readonly #watched = new Set<Peer>();

  constructor(readonly maxTotalBytes: number) {}

  /** After a send: starts watching a connection whose queue is past the mark. */
  noteSent(peer: Peer): void {
    if (peer.conn.bufferedAmount >= WATCH_FROM_BYTES) this.#watched.add(peer);
  }

  /** Stops watching a connection whose socket is gone. */
  forget(peer: Peer): void {
    this.#watched.delete(peer);
  }

  /** What the watched connections hold now, in bytes. */
  get total(): number {
    let total = 0;
    for (const peer of this.#watched) total += peer.conn.bufferedAmount;
    return total;
  }

  /**
   * Drops connections that drained, and cuts off the largest queues while the total is
   * over the cap. Returns the connections it cut off.
   */
  enforce(): Peer[] {
    let total = 0;
    const queues: { peer: Peer; bytes: number }[] = [];
    for (const peer of this.#watched) {
      const bytes = peer.conn.bufferedAmount;
      if (bytes < WATCH_FROM_BYTES && !peer.closed) {
        this.#watched.delete(peer);
        continue;
      }
      total += bytes;
      queues.push({ peer, bytes });
    }
    const cut: Peer[] = [];
    if (total <= this.maxTotalBytes) return cut;
    queues.sort((a, b) => b.bytes - a.bytes);
    for (const { peer, bytes } of queues) {
      if (total <= this.maxTotalBytes) break;
      peer.cutOff(CloseCode.slowReader, 'the server is holding too much for slow connections');
      this.#watched.delete(peer);
      total -= bytes;
      cut.push(peer);
    }
    return cut;
  }
}
