import { MessageType, SyncType } from '@chorus/shared';
import * as decoding from 'lib0/decoding';

/** What the editor shows about the person's own edits. */
export type SaveState =
  | { kind: 'connecting' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'offline'; unsent: boolean }
  | { kind: 'closed'; message: string };

/**
 * Counts the document-changing frames (sync step 2 and update) sent on the current
 * connection and the server's confirmations of them. The server confirms a count only
 * after the journal commit, so "saved" here means "durably stored on the server".
 */
export class SaveTracker {
  sent = 0;
  acked = 0;
  /** A local edit exists that no confirmation has covered yet. */
  unsaved = false;
  connected = false;
  synced = false;
  closedMessage: string | null = null;
  readonly #listeners = new Set<(state: SaveState) => void>();
  #current: SaveState = { kind: 'connecting' };
  /** `unsaved` as listeners last heard it (see `wordsHeld`, which follows it). */
  #toldUnsaved = false;

  /** Called for every frame the provider sends. */
  noteSent(frame: ArrayBufferLike | ArrayBufferView | string | Blob): void {
    if (isDocumentChange(frame)) {
      this.sent++;
      this.#emit();
    }
  }

  noteAck(count: number): void {
    this.acked = Math.max(this.acked, count);
    if (this.connected && this.synced && this.acked >= this.sent) this.unsaved = false;
    this.#emit();
  }

  noteLocalEdit(): void {
    this.unsaved = true;
    this.#emit();
  }

  /** A new socket starts its own counts: the server counts per connection. */
  noteConnection(connected: boolean): void {
    this.connected = connected;
    this.synced = false;
    this.sent = 0;
    this.acked = 0;
    this.#emit();
  }

  noteSynced(synced: boolean): void {
    this.synced = synced;
    this.#emit();
  }

  noteClosed(message: string): void {
    this.closedMessage = message;
    this.#emit();
  }

  /** The current state; the same object until something visible changes (for React). */
  get state(): SaveState {
    return this.#current;
  }

  #compute(): SaveState {
    if (this.closedMessage) return { kind: 'closed', message: this.closedMessage };
    if (!this.connected) return { kind: 'offline', unsent: this.unsaved };
    if (!this.synced) return this.unsaved ? { kind: 'saving' } : { kind: 'connecting' };
    if (this.acked < this.sent || this.unsaved) return { kind: 'saving' };
    return { kind: 'saved' };
  }

  subscribe(listener: (state: SaveState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    const next = this.#compute();
    // Listeners also hear `unsaved` change where the state does not show it (closed).
    const same = JSON.stringify(next) === JSON.stringify(this.#current);
    if (same && this.unsaved === this.#toldUnsaved) return;
    this.#toldUnsaved = this.unsaved;
    if (!same) this.#current = next;
    const state = this.#current;
    for (const listener of this.#listeners) listener(state);
  }
}

function isDocumentChange(frame: ArrayBufferLike | ArrayBufferView | string | Blob): boolean {
  let bytes: Uint8Array;
  if (frame instanceof Uint8Array) bytes = frame;
  else if (ArrayBuffer.isView(frame))
    bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
  else if (frame instanceof ArrayBuffer) bytes = new Uint8Array(frame);
  else return false;
  try {
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== MessageType.sync) return false;
    const syncType = decoding.readVarUint(decoder);
    return syncType === SyncType.step2 || syncType === SyncType.update;
  } catch {
    return false;
  }
}
