import { EDITOR_FRAGMENT, resolveChangeIdea } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentExtensions } from '../extensions.ts';
import { changeIdeasIn, followLinkedWords, followRename, linkChangeIdea } from './changeIdeas.ts';

const schema = getSchema(contentExtensions());

const idea = (label: string, uid: string) => ({ type: 'changeIdea', attrs: { label, uid } });

/** A plan with a driver diagram of three change ideas (one from before ideas had ids). */
const plan = (cycle: Record<string, string> = { title: 'Cycle 1' }) => ({
  type: 'doc',
  content: [
    {
      type: 'driverDiagram',
      attrs: { aim: 'Missed appointments from 12% to 8% by June 2027' },
      content: [
        {
          type: 'primaryDriver',
          attrs: { label: 'Patients remember', uid: 'primary-1' },
          content: [
            {
              type: 'secondaryDriver',
              attrs: { label: 'Reminders that reach people', uid: 'secondary-1' },
              content: [
                idea('Text reminders', 'idea-1'),
                idea('Letters in large print', ''),
                idea('Easy rebooking line', 'idea-3'),
              ],
            },
          ],
        },
      ],
    },
    { type: 'pdsaCycle', attrs: cycle },
  ],
});

/**
 * One person's copy: a Yjs document, read and changed through the editor's schema as the
 * page's binding does (the PDSA cycle's view and the diagram's edits run on this state).
 */
function copy(doc = new Y.Doc()) {
  const fragment = doc.getXmlFragment(EDITOR_FRAGMENT);
  const read = () => yXmlFragmentToProseMirrorRootNode(fragment, schema);
  const state = () => EditorState.create({ schema, doc: read() });
  const write = (next: PmNode) =>
    updateYFragment(doc, fragment, next, { mapping: new Map(), isOMark: new Map() });
  const apply = (tr: Transaction | null) => {
    if (!tr) throw new Error('the edit found nothing to change');
    write(tr.doc);
  };
  const find = (type: string, label?: string) => {
    let at = -1;
    read().descendants((node, pos) => {
      if (
        at === -1 &&
        node.type.name === type &&
        (label === undefined || node.attrs.label === label)
      )
        at = pos;
    });
    if (at === -1) throw new Error(`no ${type} ${label ?? ''}`);
    return at;
  };
  /** The cycle's change idea as its view shows it. */
  const shown = () => {
    const cycle = read().nodeAt(find('pdsaCycle'));
    return resolveChangeIdea(
      { changeIdea: cycle?.attrs.changeIdea, changeIdeaId: cycle?.attrs.changeIdeaId },
      changeIdeasIn(read()),
    );
  };
  const rename = (from: string, to: string) => {
    const tr = state().tr;
    const at = find('changeIdea', from);
    const node = tr.doc.nodeAt(at);
    tr.setNodeMarkup(at, undefined, { ...node?.attrs, label: to });
    apply(followRename(tr, at));
  };
  const remove = (label: string) => {
    const tr = state().tr;
    const at = find('changeIdea', label);
    apply(tr.delete(at, at + (tr.doc.nodeAt(at)?.nodeSize ?? 0)));
  };
  const pick = (key: string, label: string) =>
    apply(linkChangeIdea(state(), find('pdsaCycle'), key, label));
  return { doc, read, state, write, apply, find, shown, rename, remove, pick };
}

/** Two people's copies of one plan, each edit sent to the other while they are connected. */
function twoPeople(cycle?: Record<string, string>) {
  const a = copy();
  a.write(schema.nodeFromJSON(plan(cycle)));
  const b = copy();
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc));
  let online = true;
  const held: [Y.Doc, Uint8Array][] = [];
  for (const [from, to] of [
    [a.doc, b.doc],
    [b.doc, a.doc],
  ] as const) {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      if (online) Y.applyUpdate(to, update, 'remote');
      else held.push([to, update]);
    });
  }
  const setOnline = (on: boolean) => {
    online = on;
    if (on) for (const [to, update] of held.splice(0)) Y.applyUpdate(to, update, 'remote');
  };
  return { a, b, setOnline };
}

describe('a PDSA cycle linked to a change idea of the driver diagram', () => {
  it('offers the diagram’s ideas, keyed by their ids (one without an id by its place)', () => {
    const { a } = twoPeople();
    expect(changeIdeasIn(a.read())).toEqual([
      {
        uid: 'idea-1',
        key: 'idea-1',
        label: 'Text reminders',
        under: 'Reminders that reach people',
      },
      { uid: '', key: '#1', label: 'Letters in large print', under: 'Reminders that reach people' },
      {
        uid: 'idea-3',
        key: 'idea-3',
        label: 'Easy rebooking line',
        under: 'Reminders that reach people',
      },
    ]);
  });

  it('shows one person’s rename of the linked idea on the other person’s cycle', () => {
    const { a, b } = twoPeople();
    a.pick('idea-1', 'Text reminders');
    expect(b.shown()).toEqual({ state: 'linked', uid: 'idea-1', text: 'Text reminders' });
    b.rename('Text reminders', 'Text reminders two days before');
    for (const person of [a, b]) {
      expect(person.shown()).toEqual({
        state: 'linked',
        uid: 'idea-1',
        text: 'Text reminders two days before',
      });
      // The cycle's own words followed in the same edit: the last known, if it goes.
      const cycle = person.read().nodeAt(person.find('pdsaCycle'));
      expect(cycle?.attrs.changeIdea).toBe('Text reminders two days before');
    }
  });

  it('shows the new name also when the rename and the pick crossed', () => {
    const { a, b, setOnline } = twoPeople();
    setOnline(false);
    a.rename('Text reminders', 'Texts two days before');
    b.pick('idea-1', 'Text reminders');
    setOnline(true);
    expect(a.shown()).toEqual({ state: 'linked', uid: 'idea-1', text: 'Texts two days before' });
    expect(b.shown()).toEqual({ state: 'linked', uid: 'idea-1', text: 'Texts two days before' });
  });

  it('makes the cycle’s own words the new name after a crossed rename and pick, once, whoever sees it', () => {
    const { a, b, setOnline } = twoPeople();
    setOnline(false);
    a.rename('Text reminders', 'Texts two days before');
    b.pick('idea-1', 'Text reminders');
    setOnline(true);
    const stored = (person: typeof a) =>
      person.read().nodeAt(person.find('pdsaCycle'))?.attrs.changeIdea;
    // The crossing leaves the picked words stored, though the link shows the new name.
    expect(stored(a)).toBe('Text reminders');
    // Both pages see it at the same moment (neither has the other's fix yet): both write.
    setOnline(false);
    const fixes = [followLinkedWords(a.state()), followLinkedWords(b.state())];
    expect(fixes.every((tr) => tr !== null)).toBe(true);
    a.apply(fixes[0] ?? null);
    b.apply(fixes[1] ?? null);
    setOnline(true);
    for (const person of [a, b]) {
      expect(stored(person)).toBe('Texts two days before');
      // Nothing left to write: no page writes again (no storm of edits).
      expect(followLinkedWords(person.state())).toBeNull();
    }
    // Removed now, the cycle says the name it had last.
    a.remove('Texts two days before');
    expect(b.shown()).toEqual({ state: 'removed', uid: 'idea-1', text: 'Texts two days before' });
    expect(followLinkedWords(b.state())).toBeNull();
  });

  it('keeps the last words known when the idea is removed from the diagram', () => {
    const { a, b } = twoPeople();
    b.pick('idea-3', 'Easy rebooking line');
    b.rename('Easy rebooking line', 'One number to rebook');
    a.remove('One number to rebook');
    expect(b.shown()).toEqual({ state: 'removed', uid: 'idea-3', text: 'One number to rebook' });
    expect(changeIdeasIn(b.read()).map((i) => i.label)).toEqual([
      'Text reminders',
      'Letters in large print',
    ]);
  });

  it('gives an idea from before ideas had ids one when it is picked, and links to it', () => {
    const { a, b } = twoPeople();
    a.pick('#1', 'Letters in large print');
    const uid = changeIdeasIn(b.read())[1]?.uid ?? '';
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.shown()).toEqual({ state: 'linked', uid, text: 'Letters in large print' });
    // A place whose words changed since the list was drawn is not picked.
    expect(linkChangeIdea(a.state(), a.find('pdsaCycle'), '#0', 'Other')).toBeNull();
  });

  it('leaves cycles alone when a copy of an idea (with the same id) is renamed', () => {
    const { a } = twoPeople();
    a.pick('idea-1', 'Text reminders');
    // A pasted copy of the first idea, with its id, at the end of the same branch.
    const tr = a.state().tr;
    const branch = a.find('secondaryDriver');
    const end = branch + (tr.doc.nodeAt(branch)?.nodeSize ?? 0) - 1;
    a.write(tr.insert(end, schema.nodeFromJSON(idea('Text reminders', 'idea-1'))).doc);
    expect(changeIdeasIn(a.read()).map((i) => i.key)).toEqual(['idea-1', '#1', 'idea-3', '#3']);
    const rename = a.state().tr;
    rename.setNodeMarkup(end, undefined, { label: 'Copy renamed', uid: 'idea-1' });
    a.write(followRename(rename, end).doc);
    expect(a.shown()).toEqual({ state: 'linked', uid: 'idea-1', text: 'Text reminders' });
  });

  it('reads a cycle holding only text (from before links) as written, and typing unlinks', () => {
    const { a, b } = twoPeople({ title: 'Cycle 1', changeIdea: 'Reminders by phone' });
    expect(b.shown()).toEqual({ state: 'written', text: 'Reminders by phone' });
    a.pick('idea-1', 'Text reminders');
    // What typing in the field does (see PdsaCycleView): its own words, no link.
    const tr = b.state().tr;
    const at = b.find('pdsaCycle');
    tr.setNodeMarkup(at, undefined, {
      ...tr.doc.nodeAt(at)?.attrs,
      changeIdea: 'Text reminders, and a call',
      changeIdeaId: '',
    });
    b.write(tr.doc);
    expect(a.shown()).toEqual({ state: 'written', text: 'Text reminders, and a call' });
    a.rename('Text reminders', 'Texts');
    expect(b.shown()).toEqual({ state: 'written', text: 'Text reminders, and a call' });
  });
});
