import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { rewriteAwarenessUpdate } from './awareness.ts';
import { ProtocolError } from './protocol.ts';

function awarenessUpdate(entries: [number, number, unknown][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const [id, clock, state] of entries) {
    encoding.writeVarUint(e, id);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return encoding.toUint8Array(e);
}

function read(update: Uint8Array | null): [number, number, unknown][] {
  if (!update) return [];
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  const out: [number, number, unknown][] = [];
  for (let i = 0; i < n; i++) {
    out.push([
      decoding.readVarUint(d),
      decoding.readVarUint(d),
      JSON.parse(decoding.readVarString(d)),
    ]);
  }
  return out;
}

const me = { name: 'Ann Patient', role: 'Patient or service user', color: '#1d4ed8' };

describe('awareness rewriting', () => {
  it('overwrites a forged name and colour with the session identity', () => {
    const forged = awarenessUpdate([
      [7, 1, { user: { name: 'The Chair', color: '#fff' }, cursor: null }],
    ]);
    const { update, clientIds } = rewriteAwarenessUpdate(forged, me, () => true);
    expect(clientIds).toEqual([7]);
    expect(read(update)).toEqual([[7, 1, { user: me, cursor: null }]]);
  });

  it('drops states for client ids the connection may not publish', () => {
    const mixed = awarenessUpdate([
      [7, 1, { user: { name: 'x' } }],
      [8, 3, { user: { name: 'someone else' } }],
    ]);
    const { update, clientIds } = rewriteAwarenessUpdate(mixed, me, (id) => id === 7);
    expect(clientIds).toEqual([7]);
    expect(read(update).map(([id]) => id)).toEqual([7]);
    expect(rewriteAwarenessUpdate(mixed, me, () => false).update).toBeNull();
  });

  it('passes a removal (null state) through unchanged', () => {
    const { update } = rewriteAwarenessUpdate(awarenessUpdate([[7, 2, null]]), me, () => true);
    expect(read(update)).toEqual([[7, 2, null]]);
  });

  it('refuses oversized, deeply nested, non-object and too many states', () => {
    let deep: unknown = {};
    for (let i = 0; i < 50; i++) deep = { d: deep };
    const cases = [
      awarenessUpdate([[7, 1, { big: 'x'.repeat(20_000) }]]),
      awarenessUpdate([[7, 1, deep]]),
      awarenessUpdate([[7, 1, [1, 2, 3]]]),
      awarenessUpdate(
        Array.from({ length: 20 }, (_, i) => [i, 1, {}] as [number, number, unknown]),
      ),
      new Uint8Array([1, 7, 1, 3, 0x7b, 0x7b, 0x7b]),
      new Uint8Array([5]),
    ];
    for (const update of cases) {
      expect(() => rewriteAwarenessUpdate(update, me, () => true)).toThrow(ProtocolError);
    }
  });
});
