import { getSchema } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { EditorState, Plugin } from '@tiptap/pm/state';
import { initProseMirrorDoc, ySyncPluginKey } from '@tiptap/y-tiptap';
import { fromBase64 } from 'lib0/buffer';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentExtensions } from '../extensions.ts';
import { commentAnchorsKey, commentAnchorsPlugin, suggestionBetween } from './commentAnchors.ts';

// The editor's own schema, so lists, quotes, tables and line breaks are the real ones.
const schema = getSchema(contentExtensions());

type Block = Y.XmlElement;
const text = (words: string) => {
  const t = new Y.XmlText();
  if (words) t.insert(0, words);
  return t;
};
const block = (name: string, children: (Y.XmlElement | Y.XmlText)[] = []): Block => {
  const el = new Y.XmlElement(name);
  el.insert(0, children);
  return el;
};
const p = (words: string) => block('paragraph', words ? [text(words)] : []);

/** An editor state over a Y.Doc holding `blocks`, as the sync binding shows it. */
function stateOf(...blocks: Block[]): { state: EditorState; ydoc: Y.Doc } {
  const ydoc = new Y.Doc();
  const fragment = ydoc.getXmlFragment('default');
  fragment.insert(0, blocks);
  const { doc, mapping } = initProseMirrorDoc(fragment, schema);
  const sync = new Plugin({
    key: ySyncPluginKey,
    state: {
      init: () => ({ doc: ydoc, type: fragment, binding: { mapping } }),
      apply: (_t, v) => v,
    },
  });
  return { state: EditorState.create({ doc, plugins: [sync, commentAnchorsPlugin()] }), ydoc };
}

/** Where `words` start (or, with `after`, end) in the document, as a ProseMirror position. */
function find(doc: PmNode, words: string, after = false): number {
  let found = -1;
  doc.descendants((node, pos) => {
    const at = node.isText ? (node.text ?? '').indexOf(words) : -1;
    if (found < 0 && at >= 0) found = pos + at + (after ? words.length : 0);
  });
  if (found < 0) throw new Error(`no ${words}`);
  return found;
}

/** Where an encoded anchor is in the Y.Doc: the text's words and the index in them. */
function placeOf(ydoc: Y.Doc, encoded: string): { words: string; index: number } | null {
  const at = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(fromBase64(encoded)),
    ydoc,
  );
  return at ? { words: at.type.toString(), index: at.index } : null;
}

describe('suggestions across paragraphs, in the editor', () => {
  it('a selection from one paragraph into the next: its quote has a line feed per break, its anchors are in both texts', () => {
    const { state, ydoc } = stateOf(
      p('Clinics open at nine.'),
      p(''),
      p('Evening slots are rare.'),
    );
    const range = suggestionBetween(
      state,
      find(state.doc, 'nine.'),
      find(state.doc, 'Evening', true),
    );
    if ('problem' in range) throw new Error(range.problem);
    expect(range.quote).toBe('nine.\n\nEvening');
    expect(placeOf(ydoc, range.start)).toEqual({ words: 'Clinics open at nine.', index: 16 });
    expect(placeOf(ydoc, range.end)).toEqual({ words: 'Evening slots are rare.', index: 7 });
  });

  it('a paragraph break alone (Backspace at a paragraph’s start) is from the end of one text to the start of the next', () => {
    const { state, ydoc } = stateOf(p('Reminders by post.'), p('Texts planned.'));
    const end = find(state.doc, 'post.', true);
    const range = suggestionBetween(state, end, find(state.doc, 'Texts'));
    if ('problem' in range) throw new Error(range.problem);
    expect(range.quote).toBe('\n');
    expect(placeOf(ydoc, range.start)).toEqual({ words: 'Reminders by post.', index: 18 });
    expect(placeOf(ydoc, range.end)).toEqual({ words: 'Texts planned.', index: 0 });
  });

  it('takes a heading, list items of one list, and paragraphs of one quote', () => {
    const item = (words: string) => block('listItem', [p(words)]);
    const { state } = stateOf(
      block('heading', [text('Transport')]),
      p('Buses run hourly.'),
      block('bulletList', [item('Bring glasses.'), item('Bring medicines.')]),
      block('blockquote', [p('We waited.'), p('Nobody called.')]),
    );
    const between = (a: string, b: string) =>
      suggestionBetween(state, find(state.doc, a), find(state.doc, b, true));
    expect(between('Transport', 'Buses')).toMatchObject({ quote: 'Transport\nBuses' });
    expect(between('glasses.', 'Bring medicines')).toMatchObject({
      quote: 'glasses.\nBring medicines',
    });
    expect(between('waited.', 'Nobody')).toMatchObject({ quote: 'waited.\nNobody' });
  });

  it('refuses a stretch across a table, a line break or out of a quote, saying what to select', () => {
    const cell = block('tableCell', [p('Monday')]);
    const { state } = stateOf(
      p('Opening times vary.'),
      block('table', [block('tableRow', [cell])]),
      p('Closed on holidays.'),
      block('paragraph', [text('Call'), block('hardBreak'), text('ahead.')]),
      block('blockquote', [p('We waited.')]),
    );
    const problem = (a: string, b: string) => {
      const range = suggestionBetween(state, find(state.doc, a), find(state.doc, b, true));
      return 'problem' in range ? range.problem : null;
    };
    expect(problem('vary.', 'Closed')).toMatch(/cannot delete \(a table/);
    expect(problem('holidays.', 'Call')).toMatch(/cannot delete \(a table, a line break/);
    expect(problem('ahead.', 'We waited')).toMatch(/side by side/);
    expect(problem('Opening', 'Monday')).toMatch(/side by side/);
  });

  it('draws a spanning suggestion over each paragraph’s words, its break as a struck-out ¶, and an empty paragraph between as deleted', () => {
    const { state } = stateOf(p('Clinics open at nine.'), p(''), p('Evening slots are rare.'));
    const range = suggestionBetween(
      state,
      find(state.doc, 'nine.'),
      find(state.doc, 'Evening', true),
    );
    if ('problem' in range) throw new Error(range.problem);
    const drawn = state.apply(
      state.tr.setMeta(commentAnchorsKey, {
        type: 'anchors',
        anchors: [{ id: 's', start: range.start, end: range.end, open: true, suggestion: '' }],
      }),
    );
    const decorations = commentAnchorsKey.getState(drawn)?.decorations.find() ?? [];
    const spec = (d: (typeof decorations)[number]) => d.spec as { key?: string };
    // Two breaks: after "nine." and after the empty paragraph.
    expect(decorations.filter((d) => spec(d).key === 'break:s')).toHaveLength(2);
    const inline = decorations.filter((d) => d.spec.thread === 's');
    // One inline decoration over the stretch, which the view draws over each block's text
    // (the e2e sees one struck-out element per paragraph).
    expect(inline.map((d) => drawn.doc.textBetween(d.from, d.to, '\n'))).toEqual([
      'nine.\n\nEvening',
    ]);
    const emptyBlock = decorations.find(
      (d) => (d as unknown as { type: { attrs: { class?: string } } }).type.attrs.class,
    );
    expect(emptyBlock && drawn.doc.nodeAt(emptyBlock.from)?.content.size).toBe(0);
  });
});
