import { EDITOR_FRAGMENT, editorContent, structuredContent } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProtocolError } from './protocol.ts';
import { contentRules, validateUpdate } from './validateUpdate.ts';

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

describe("checking updates against the editor's schema", () => {
  const rules = contentRules(editorContent);
  // The client's content extensions; their names and attributes do not depend on options.
  const schema = getSchema([StarterKit, TableKit]);

  /** A document with every node and mark the editor has, written by the real binding. */
  function everyKindOfContent(): Uint8Array {
    const text = (t: string, marks: string[] = []) => ({
      type: 'text',
      text: t,
      marks: marks.map((m) =>
        m === 'link' ? { type: m, attrs: { href: 'https://x.org' } } : { type: m },
      ),
    });
    const para = (...content: object[]) => ({ type: 'paragraph', content });
    const cell = (type: string) => ({
      type,
      attrs: { colspan: 2, colwidth: [120, 80] },
      content: [para(text('c'))],
    });
    const json = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [text('Title')] },
        para(
          ...['bold', 'italic', 'strike', 'code', 'underline', 'link'].map((m) => text(m, [m])),
          { type: 'hardBreak' },
        ),
        { type: 'blockquote', content: [para(text('quoted'))] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [para(text('one'))] }] },
        {
          type: 'orderedList',
          attrs: { start: 3 },
          content: [{ type: 'listItem', content: [para(text('two'))] }],
        },
        { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('let a = 1;')] },
        { type: 'horizontalRule' },
        {
          type: 'table',
          content: [{ type: 'tableRow', content: [cell('tableHeader'), cell('tableCell')] }],
        },
      ],
    };
    const doc = prosemirrorJSONToYDoc(schema, json, EDITOR_FRAGMENT);
    return Y.encodeStateAsUpdate(doc);
  }

  it("names exactly the editor schema's nodes, marks and attributes", () => {
    // The rich text here; Chorus's own blocks are compared with the client's full schema
    // in client/src/editor/extensions.test.ts.
    const nodes = Object.keys(schema.nodes).filter((n) => n !== 'doc' && n !== 'text');
    const attributes = new Set(
      Object.values(schema.nodes).flatMap((n) => Object.keys(n.spec.attrs ?? {})),
    );
    const own = (names: readonly string[], structured: readonly string[]) =>
      names.filter((n) => !structured.includes(n)).sort();
    expect(own(editorContent.elements, structuredContent.elements)).toEqual(nodes.sort());
    expect([...editorContent.marks].sort()).toEqual(Object.keys(schema.marks).sort());
    expect(own(editorContent.attributes, structuredContent.attributes)).toEqual(
      [...attributes].sort(),
    );
  });

  it('accepts a run chart with its data points, and refuses an unknown attribute on it', () => {
    const doc = new Y.Doc();
    const chart = new Y.XmlElement('runChart');
    chart.setAttribute('measure', 'Days to results');
    chart.setAttribute('shift', 6 as unknown as string);
    // The measure's definition rides on the chart.
    chart.setAttribute('measureType', 'process');
    chart.setAttribute('numerator', 'Letters sent within 5 days');
    chart.setAttribute('target', '95%');
    const point = new Y.XmlElement('dataPoint');
    point.setAttribute('date', '2026-03-01');
    point.setAttribute('value', 12 as unknown as string);
    point.setAttribute('note', 'New clinic opened');
    chart.insert(0, [point]);
    doc.getXmlFragment(EDITOR_FRAGMENT).insert(0, [chart]);
    expect(() => validateUpdate(Y.encodeStateAsUpdate(doc), undefined, rules)).not.toThrow();
    const before = Y.encodeStateVector(doc);
    point.setAttribute('onclick', 'x');
    expect(() => validateUpdate(Y.encodeStateAsUpdate(doc, before), undefined, rules)).toThrow(
      /attribute "onclick" is not in the editor's schema/,
    );
  });

  it("accepts a priority's and a decision's links as children, and refuses junk in them", () => {
    const doc = new Y.Doc();
    const link = (piece: string) => {
      const el = new Y.XmlElement('evidenceLink');
      el.setAttribute('piece', piece);
      return el;
    };
    const list = new Y.XmlElement('priorityList');
    const priority = new Y.XmlElement('priority');
    priority.setAttribute('title', 'Kinder letters');
    // A document stored before links were children.
    priority.setAttribute('evidenceLinks', 'q1 t2');
    list.insert(0, [priority]);
    const log = new Y.XmlElement('decisionLog');
    const decision = new Y.XmlElement('decisionItem');
    decision.setAttribute('decisionText', 'Call first');
    log.insert(0, [decision]);
    doc.getXmlFragment(EDITOR_FRAGMENT).insert(0, [list, log]);
    expect(() => validateUpdate(Y.encodeStateAsUpdate(doc), undefined, rules)).not.toThrow();
    // The first tick moves the old links into children and empties the attribute.
    const stored = Y.encodeStateVector(doc);
    const linked = link('s3');
    doc.transact(() => {
      priority.insert(0, [link('q1'), link('t2'), linked]);
      priority.setAttribute('evidenceLinks', '');
      decision.insert(0, [link('q1')]);
    });
    const ticks = Y.encodeStateAsUpdate(doc, stored);
    expect(() => validateUpdate(ticks, undefined, rules)).not.toThrow();
    const ticked = Y.encodeStateVector(doc);
    priority.delete(0, 1); // q1 unticked
    expect(() =>
      validateUpdate(Y.encodeStateAsUpdate(doc, ticked), undefined, rules),
    ).not.toThrow();
    const before = Y.encodeStateVector(doc);
    linked.setAttribute('href', 'javascript:alert(1)');
    expect(() => validateUpdate(Y.encodeStateAsUpdate(doc, before), undefined, rules)).toThrow(
      /attribute "href" is not in the editor's schema/,
    );
    const later = Y.encodeStateVector(doc);
    priority.insert(0, [new Y.XmlElement('script')]);
    expect(() => validateUpdate(Y.encodeStateAsUpdate(doc, later), undefined, rules)).toThrow(
      /element "script" is not in the editor's schema/,
    );
  });

  it('accepts every node, mark and attribute the editor writes, and edits of them', () => {
    const update = everyKindOfContent();
    expect(() => validateUpdate(update, undefined, rules)).not.toThrow();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const before = Y.encodeStateVector(doc);
    const first = doc.getXmlFragment(EDITOR_FRAGMENT).get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(0, 'New ', { bold: true, 'italic--AbCd1234': {} });
    first.setAttribute('level', 3 as unknown as string);
    doc.getXmlFragment(EDITOR_FRAGMENT).delete(1, 1);
    expect(() =>
      validateUpdate(Y.encodeStateAsUpdate(doc, before), undefined, rules),
    ).not.toThrow();
  });

  /** An update from a fresh client that does one thing to an empty document. */
  const made = (change: (doc: Y.Doc) => void) => {
    const doc = new Y.Doc();
    change(doc);
    return Y.encodeStateAsUpdate(doc);
  };
  const inParagraph = (change: (p: Y.XmlElement, t: Y.XmlText) => void) =>
    made((doc) => {
      const p = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      doc.getXmlFragment(EDITOR_FRAGMENT).insert(0, [p]);
      p.insert(0, [t]);
      change(p, t);
    });

  const outside: [string, Uint8Array, RegExp][] = [
    [
      'text in a root of its own',
      made((d) => d.getText('hidden').insert(0, 'x')),
      /document part "hidden"/,
    ],
    ['a map root', made((d) => d.getMap('meta').set('a', 1)), /document part "meta"/],
    [
      'an element the editor does not have',
      made((d) => d.getXmlFragment(EDITOR_FRAGMENT).insert(0, [new Y.XmlElement('script')])),
      /element "script"/,
    ],
    [
      'an unknown attribute',
      inParagraph((p) => p.setAttribute('onclick', 'x')),
      /attribute "onclick"/,
    ],
    ['an unknown mark', inParagraph((_, t) => t.insert(0, 'x', { blink: true })), /mark "blink"/],
    [
      'a hook element',
      made((d) =>
        d
          .getXmlFragment(EDITOR_FRAGMENT)
          .insert(0, [new Y.XmlHook('widget') as unknown as Y.XmlElement]),
      ),
      /only elements and text/,
    ],
    [
      'text straight under the root',
      handmade((e) => {
        encoding.writeUint8(e, 4); // string, parent info follows
        encoding.writeVarUint(e, 1);
        encoding.writeVarString(e, EDITOR_FRAGMENT);
        encoding.writeVarString(e, 'loose');
      }),
      /only elements and text/,
    ],
    [
      'an embedded object',
      handmade((e) => {
        encoding.writeUint8(e, 5); // embed, parent info follows
        encoding.writeVarUint(e, 0); // the parent is an item:
        encoding.writeVarUint(e, 5); // its client
        encoding.writeVarUint(e, 0); // and clock
        encoding.writeVarString(e, '{}');
      }),
      /embedded objects/,
    ],
  ];
  for (const [what, update, reason] of outside) {
    it(`refuses ${what}, and says what`, () => {
      expect(() => validateUpdate(update, undefined, rules)).toThrow(reason);
      // Without rules (the protocol tests' plain Yjs types) only the shape is checked.
      if (!/only elements|embedded/.test(reason.source)) {
        expect(() => validateUpdate(update)).not.toThrow();
      }
    });
  }

  it('refuses a client id past 2^53, whose last byte lib0 does not range-check', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 2 ** 56); // client
    encoding.writeVarUint(e, 0);
    encoding.writeUint8(e, 0); // GC struct
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 0);
    expect(() => validateUpdate(encoding.toUint8Array(e))).toThrow(/id out of range/);
  });
});
