import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { connectDocument, type DocumentConnection } from './connectDocument.ts';

let server: WebSocketServer | null = null;
let connection: DocumentConnection | null = null;

afterEach(async () => {
  connection?.destroy();
  connection = null;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** The client ids in each awareness message a client sent. */
function presenceIds(frame: Uint8Array): number[] | null {
  const d = decoding.createDecoder(frame);
  if (decoding.readVarUint(d) !== 1) return null;
  const update = decoding.createDecoder(decoding.readVarUint8Array(d));
  const ids: number[] = [];
  for (let n = decoding.readVarUint(update); n > 0; n--) {
    ids.push(decoding.readVarUint(update));
    decoding.readVarUint(update);
    decoding.readVarString(update);
  }
  return ids;
}

it("sends its own presence, and never echoes other people's back to the server", async () => {
  // Three other people are present; the server tells whoever connects about them.
  const others = [1, 2, 3].map((n) => {
    const a = new awarenessProtocol.Awareness(new Y.Doc());
    a.setLocalState({ user: { name: `Person ${n}` } });
    return a;
  });
  const sent: number[][] = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server?.once('listening', r));
  server.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const ids = presenceIds(new Uint8Array(data));
      if (ids) sent.push(ids);
    });
    for (const a of others) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]));
      ws.send(encoding.toUint8Array(e));
    }
  });
  const port = (server.address() as AddressInfo).port;
  connection = connectDocument('doc', {
    serverUrl: `ws://127.0.0.1:${port}/sync`,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const { provider } = connection;
  const deadline = Date.now() + 5000;
  while (provider.awareness.getStates().size < 4 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(provider.awareness.getStates().size).toBe(4);
  provider.awareness.setLocalStateField('cursor', { anchor: 1 });
  const own = provider.doc.clientID;
  while (sent.filter((ids) => ids.includes(own)).length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  // On connecting and after the caret moved: our own state, alone, each time.
  expect(sent.length).toBeGreaterThanOrEqual(2);
  for (const ids of sent) expect(ids).toEqual([own]);
});
