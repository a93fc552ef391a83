import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  decodeClientMessage,
  encodeSaved,
  encodeSyncStep1,
  encodeUpdate,
  ProtocolError,
} from './protocol.ts';

describe('decoding client frames', () => {
  it('reads sync step 1, step 2, update, awareness, query and hello', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hi');
    const update = Y.encodeStateAsUpdate(doc);
    expect(decodeClientMessage(encodeSyncStep1(Y.encodeStateVector(doc)))).toEqual({
      kind: 'syncStep1',
      stateVector: Y.encodeStateVector(doc),
    });
    expect(decodeClientMessage(encodeUpdate(update))).toEqual({ kind: 'update', update });
    expect(decodeClientMessage(new Uint8Array([0, 1, 1, 0]))).toEqual({
      kind: 'syncStep2',
      update: new Uint8Array([0]),
    });
    expect(decodeClientMessage(new Uint8Array([1, 1, 0]))).toEqual({
      kind: 'awareness',
      update: new Uint8Array([0]),
    });
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ kind: 'queryAwareness' });
    expect(decodeClientMessage(new Uint8Array([100, 0, 1]))).toEqual({
      kind: 'chorusHello',
      version: 1,
    });
  });

  const bad: [string, number[]][] = [
    ['empty', []],
    ['unknown type', [9]],
    ['auth type from a client', [2, 0]],
    ['unknown sync type', [0, 7, 0]],
    ['truncated payload', [0, 2, 10, 1]],
    ['trailing bytes', [3, 0]],
    ['over-long varint', [0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['unknown chorus type', [100, 9]],
  ];
  for (const [what, bytes] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => decodeClientMessage(new Uint8Array(bytes))).toThrow(ProtocolError);
    });
  }

  it('encodes the saved confirmation as [100, 1, count]', () => {
    expect([...encodeSaved(300)]).toEqual([100, 1, 0xac, 0x02]);
  });
});
