import { CloseCode } from '@chorus/shared';
import type { SendBudget } from './sendBudget.ts';
import type { PeerIdentity, SyncConnection } from './types.ts';

/** One connection to one document, with the counters the save confirmation needs. */
export class Peer {
  /** Set once the client sent a Chorus hello: only then does it get save confirmations. */
  chorusClient = false;
  /** Document-changing frames (sync step 2 and update) received on this connection. */
  received = 0;
  /** How many of those have been confirmed as committed. */
  acked = 0;
  /** Awareness client ids this connection has published. */
  readonly awarenessIds = new Set<number>();
  /** Frames that arrived while the document was loading, processed in order once loaded. */
  queue: Uint8Array[] = [];
  closed = false;
  /** Yjs client ids this connection registered, capped to stop id squatting. */
  newClientIds = 0;
  /**
   * When an edit from this connection last changed the document (0: none yet). The
   * session-expiry check counts it as use of the session, as a request would be.
   */
  lastEditAt = 0;
  /**
   * This connection sent changes that were refused because the document was closed: its
   * copy holds content the document lacks, which its later edits would depend on.
   */
  refusedChanges = false;
  /**
   * Set while this connection moves from a room the journal refused (its document was
   * closed, see `Room.failCommit`) to the room loaded again in its place: how far the old
   * room's copy went (to send what the new one has beyond it), this connection's
   * presence there (taken over, so nobody sees it leave and come back), and the state
   * vector of its sync step 1 if its answer was still waiting for a commit (a client that
   * was joining asks only once, so the new room answers it).
   */
  /** How many times it moved so (a re-check read before a move is out of date). */
  moves = 0;
  moving: {
    stateVector: Uint8Array;
    presence: Uint8Array | null;
    asked: Uint8Array | null;
  } | null = null;
  /** Edits of this connection set back for breaking a PDSA cycle's rules. */
  corrected = 0;
  /**
   * Access re-checks in progress for this connection. While one runs, a connection still
   * waiting for its document is sent nothing of it: it joins once they are done (if it is
   * still open).
   */
  checking: Promise<void> | null = null;

  constructor(
    readonly conn: SyncConnection,
    public identity: PeerIdentity,
    private readonly maxBufferedBytes: number,
    private readonly budget: SendBudget | null = null,
  ) {}

  /** Sends a frame unless closed; closes a reader that stopped draining its buffer. */
  send(frame: Uint8Array): void {
    if (this.closed) return;
    this.conn.send(frame);
    this.budget?.noteSent(this);
    if (this.conn.bufferedAmount > this.maxBufferedBytes) {
      this.close(CloseCode.slowReader, 'send buffer over limit');
    }
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.close(code, reason);
  }

  /**
   * Ends the connection at once, dropping what is queued for it: for a reader that does
   * not read, a close frame would wait behind that queue (and hold it) for as long as the
   * closing handshake's timeout.
   */
  cutOff(code: number, reason: string): void {
    if (!this.conn.terminate) {
      this.close(code, reason);
      return;
    }
    this.closed = true;
    this.conn.terminate();
  }
}
