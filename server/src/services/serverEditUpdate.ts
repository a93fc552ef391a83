import * as Y from 'yjs';
import { freshClientId } from '../ids.ts';

/**
 * The update of one edit the server makes on a copy of a live document, under a fresh
 * client id (or the given one, which must be new to the document). Only what the edit
 * itself wrote: a copy also holds content the room is still waiting to place (parked under
 * other people's client ids), and an update encoded from the copy's state would carry that
 * too, which the room's ownership gate rightly refuses.
 */
export function serverEditUpdate(
  current: Y.Doc,
  edit: (copy: Y.Doc) => void,
  clientId: number = freshClientId(current),
): Uint8Array {
  // Content already under the id would make the edit's clocks continue someone's own.
  if (current.store.clients.has(clientId)) throw new Error('client id already in the document');
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(current));
  // A new client id, set after loading (Yjs changes ids it sees in loaded content).
  copy.clientID = clientId;
  const written: Uint8Array[] = [];
  copy.on('update', (update: Uint8Array) => written.push(update));
  copy.transact(() => edit(copy));
  copy.destroy();
  return written.length === 1 ? (written[0] as Uint8Array) : Y.mergeUpdates(written);
}
