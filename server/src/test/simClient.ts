import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { PeerHandle, SyncServer } from '../sync/syncServer.ts';
import type { PeerIdentity, SyncConnection } from '../sync/types.ts';

/**
 * An in-process y-websocket client wired to a SyncServer through queues instead of
 * sockets, so property tests can choose the order in which messages arrive.
 */
export class SimClient {
  readonly doc = new Y.Doc();
  readonly toServer: Uint8Array[] = [];
  readonly toClient: Uint8Array[] = [];
  handle: PeerHandle | null = null;
  closedWith: number | null = null;

  constructor(
    private readonly server: SyncServer,
    private readonly identity: PeerIdentity,
    private readonly documentId: string,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || !this.handle) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
      this.toServer.push(encoding.toUint8Array(e));
    });
  }

  get connected(): boolean {
    return this.handle !== null;
  }

  connect(): void {
    if (this.handle) return;
    this.closedWith = null;
    const conn: SyncConnection = {
      send: (frame) => this.toClient.push(frame),
      close: (code) => {
        this.closedWith = code;
        this.disconnect();
      },
      bufferedAmount: 0,
    };
    this.handle = this.server.connect(conn, this.identity, this.documentId);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.toServer.push(encoding.toUint8Array(e));
  }

  disconnect(): void {
    const handle = this.handle;
    this.handle = null;
    this.toServer.length = 0;
    this.toClient.length = 0;
    handle?.closed();
  }

  /** Delivers one queued message in each direction, if any; true if something moved. */
  step(): boolean {
    let moved = false;
    const out = this.toServer.shift();
    if (out && this.handle) {
      this.handle.receive(out);
      moved = true;
    }
    const incoming = this.toClient.shift();
    if (incoming) {
      this.#receive(incoming);
      moved = true;
    }
    return moved;
  }

  #receive(frame: Uint8Array): void {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== 0) return; // awareness and Chorus messages: not needed here
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.readSyncMessage(d, e, this.doc, this);
    if (encoding.length(e) > 1 && this.handle) this.toServer.push(encoding.toUint8Array(e));
  }
}

/** Delivers every queued message until nothing has moved for a few turns (bounded). */
export async function settleAll(server: SyncServer, clients: SimClient[]): Promise<void> {
  let idle = 0;
  for (let round = 0; round < 500 && idle < 3; round++) {
    let moved = false;
    for (const c of clients) while (c.step()) moved = true;
    await server.flushed();
    await new Promise((r) => setTimeout(r, 0));
    idle = moved ? 0 : idle + 1;
  }
}
