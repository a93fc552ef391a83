import { EDITOR_FRAGMENT, editorContent } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYDoc, updateYFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkPlacement } from './placement.ts';

const schema = getSchema([StarterKit, TableKit]);

/** A client document that starts with what the server holds, and the server's own copy. */
function setup() {
  const json = {
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Plan' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'First' }] },
      {
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              {
                type: 'tableCell',
                attrs: { colspan: 1, colwidth: [100] },
                content: [{ type: 'paragraph', content: [{ type: 'text', text: 'cell' }] }],
              },
            ],
          },
        ],
      },
    ],
  };
  const seed = prosemirrorJSONToYDoc(schema, json, EDITOR_FRAGMENT);
  const server = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(seed));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  /** The update one change makes, as the client would send it. */
  const edit = (change: (fragment: Y.XmlFragment) => void) => {
    const before = Y.encodeStateVector(client);
    change(client.getXmlFragment(EDITOR_FRAGMENT));
    return Y.encodeStateAsUpdate(client, before);
  };
  /** Checks an update against the server's copy and, if it passes, applies it there. */
  const send = (update: Uint8Array) => {
    checkPlacement(server, update);
    Y.applyUpdate(server, update);
  };
  return { server, client, edit, send };
}

describe('where content may go', () => {
  it('accepts what the editor binding writes: new blocks beside others, text, marks, attributes, deletions', () => {
    const { client, edit, send } = setup();
    expect(() => send(Y.encodeStateAsUpdate(client))).not.toThrow();
    // The binding's own diff from one document to the next, as typing produces it.
    const update = edit((fragment) => {
      updateYFragment(
        fragment.doc as Y.Doc,
        fragment,
        schema.nodeFromJSON({
          type: 'doc',
          content: [
            { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Plan B' }] },
            {
              type: 'paragraph',
              content: [
                { type: 'text', text: 'First ' },
                { type: 'text', text: 'bold', marks: [{ type: 'bold' }] },
                { type: 'hardBreak' },
                { type: 'text', text: 'line' },
              ],
            },
            {
              type: 'bulletList',
              content: [
                {
                  type: 'listItem',
                  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }],
                },
              ],
            },
          ],
        }),
        { mapping: new Map(), isOMark: new Map() },
      );
    });
    expect(() => send(update)).not.toThrow();
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, 'added');
    expect(() =>
      send(
        edit((fragment) => {
          fragment.insert(fragment.length, [p]);
          p.insert(0, [t]);
        }),
      ),
    ).not.toThrow();
    expect(() => send(edit(() => t.insert(5, ' more', { italic: true })))).not.toThrow();
    expect(() => send(edit(() => p.setAttribute('textAlign', 'left')))).not.toThrow();
    expect(() => send(edit((fragment) => fragment.delete(0, 1)))).not.toThrow();
  });

  const junk: [string, (fragment: Y.XmlFragment) => void][] = [
    // Each next to existing content: the item names its neighbour, not its parent.
    ['a plain value beside a paragraph', (f) => f.insert(1, ['junk' as unknown as Y.XmlElement])],
    [
      'a number inside a paragraph',
      (f) => (f.get(1) as Y.XmlElement).insert(1, [42 as unknown as Y.XmlElement]),
    ],
    [
      'an element inside a text',
      (f) =>
        ((f.get(1) as Y.XmlElement).get(0) as Y.XmlText).insertEmbed(
          2,
          new Y.XmlElement('paragraph'),
        ),
    ],
    ['a map beside a paragraph', (f) => f.insert(1, [new Y.Map() as unknown as Y.XmlElement])],
  ];
  for (const [what, change] of junk) {
    it(`refuses ${what}`, () => {
      const { edit, server } = setup();
      const before = server.getXmlFragment(EDITOR_FRAGMENT).toString();
      expect(() => checkPlacement(server, edit(change))).toThrow(/where the editor cannot show it/);
      expect(server.getXmlFragment(EDITOR_FRAGMENT).toString()).toBe(before);
    });
  }
});

describe('what an attribute with a rule may hold', () => {
  const values = new Map(Object.entries(editorContent.values));
  const uid = '0f8b7c1e-2d3a-4b5c-9d6e-7f8091a2b3c4';

  /** A server holding a PDSA cycle, and a client with the same cycle to change. */
  function withCycle() {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const cycle = new Y.XmlElement('pdsaCycle');
    cycle.setAttribute('changeIdea', 'Text reminders');
    cycle.setAttribute('changeIdeaId', '');
    client.getXmlFragment(EDITOR_FRAGMENT).insert(0, [cycle]);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    const edit = (change: () => void) => {
      const before = Y.encodeStateVector(client);
      change();
      return Y.encodeStateAsUpdate(client, before);
    };
    /** Checks an update against the server's copy and, if it passes, applies it there. */
    const send = (update: Uint8Array) => {
      checkPlacement(server, update, values);
      Y.applyUpdate(server, update);
    };
    return { server, client, cycle, edit, send };
  }

  it('accepts a link to a change idea, a change of it, and its removal', () => {
    const { cycle, edit, send } = withCycle();
    expect(() => send(edit(() => cycle.setAttribute('changeIdeaId', uid)))).not.toThrow();
    expect(() => send(edit(() => cycle.setAttribute('changeIdeaId', 'idea_2')))).not.toThrow();
    expect(() => send(edit(() => cycle.setAttribute('changeIdeaId', '')))).not.toThrow();
    expect(() => send(edit(() => cycle.removeAttribute('changeIdeaId')))).not.toThrow();
  });

  const junk: [string, unknown][] = [
    ['words', 'Text reminders'],
    ['markup', '<img src=x onerror=alert(1)>'],
    ['an over-long id', 'x'.repeat(65)],
    ['a number', 42],
    ['an object', { uid }],
  ];
  for (const [what, value] of junk) {
    it(`refuses ${what} as a cycle's link, written first or over a link, and says what it must be`, () => {
      const { server, client, cycle, edit, send } = withCycle();
      const set = () => cycle.setAttribute('changeIdeaId', value as string);
      // The first value names the attribute; a later one names only the value it replaces.
      const fresh = new Y.XmlElement('pdsaCycle');
      const created = edit(() => {
        fresh.setAttribute('changeIdeaId', value as string);
        client.getXmlFragment(EDITOR_FRAGMENT).insert(1, [fresh]);
      });
      expect(() => checkPlacement(server, created, values)).toThrow(
        /changeIdeaId must be a change idea's uid \(1-64 of A-Z a-z 0-9 - _\), or empty for no link/,
      );
      const over = edit(set);
      expect(() => send(over)).toThrow(/changeIdeaId must be a change idea's uid/);
      expect(
        (server.getXmlFragment(EDITOR_FRAGMENT).get(0) as Y.XmlElement).getAttribute(
          'changeIdeaId',
        ),
      ).toBe('');
      // Without rules (as before links were checked) the same updates pass.
      expect(() => checkPlacement(server, created)).not.toThrow();
      expect(() => checkPlacement(server, over)).not.toThrow();
    });
  }
  it('refuses a link to a run chart that is not an id, and takes one that is', () => {
    const { cycle, edit, send } = withCycle();
    expect(() => send(edit(() => cycle.setAttribute('runChartId', uid)))).not.toThrow();
    expect(() => send(edit(() => cycle.setAttribute('runChartId', 'javascript:x')))).toThrow(
      /runChartId must be a run chart's uid/,
    );
    expect(() => send(edit(() => cycle.setAttribute('runChartId', '')))).not.toThrow();
  });
});

describe('a long run of items inserted one after another', () => {
  it('is placed by following its chain of neighbours once, and a bad item at its end is still found', () => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const fragment = client.getXmlFragment(EDITOR_FRAGMENT);
    const chart = new Y.XmlElement('runChart');
    fragment.insert(0, [chart]);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    const before = Y.encodeStateVector(client);
    client.transact(() => {
      for (let i = 0; i < 3_000; i++) {
        const point = new Y.XmlElement('dataPoint');
        point.setAttribute('date', '2026-01-01');
        chart.insert(chart.length, [point]);
      }
    });
    const good = Y.encodeStateAsUpdate(client, before);
    // Each item names only its left neighbour: placing all of them walks the whole chain
    // (this took seconds when the chain was walked again for every item).
    expect(() => checkPlacement(server, good)).not.toThrow();
    // The same run with a plain value after its last point, inside the chart: the binding
    // cannot read it, and it names only its neighbour, 3,000 items up the chain.
    client.transact(() => {
      chart.insert(chart.length, [42 as unknown as Y.XmlElement]);
    });
    expect(() => checkPlacement(server, Y.encodeStateAsUpdate(client, before))).toThrow(
      /where the editor cannot show it/,
    );
  });
});
