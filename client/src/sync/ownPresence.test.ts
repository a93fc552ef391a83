import * as decoding from 'lib0/decoding';
import { afterEach, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocumentConnection } from './connectDocument.ts';
import {
  type LoopbackServer,
  presenceFrame,
  startLoopbackServer,
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
  server = await startLoopbackServer((ws) => {
    ws.on('message', (data: Buffer) => {
      const ids = presenceIds(new Uint8Array(data));
      if (ids) sent.push(ids);
    });
    for (const a of others) ws.send(presenceFrame(a));
  });
  connection = server.connect();
  const { provider } = connection;
  await waitFor(() => provider.awareness.getStates().size >= 4);
  expect(provider.awareness.getStates().size).toBe(4);
  provider.awareness.setLocalStateField('cursor', { anchor: 1 });
  const own = provider.doc.clientID;
  await waitFor(() => sent.filter((ids) => ids.includes(own)).length >= 2);
  // On connecting and after the caret moved: our own state, alone, each time.
  expect(sent.length).toBeGreaterThanOrEqual(2);
  for (const ids of sent) expect(ids).toEqual([own]);
});
