import { Schema } from '@tiptap/pm/model';
import { EditorState, NodeSelection, TextSelection } from '@tiptap/pm/state';
import { expect, it } from 'vitest';
import { documentEndSelection } from './documentEnds.ts';

const schema = new Schema({
  nodes: {
    doc: { content: 'block+' },
    paragraph: { content: 'text*', group: 'block' },
    rule: { group: 'block' },
    text: {},
  },
});
const para = (text: string) => schema.node('paragraph', null, text ? [schema.text(text)] : []);
// "first" spans 0..7 (text 1..6), "second" 7..15 (text 8..14).
const doc = schema.node('doc', null, [para('first'), para('second')]);
const at = (anchor: number, head = anchor) =>
  EditorState.create({ doc, selection: TextSelection.create(doc, anchor, head) });

it('moves the caret to the end or start of the whole document', () => {
  expect(documentEndSelection(at(3), 'end', false)?.toJSON()).toEqual({
    type: 'text',
    anchor: 14,
    head: 14,
  });
  expect(documentEndSelection(at(10), 'start', false)?.toJSON()).toEqual({
    type: 'text',
    anchor: 1,
    head: 1,
  });
});

it('with Shift, extends the selection from its anchor', () => {
  expect(documentEndSelection(at(3, 5), 'end', true)?.toJSON()).toEqual({
    type: 'text',
    anchor: 3,
    head: 14,
  });
  expect(documentEndSelection(at(10), 'start', true)?.toJSON()).toEqual({
    type: 'text',
    anchor: 10,
    head: 1,
  });
});

it('does nothing when the caret is already there', () => {
  expect(documentEndSelection(at(14), 'end', false)).toBeNull();
  expect(documentEndSelection(at(1), 'start', false)).toBeNull();
  expect(documentEndSelection(at(5, 14), 'end', true)).toBeNull();
});

it('selects a rule at the very end rather than extending text into it', () => {
  const withRule = schema.node('doc', null, [para('first'), schema.node('rule')]);
  const state = EditorState.create({ doc: withRule, selection: TextSelection.create(withRule, 2) });
  expect(documentEndSelection(state, 'end', false)).toBeInstanceOf(NodeSelection);
  expect(documentEndSelection(state, 'end', true)).toBeInstanceOf(NodeSelection);
});

it('extends from a selected rule, whose anchor is not in text', () => {
  const withRule = schema.node('doc', null, [para('first'), schema.node('rule'), para('last')]);
  // The rule sits at 7..8; "last" is 8..14 (text 9..13).
  const state = EditorState.create({ doc: withRule, selection: NodeSelection.create(withRule, 7) });
  const extended = documentEndSelection(state, 'end', true);
  expect(extended).toBeInstanceOf(TextSelection);
  expect(extended?.head).toBe(13);
  // A valid text selection: both ends in text (TextSelection.create would have put the
  // anchor between blocks, which ProseMirror warns about and draws wrongly).
  expect(extended?.$anchor.parent.inlineContent).toBe(true);
});
