import type { AddressInfo } from 'node:net';
import * as encoding from 'lib0/encoding';
import { afterEach, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { connectDocument, type DocumentConnection } from './connectDocument.ts';

let server: WebSocketServer | null = null;
let connection: DocumentConnection | null = null;

afterEach(async () => {
  connection?.destroy();
  connection = null;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

it('runs its listeners before each remote edit and remote caret is applied, not after', async () => {
  // A server that sends one edit and one awareness state to whoever connects.
  const remote = new Y.Doc();
  remote.getText('t').insert(0, 'from afar');
  const remoteAwareness = new awarenessProtocol.Awareness(remote);
  remoteAwareness.setLocalState({ user: { name: 'Someone' } });
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server?.once('listening', r));
  server.on('connection', (ws) => {
    const edit = encoding.createEncoder();
    encoding.writeVarUint(edit, 0);
    syncProtocol.writeUpdate(edit, Y.encodeStateAsUpdate(remote));
    ws.send(encoding.toUint8Array(edit));
    const caret = encoding.createEncoder();
    encoding.writeVarUint(caret, 1);
    encoding.writeVarUint8Array(
      caret,
      awarenessProtocol.encodeAwarenessUpdate(remoteAwareness, [remote.clientID]),
    );
    ws.send(encoding.toUint8Array(caret));
  });
  const port = (server.address() as AddressInfo).port;
  connection = connectDocument('doc', {
    serverUrl: `ws://127.0.0.1:${port}/sync`,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const { doc, provider } = connection;
  const seen: { text: string; remoteCarets: number }[] = [];
  connection.beforeRemoteMessage(() => {
    seen.push({
      text: doc.getText('t').toString(),
      remoteCarets: provider.awareness.getStates().size - 1,
    });
  });
  const deadline = Date.now() + 5000;
  while (provider.awareness.getStates().size < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(doc.getText('t').toString()).toBe('from afar');
  expect(seen).toEqual([
    { text: '', remoteCarets: 0 },
    { text: 'from afar', remoteCarets: 0 },
  ]);
});

it('applies a remote edit even when a listener fails', async () => {
  const remote = new Y.Doc();
  remote.getText('t').insert(0, 'still arrives');
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server?.once('listening', r));
  server.on('connection', (ws) => {
    const edit = encoding.createEncoder();
    encoding.writeVarUint(edit, 0);
    syncProtocol.writeUpdate(edit, Y.encodeStateAsUpdate(remote));
    ws.send(encoding.toUint8Array(edit));
  });
  const port = (server.address() as AddressInfo).port;
  connection = connectDocument('doc', {
    serverUrl: `ws://127.0.0.1:${port}/sync`,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const { doc } = connection;
  connection.beforeRemoteMessage(() => {
    throw new Error('a broken listener');
  });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const deadline = Date.now() + 5000;
  while (doc.getText('t').length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(doc.getText('t').toString()).toBe('still arrives');
  expect(logged).toHaveBeenCalled();
  logged.mockRestore();
});
