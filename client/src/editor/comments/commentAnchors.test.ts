import { type Node as PmNode, Schema } from '@tiptap/pm/model';
import { EditorState, Plugin, TextSelection } from '@tiptap/pm/state';
import { initProseMirrorDoc, ySyncPluginKey } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  anchorForSelection,
  anchorRanges,
  type CommentAnchor,
  commentAnchorsKey,
  commentAnchorsPlugin,
  threadsAt,
} from './commentAnchors.ts';
import { readOnlyContentPlugin } from './readOnlyContent.ts';

const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: { group: 'block', content: 'text*' },
    text: {},
  },
});

/** A Y.Doc holding two paragraphs, like the editor's fragment. */
function yDocument(): { ydoc: Y.Doc; fragment: Y.XmlFragment } {
  const ydoc = new Y.Doc();
  const fragment = ydoc.getXmlFragment('default');
  for (const text of ['Long waits for results', 'Letters are confusing']) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    fragment.push([p]);
  }
  return { ydoc, fragment };
}

/**
 * An editor state over the Y.Doc as the sync binding would show it: the binding's plugin
 * state (document, fragment, mapping) and the plugins under test.
 */
function stateOf(ydoc: Y.Doc, fragment: Y.XmlFragment, locked = false): EditorState {
  const { doc, mapping } = initProseMirrorDoc(fragment, schema);
  const sync = new Plugin({
    key: ySyncPluginKey,
    state: {
      init: () => ({ doc: ydoc, type: fragment, binding: { mapping } }),
      apply: (_t, v) => v,
    },
  });
  return EditorState.create({
    doc,
    plugins: [sync, commentAnchorsPlugin(), readOnlyContentPlugin(() => locked)],
  });
}

/** Where `text` starts in the document, as a ProseMirror position. */
function find(doc: PmNode, text: string): number {
  let found = -1;
  doc.descendants((node, pos) => {
    const at = node.isText ? (node.text ?? '').indexOf(text) : -1;
    if (found < 0 && at >= 0) found = pos + at;
  });
  if (found < 0) throw new Error(`no ${text}`);
  return found;
}

function select(state: EditorState, text: string): EditorState {
  const from = find(state.doc, text);
  return state.apply(
    state.tr.setSelection(TextSelection.create(state.doc, from, from + text.length)),
  );
}

function withAnchors(state: EditorState, anchors: CommentAnchor[]): EditorState {
  return state.apply(state.tr.setMeta(commentAnchorsKey, { type: 'anchors', anchors }));
}

const textOf = (state: EditorState, id: string) => {
  const range = anchorRanges(state).get(id);
  return range ? state.doc.textBetween(range.from, range.to) : null;
};

describe('comment anchors', () => {
  it('anchors the selected words and finds them again from their Yjs positions after edits just before and just after', () => {
    const { ydoc, fragment } = yDocument();
    const state = select(stateOf(ydoc, fragment), 'waits');
    const anchor = anchorForSelection(state);
    expect(anchor?.quote).toBe('waits');
    if (!anchor) return;

    // Someone types right before and right after the words, in the Y.Doc.
    const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(10, ' now');
    text.insert(5, 'very ');
    const later = withAnchors(stateOf(ydoc, fragment), [{ id: 't', ...anchor, open: true }]);
    expect(later.doc.textContent).toContain('Long very waits now for');
    expect(textOf(later, 't')).toBe('waits');
  });

  it('keeps the words through local typing at either edge, and loses them when they are deleted', () => {
    const { ydoc, fragment } = yDocument();
    let state = select(stateOf(ydoc, fragment), 'waits');
    const anchor = anchorForSelection(state);
    if (!anchor) throw new Error('no anchor');
    state = withAnchors(state, [{ id: 't', ...anchor, open: true }]);
    const from = find(state.doc, 'waits');
    state = state.apply(state.tr.insertText('very ', from));
    state = state.apply(state.tr.insertText(' now', find(state.doc, 'waits') + 5));
    expect(state.doc.textContent).toContain('Long very waits now for');
    expect(textOf(state, 't')).toBe('waits');
    // The caret in the words marks the thread.
    const inside = find(state.doc, 'waits') + 2;
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, inside)));
    expect(threadsAt(state)).toEqual(['t']);
    const start = find(state.doc, 'waits');
    state = state.apply(state.tr.delete(start, start + 5));
    expect(anchorRanges(state).get('t')).toBeNull();
  });

  it('locates a resolved thread without highlighting it', () => {
    const { ydoc, fragment } = yDocument();
    const selected = select(stateOf(ydoc, fragment), 'confusing');
    const anchor = anchorForSelection(selected);
    if (!anchor) throw new Error('no anchor');
    const state = withAnchors(selected, [{ id: 'r', ...anchor, open: false }]);
    expect(textOf(state, 'r')).toBe('confusing');
    expect(commentAnchorsKey.getState(state)?.decorations.find()).toEqual([]);
    const open = withAnchors(selected, [{ id: 'r', ...anchor, open: true }]);
    expect(commentAnchorsKey.getState(open)?.decorations.find()).toHaveLength(1);
  });

  it('offers no anchor for an empty or blank selection, and refuses junk positions', () => {
    const { ydoc, fragment } = yDocument();
    expect(anchorForSelection(stateOf(ydoc, fragment))).toBeNull();
    const state = withAnchors(stateOf(ydoc, fragment), [
      { id: 'junk', start: '!!!', end: 'AAAA', open: true },
    ]);
    expect(anchorRanges(state).get('junk')).toBeNull();
  });
});

describe('read-only content for commenters', () => {
  it('drops their own changes but applies everyone else’s, which arrive through the binding', () => {
    const { ydoc, fragment } = yDocument();
    const state = stateOf(ydoc, fragment, true);
    const own = state.applyTransaction(state.tr.insertText('X', 1));
    expect(own.state.doc.textContent).toBe(state.doc.textContent);
    const remote = state.applyTransaction(
      state.tr.insertText('Y', 1).setMeta(ySyncPluginKey, { isChangeOrigin: true }),
    );
    expect(remote.state.doc.textContent.startsWith('Y')).toBe(true);
    // Moving the caret or selecting is always allowed.
    const moved = state.applyTransaction(
      state.tr.setSelection(TextSelection.create(state.doc, 3, 6)),
    );
    expect(moved.state.selection.from).toBe(3);
  });
});
