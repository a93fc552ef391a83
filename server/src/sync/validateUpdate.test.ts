import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProtocolError } from './protocol.ts';
import { validateUpdate } from './validateUpdate.ts';

function editorUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment('default');
  const p = new Y.XmlElement('heading');
  p.setAttribute('level', 2 as unknown as string);
  const t = new Y.XmlText();
  t.insert(0, 'Hello ');
  t.insert(6, 'world', { bold: true });
  p.insert(0, [t]);
  fragment.insert(0, [p]);
  t.delete(0, 2);
  doc.getMap('meta').set('nested', { a: [1, 2, { b: 'c' }], n: null, f: 1.5, t: true });
  return Y.encodeStateAsUpdate(doc);
}

/** Writes an update by hand: one client, the given structs, and an empty delete set. */
function handmade(write: (e: encoding.Encoder) => void, structs = 1): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, structs);
  encoding.writeVarUint(e, 7); // client
  encoding.writeVarUint(e, 0); // clock
  write(e);
  encoding.writeVarUint(e, 0);
  return encoding.toUint8Array(e);
}

describe('validating untrusted updates', () => {
  it('accepts what the editor produces: elements, attributes, formatted text, deletions, maps', () => {
    expect(() => validateUpdate(editorUpdate())).not.toThrow();
    expect(() => validateUpdate(new Uint8Array([0, 0]))).not.toThrow();
  });

  const hostile: [string, Uint8Array][] = [
    [
      // Applying keeps only the last section; merging for the relay would keep both.
      'one client in two sections',
      (() => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 2);
        for (const clock of [0, 10]) {
          encoding.writeVarUint(e, 1);
          encoding.writeVarUint(e, 7); // the same client twice
          encoding.writeVarUint(e, clock);
          encoding.writeUint8(e, 0); // GC struct
          encoding.writeVarUint(e, 1);
        }
        encoding.writeVarUint(e, 0);
        return encoding.toUint8Array(e);
      })(),
    ],
    [
      'a skip struct with flag bits (merging throws on it)',
      handmade((e) => {
        encoding.writeUint8(e, 0xca);
        encoding.writeVarUint(e, 1);
      }),
    ],
    ['a struct count far beyond the frame', new Uint8Array([1, 0xff, 0xff, 0xff, 0x0f, 7, 0])],
    ['a client count far beyond the frame', new Uint8Array([0xff, 0xff, 0x03, 0])],
    [
      'a clock at 2^53',
      handmade((e) => {
        encoding.writeUint8(e, 0); // GC struct
        encoding.writeVarUint(e, 2 ** 53);
      }),
    ],
    [
      'an integer too long to be a number',
      new Uint8Array([1, 1, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    ],
    [
      'deeply nested JSON in embedded content',
      handmade((e) => {
        encoding.writeUint8(e, 5 | 0); // embed, parent info follows
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'default');
        encoding.writeVarString(e, `${'['.repeat(5000)}${']'.repeat(5000)}`);
      }),
    ],
    [
      'deeply nested values',
      handmade((e) => {
        encoding.writeUint8(e, 8);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'default');
        encoding.writeVarUint(e, 1);
        for (let i = 0; i < 100; i++) {
          encoding.writeUint8(e, 117);
          encoding.writeVarUint(e, 1);
        }
        encoding.writeUint8(e, 126);
      }),
    ],
    [
      'a sub-document',
      handmade((e) => {
        encoding.writeUint8(e, 9);
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, 'default');
        encoding.writeVarString(e, 'guid');
        encoding.writeUint8(e, 126);
      }),
    ],
    ['a truncated update', editorUpdate().slice(0, 20)],
    ['trailing bytes', new Uint8Array([...editorUpdate(), 1])],
    [
      'a delete range beyond 2^53',
      new Uint8Array([0, 1, 7, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 5]),
    ],
  ];
  for (const [what, update] of hostile) {
    it(`refuses ${what}`, () => {
      expect(() => validateUpdate(update)).toThrow(ProtocolError);
    });
  }
});
