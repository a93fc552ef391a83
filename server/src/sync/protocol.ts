import {
  type CarriedTuple,
  ChorusMessage,
  MessageType,
  type NoticeTopic,
  SyncType,
} from '@chorus/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A decoded client frame. Anything else is a ProtocolError and closes the connection. */
export type ClientMessage =
  | { kind: 'syncStep1'; stateVector: Uint8Array }
  | { kind: 'syncStep2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness'; update: Uint8Array }
  | { kind: 'queryAwareness' }
  | { kind: 'chorusHello'; version: number };

/** A frame the server cannot accept; `message` is safe to send as the close reason. */
export class ProtocolError extends Error {}

/**
 * Decodes one binary frame. Every read is bounds-checked by lib0 (it throws on a short
 * buffer and on over-long integers), and trailing bytes are refused so a frame means
 * exactly one thing.
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  if (frame.byteLength === 0) throw new ProtocolError('empty frame');
  const decoder = decoding.createDecoder(frame);
  let message: ClientMessage;
  try {
    message = readMessage(decoder);
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw new ProtocolError('malformed frame');
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after message');
  return message;
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MessageType.sync: {
      const syncType = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (syncType === SyncType.step1) return { kind: 'syncStep1', stateVector: payload };
      if (syncType === SyncType.step2) return { kind: 'syncStep2', update: payload };
      if (syncType === SyncType.update) return { kind: 'update', update: payload };
      throw new ProtocolError(`unknown sync message type ${syncType}`);
    }
    case MessageType.awareness:
      return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
    case MessageType.queryAwareness:
      return { kind: 'queryAwareness' };
    case MessageType.chorus: {
      const sub = decoding.readVarUint(decoder);
      if (sub === ChorusMessage.hello) {
        return { kind: 'chorusHello', version: decoding.readVarUint(decoder) };
      }
      throw new ProtocolError(`unknown chorus message type ${sub}`);
    }
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
}

function encode(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

export const encodeSyncStep1 = (stateVector: Uint8Array) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step1);
    encoding.writeVarUint8Array(e, stateVector);
  });

export const encodeSyncStep2 = (update: Uint8Array) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.step2);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeUpdate = (update: Uint8Array) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.sync);
    encoding.writeVarUint(e, SyncType.update);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeAwareness = (update: Uint8Array) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });

export const encodeSaved = (count: number) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.chorus);
    encoding.writeVarUint(e, ChorusMessage.saved);
    encoding.writeVarUint(e, count);
  });

/** `[100, 2, json]`: new client id owners and carried credit, for the live author view. */
export const encodeAttribution = (payload: {
  owners: [number, string | null][];
  carried: CarriedTuple[];
}) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.chorus);
    encoding.writeVarUint(e, ChorusMessage.attribution);
    encoding.writeVarString(e, JSON.stringify(payload));
  });

/** `[100, 3, json]`: something kept beside the document changed (see `ChorusMessage.notice`). */
export const encodeNotice = (topic: NoticeTopic) =>
  encode((e) => {
    encoding.writeVarUint(e, MessageType.chorus);
    encoding.writeVarUint(e, ChorusMessage.notice);
    encoding.writeVarString(e, JSON.stringify({ topic }));
  });
