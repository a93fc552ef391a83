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
  maxEntries: number;
}

export const defaultAwarenessLimits: AwarenessLimits = {
  maxStateBytes: 8 * 1024,
  maxDepth: 8,
  maxEntries: 8,
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
 * another name. States for client ids the connection may not publish are dropped (stock
 * y-websocket clients echo everyone's states back, so this is normal, not an attack).
 * States that are too large or too deeply nested (they would parse but break
 * re-encoding for the next person to join) close the connection. Returns the rewritten
 * update, or null when nothing in it may be published, and the client ids it publishes.
 */
export function rewriteAwarenessUpdate(
  update: Uint8Array,
  identity: AwarenessIdentity,
  mayPublish: (clientId: number, state: unknown) => boolean,
  limits: AwarenessLimits = defaultAwarenessLimits,
): { update: Uint8Array | null; clientIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const kept: { clientId: number; clock: number; json: string }[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    if (count > limits.maxEntries) throw new ProtocolError('too many awareness states');
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
      if (json.length > limits.maxStateBytes) throw new ProtocolError('awareness state too large');
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch {
        throw new ProtocolError('awareness state is not JSON');
      }
      if (state !== null) {
        if (typeof state !== 'object' || Array.isArray(state)) {
          throw new ProtocolError('awareness state must be an object or null');
        }
        if (depthOf(state, limits.maxDepth) > limits.maxDepth) {
          throw new ProtocolError('awareness state nested too deeply');
        }
      }
      if (!mayPublish(clientId, state)) continue;
      if (state !== null)
        state = {
          ...state,
          user: { name: identity.name, role: identity.role, color: identity.color },
        };
      kept.push({ clientId, clock, json: JSON.stringify(state) });
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
