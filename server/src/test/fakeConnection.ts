import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { SyncConnection } from '../sync/types.ts';

/** An in-memory connection that records what the sync server sends and how it closed. */
export class FakeConnection implements SyncConnection {
  readonly frames: Uint8Array[] = [];
  closedWith: { code: number; reason: string } | null = null;
  bufferedAmount = 0;

  send(frame: Uint8Array): void {
    this.frames.push(frame);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  terminated = false;

  /** As a destroyed socket: what was queued is dropped. */
  terminate(): void {
    this.terminated = true;
    this.bufferedAmount = 0;
  }

  /** Applies every sync step 2 and update the server sent to a fresh doc. */
  docFromFrames(): Y.Doc {
    const doc = new Y.Doc();
    for (const f of this.frames) {
      const d = decoding.createDecoder(f);
      if (decoding.readVarUint(d) !== 0) continue;
      const type = decoding.readVarUint(d);
      if (type === 1 || type === 2) Y.applyUpdate(doc, decoding.readVarUint8Array(d));
    }
    return doc;
  }

  savedCounts(): number[] {
    return this.frames
      .filter((f) => f[0] === 100 && f[1] === 1)
      .map((f) => {
        const d = decoding.createDecoder(f);
        decoding.readVarUint(d);
        decoding.readVarUint(d);
        return decoding.readVarUint(d);
      });
  }
}
