/** The transport seen by the sync core: anything that can send frames and be closed. */
export interface SyncConnection {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued for sending and not yet written to the network. */
  readonly bufferedAmount: number;
}

/** Who is on the other end, as established by the authenticated upgrade. */
export interface PeerIdentity {
  userId: string;
  sessionId: string;
  name: string;
  color: string;
  /** False for people who may read but not change the document. */
  canEdit: boolean;
}

export interface SyncOptions {
  maxDocumentBytes: number;
  maxBufferedBytes: number;
  idleUnloadMs: number;
  snapshotEvery: number;
  /** Frames a connection may send while its document is still loading. */
  maxQueuedFrames: number;
}
