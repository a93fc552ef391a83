import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './protocol.ts';

/** What the server writes into every awareness state, whatever the client sent. */
export interface AwarenessIdentity {
  name: string;
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
 * another name. States for client ids the connection does not own, states that are too
 * large or too deeply nested (they would parse but break re-encoding for the next
 * person to join) are refused. Returns the rewritten update and the client ids in it.
 */
export function rewriteAwarenessUpdate(
  update: Uint8Array,
  identity: AwarenessIdentity,
  mayPublish: (clientId: number) => boolean,
  limits: AwarenessLimits = defaultAwarenessLimits,
): { update: Uint8Array; clientIds: number[] } {
  const decoder = decoding.createDecoder(update);
  const encoder = encoding.createEncoder();
  const clientIds: number[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    if (count > limits.maxEntries) throw new ProtocolError('too many awareness states');
    encoding.writeVarUint(encoder, count);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      if (!Number.isSafeInteger(clientId) || clientId > 0xffffffff || !Number.isSafeInteger(clock)) {
        throw new ProtocolError('awareness id or clock out of range');
      }
      if (!mayPublish(clientId)) throw new ProtocolError('awareness for a client id this connection does not own');
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
        state = { ...state, user: { name: identity.name, color: identity.color } };
      }
      encoding.writeVarUint(encoder, clientId);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, JSON.stringify(state));
      clientIds.push(clientId);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed awareness update');
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes in awareness update');
  return { update: encoding.toUint8Array(encoder), clientIds };
}
