import { afterEach, expect, it, vi } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocumentConnection } from './connectDocument.ts';
import {
  type LoopbackServer,
  presenceFrame,
  startLoopbackServer,
  updateFrame,
  waitFor,
} from './loopbackServer.ts';

let server: LoopbackServer | null = null;
let connection: DocumentConnection | null = null;

afterEach(async () => {
  connection?.destroy();
  connection = null;
  await server?.close();
  server = null;
});

it('runs its listeners before each remote edit and remote caret is applied, not after', async () => {
  // A server that sends one edit and one awareness state to whoever connects.
  const remote = new Y.Doc();
  remote.getText('t').insert(0, 'from afar');
  const remoteAwareness = new awarenessProtocol.Awareness(remote);
  remoteAwareness.setLocalState({ user: { name: 'Someone' } });
  server = await startLoopbackServer((ws) => {
    ws.send(updateFrame(remote));
    ws.send(presenceFrame(remoteAwareness));
  });
  connection = server.connect();
  const { doc, provider } = connection;
  const seen: { text: string; remoteCarets: number }[] = [];
  connection.beforeRemoteMessage(() => {
    seen.push({
      text: doc.getText('t').toString(),
      remoteCarets: provider.awareness.getStates().size - 1,
    });
  });
  await waitFor(() => provider.awareness.getStates().size >= 2);
  expect(doc.getText('t').toString()).toBe('from afar');
  expect(seen).toEqual([
    { text: '', remoteCarets: 0 },
    { text: 'from afar', remoteCarets: 0 },
  ]);
});

it('applies a remote edit even when a listener fails', async () => {
  const remote = new Y.Doc();
  remote.getText('t').insert(0, 'still arrives');
  server = await startLoopbackServer((ws) => ws.send(updateFrame(remote)));
  connection = server.connect();
  const { doc } = connection;
  connection.beforeRemoteMessage(() => {
    throw new Error('a broken listener');
  });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await waitFor(() => doc.getText('t').length > 0);
  expect(doc.getText('t').toString()).toBe('still arrives');
  expect(logged).toHaveBeenCalled();
  logged.mockRestore();
});
