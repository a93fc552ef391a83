/**
 * The clients of the benchmark: real providers with their own Y.Docs, one per simulated
 * person. Chorus, the reference y-websocket server and the raw relay get the stock
 * `y-websocket` provider (the one the Chorus browser client uses); Hocuspocus gets its own
 * provider, as its users would run it.
 */
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { type ClientSpec, isChorus } from './types.ts';

/** Chorus's own message type and its hello / saved sub-types (README: WebSocket protocol). */
const CHORUS_MESSAGE = 100;
const CHORUS_HELLO = 0;
const CHORUS_SAVED = 1;
const CHORUS_PROTOCOL_VERSION = 1;

export interface BenchClient {
  readonly doc: Y.Doc;
  /** Resolves when the provider reports its first full sync. */
  readonly synced: Promise<void>;
  /** Resolves when the socket first opens. */
  readonly connected: Promise<void>;
  /** Chorus only: milliseconds from sending each edit until the server confirmed it saved. */
  readonly savedLatencies: number[];
  destroy(): void;
}

/** The paragraph every client types into: the last block of the Tiptap fragment. */
export function benchText(doc: Y.Doc): Y.XmlText | null {
  const fragment = doc.getXmlFragment('default');
  const last = fragment.length > 0 ? fragment.get(fragment.length - 1) : null;
  if (!(last instanceof Y.XmlElement)) return null;
  const text = last.length > 0 ? last.get(0) : null;
  return text instanceof Y.XmlText ? text : null;
}

/** Sees every frame a client receives, before its provider handles it. */
export type FrameListener = (frame: Uint8Array) => void;

/** A `ws` class that sends the session cookie and Origin on the upgrade, as a browser does. */
function socketClass(
  headers: Record<string, string>,
  onFrame?: FrameListener,
  onOpen?: (ws: WebSocket) => void,
) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers, perMessageDeflate: false });
      if (onOpen) this.on('open', () => onOpen(this));
      if (onFrame) {
        // Providers set binaryType 'arraybuffer'; `ws` hands over an ArrayBuffer then.
        this.on('message', (data: Buffer | ArrayBuffer) =>
          onFrame(
            data instanceof ArrayBuffer
              ? new Uint8Array(data)
              : new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          ),
        );
      }
    }
  };
}

export function connect(spec: ClientSpec, onFrame?: FrameListener): BenchClient {
  const doc = new Y.Doc();
  const savedLatencies: number[] = [];
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((r) => {
    resolveSynced = r;
  });
  let resolveConnected: () => void = () => {};
  const connected = new Promise<void>((r) => {
    resolveConnected = r;
  });
  const onStatus = ({ status }: { status: string }) => {
    if (status === 'connected') resolveConnected();
  };

  if (spec.kind === 'hocuspocus') {
    const provider = new HocuspocusProvider({
      url: spec.url,
      name: spec.document,
      document: doc,
      // Forwarded to the provider's own websocket: Node.js 20 has no global WebSocket.
      WebSocketPolyfill: socketClass({}, onFrame),
    } as ConstructorParameters<typeof HocuspocusProvider>[0]);
    provider.on('synced', () => resolveSynced());
    provider.on('status', onStatus);
    return { doc, synced, connected, savedLatencies, destroy: () => provider.destroy() };
  }

  const headers: Record<string, string> = {};
  if (spec.cookie) headers.cookie = spec.cookie;
  if (spec.origin) headers.origin = spec.origin;
  const chorus = isChorus(spec.kind);
  // Send times of this connection's document-changing frames, in order: the server's
  // saved message carries how many of them are committed.
  let sentAt: number[] = [];
  let confirmed = 0;
  const Base = socketClass(headers, onFrame, (ws) => {
    sentAt = [];
    confirmed = 0;
    if (!chorus) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, CHORUS_MESSAGE);
    encoding.writeVarUint(e, CHORUS_HELLO);
    encoding.writeVarUint(e, CHORUS_PROTOCOL_VERSION);
    ws.send(encoding.toUint8Array(e));
  });
  class Tracking extends Base {
    override send(data: Uint8Array, ...rest: unknown[]): void {
      // Sync step 2 and update frames change the document (y-protocols message types).
      if (chorus && data[0] === 0 && (data[1] === 1 || data[1] === 2)) sentAt.push(now());
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  }
  const provider = new WebsocketProvider(spec.url, spec.document, doc, {
    WebSocketPolyfill: Tracking as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  if (chorus) {
    provider.messageHandlers[CHORUS_MESSAGE] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) !== CHORUS_SAVED) return;
      const count = decoding.readVarUint(decoder);
      const t = now();
      for (; confirmed < count && confirmed < sentAt.length; confirmed++) {
        // The first frame is the sync reply sent while joining; only edits are measured.
        if (confirmed > 0) savedLatencies.push(t - (sentAt[confirmed] ?? t));
      }
    };
  }
  provider.on('sync', (isSynced: boolean) => {
    if (isSynced) resolveSynced();
  });
  provider.on('status', onStatus);
  return {
    doc,
    synced,
    connected,
    savedLatencies,
    destroy: () => {
      provider.destroy();
    },
  };
}

/**
 * Milliseconds on CLOCK_MONOTONIC. Every process on one Linux machine reads the same
 * monotonic clock, so a time written into an edit by one generator process can be
 * subtracted from the time another process sees it arrive.
 */
export function now(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
