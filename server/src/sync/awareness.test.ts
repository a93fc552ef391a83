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

  it("skips, unread, an echo of everyone else's states however many there are", () => {
    // A stock client joining a room of 30 sends all 30 states it was given straight back.
    const echo = awarenessUpdate(
      Array.from({ length: 30 }, (_, i) => [100 + i, 2, { user: { name: `p${i}` } }]),
    );
    const withOwn = awarenessUpdate([
      [100, 2, { user: { name: 'someone' } }],
      [7, 1, { cursor: null }],
    ]);
    const mine = (id: number) => id === 7;
    expect(rewriteAwarenessUpdate(echo, me, mine)).toEqual({ update: null, clientIds: [] });
    expect(rewriteAwarenessUpdate(withOwn, me, mine).clientIds).toEqual([7]);
    // Someone else's entry is not even parsed, so it cannot close the connection.
    const foreignJunk = new Uint8Array([1, 100, 1, 3, 0x7b, 0x7b, 0x7b]);
    expect(rewriteAwarenessUpdate(foreignJunk, me, mine).update).toBeNull();
  });

  it('asks whether a state is live or a removal', () => {
    const asked: [number, boolean][] = [];
    const may = (id: number, live: boolean) => {
      asked.push([id, live]);
      return true;
    };
    rewriteAwarenessUpdate(
      awarenessUpdate([
        [7, 2, null],
        [8, 1, {}],
      ]),
      me,
      may,
    );
    expect(asked).toEqual([
      [7, false],
      [8, true],
    ]);
  });

  it('treats a removal written other than as `null` as a removal', () => {
    const spaced = (id: number) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint(e, id);
      encoding.writeVarUint(e, 3);
      encoding.writeVarString(e, ' null');
      return encoding.toUint8Array(e);
    };
    // 7 is the connection's own id (it may remove it); 8 is unowned (only a live state
    // could claim it).
    const may = (id: number, live: boolean) => id === 7 || live;
    expect(read(rewriteAwarenessUpdate(spaced(7), me, may).update)).toEqual([[7, 3, null]]);
    expect(rewriteAwarenessUpdate(spaced(8), me, may).update).toBeNull();
  });

  it('passes a removal (null state) through unchanged', () => {
    const { update } = rewriteAwarenessUpdate(awarenessUpdate([[7, 2, null]]), me, () => true);
    expect(read(update)).toEqual([[7, 2, null]]);
  });

  it('refuses oversized, deeply nested, non-object and too many published states', () => {
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
