import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './protocol.ts';

/** What the server writes into every awareness state, whatever the client sent. */
export interface AwarenessIdentity {
  name: string;
  role: string;
  color: string;
}

export interface AwarenessLimits {
  maxStateBytes: number;
  maxDepth: number;
  /** States one message may publish: a connection runs one Y.Doc, or a few. */
  maxEntries: number;
  /**
   * Entries one message may carry at all. Stock y-websocket clients echo every presence
   * change they receive, so a newcomer to a room of 30 sends all 30 states straight back:
   * this bounds the room, not the sender, and only keeps the parse finite.
   */
  maxEchoedEntries: number;
}

export const defaultAwarenessLimits: AwarenessLimits = {
  maxStateBytes: 8 * 1024,
  maxDepth: 8,
  maxEntries: 8,
  maxEchoedEntries: 10_000,
};

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit) return depth;
  if (value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const child of Object.values(value)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/**
 * Checks an awareness update from a connection and rewrites it: every state's `user` is
 * replaced with the server's identity for the session, so nobody can show up under
 * another name. States for client ids the connection may not publish are skipped unread
 * (stock y-websocket clients echo everyone's states back, so this is normal, not an
 * attack, and in a big room most of every message). States it does publish that are too
 * large or too deeply nested (they would parse but break re-encoding for the next person
 * to join) close the connection. `mayPublish` is asked whether the connection may publish
 * a live state, or a removal, for an id. Returns the rewritten update, or null when
 * nothing in it may be published, and the client ids it publishes.
 */
export function rewriteAwarenessUpdate(
  update: Uint8Array,
  identity: AwarenessIdentity,
  mayPublish: (clientId: number, live: boolean) => boolean,
  limits: AwarenessLimits = defaultAwarenessLimits,
): { update: Uint8Array | null; clientIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const kept: { clientId: number; clock: number; json: string }[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    if (count > limits.maxEchoedEntries) throw new ProtocolError('too many awareness states');
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (
        !Number.isSafeInteger(clientId) ||
        clientId > 0xffffffff ||
        !Number.isSafeInteger(clock)
      ) {
        throw new ProtocolError('awareness id or clock out of range');
      }
      // y-protocols writes a removal as the JSON text `null`.
      if (!mayPublish(clientId, json !== 'null')) continue;
      if (json.length > limits.maxStateBytes) throw new ProtocolError('awareness state too large');
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch {
        throw new ProtocolError('awareness state is not JSON');
      }
      if (state === null) {
        // A removal written other than as `null` is a removal all the same.
        if (json !== 'null' && !mayPublish(clientId, false)) continue;
        kept.push({ clientId, clock, json: 'null' });
      } else {
        if (typeof state !== 'object' || Array.isArray(state)) {
          throw new ProtocolError('awareness state must be an object or null');
        }
        if (depthOf(state, limits.maxDepth) > limits.maxDepth) {
          throw new ProtocolError('awareness state nested too deeply');
        }
        const user = { name: identity.name, role: identity.role, color: identity.color };
        kept.push({ clientId, clock, json: JSON.stringify({ ...state, user }) });
      }
      if (kept.length > limits.maxEntries) throw new ProtocolError('too many awareness states');
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed awareness update');
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes in awareness update');
  if (kept.length === 0) return { update: null, clientIds: [] };
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const entry of kept) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return { update: encoding.toUint8Array(encoder), clientIds: kept.map((k) => k.clientId) };
}
