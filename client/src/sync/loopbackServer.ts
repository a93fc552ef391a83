/**
 * For tests only: a `ws` server on loopback that plays the server's side of the sync
 * protocol by hand, and `connectDocument` pointed at it with Node's WebSocket.
 */
import type { AddressInfo } from 'node:net';
import * as encoding from 'lib0/encoding';
import WebSocket, { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { connectDocument, type DocumentConnection } from './connectDocument.ts';

export interface LoopbackServer {
  /** Connects a client to this server, as the browser would. */
  connect(documentId?: string): DocumentConnection;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  onConnection: (ws: WebSocket) => void,
): Promise<LoopbackServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  server.on('connection', onConnection);
  const port = (server.address() as AddressInfo).port;
  return {
    connect: (documentId = 'doc') =>
      connectDocument(documentId, {
        serverUrl: `ws://127.0.0.1:${port}/sync`,
        WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A sync update message holding everything in `doc`. */
export function updateFrame(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(e);
}

/** A presence message holding the local state of `awareness`. */
export function presenceFrame(awareness: awarenessProtocol.Awareness): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(
    e,
    awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
  );
  return encoding.toUint8Array(e);
}

/** Polls `done` every 10 ms for at most `ms`. */
export async function waitFor(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
