import { AuthorshipIndex } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import { TableKit } from '@tiptap/extension-table';
import type { Node as PmNode } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { recordTransaction } from './recordTransaction.ts';
import { authoredBlocks, authorMap } from './textRuns.ts';

// The editor's own schema and the binding's own diffing function, so these tests see the
// same deletes and reinserts the browser produces.
const schema = getSchema([StarterKit, TableKit]);
const PATIENT = 'u-patient';
const CLINICIAN = 'u-clinician';
const SENTENCE = 'Waiting six weeks for results made me anxious.';

/** A server doc with the attribution ledger hooked up, and one editor doc per person. */
function setup() {
  const server = new Y.Doc();
  const index = new AuthorshipIndex();
  server.on('afterTransaction', (tr: Y.Transaction) => {
    if (typeof tr.origin === 'string') recordTransaction(tr, 'doc', index, tr.origin, Date.now());
  });
  const editors = new Map<string, Y.Doc>();
  const editorFor = (account: string) => {
    let doc = editors.get(account);
    if (!doc) {
      doc = new Y.Doc();
      index.owners.set(doc.clientID, account);
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
      editors.set(account, doc);
    }
    return doc;
  };
  /** Makes `account`'s editor show `build(current)`, the way the binding would, then syncs. */
  const edit = (account: string, build: (current: PmNode) => PmNode) => {
    const doc = editorFor(account);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
    const fragment = doc.getXmlFragment('default');
    const current = yXmlFragmentToProseMirrorRootNode(fragment, schema);
    const before = Y.encodeStateVector(doc);
    doc.transact(() =>
      updateYFragment(doc, fragment, build(current), { mapping: new Map(), isOMark: new Map() }),
    );
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, before), account);
  };
  const authors = () => authorMap(authoredBlocks(server.getXmlFragment('default'), index));
  return { server, index, edit, authors };
}

const p = (text: string) => schema.node('paragraph', null, text ? [schema.text(text)] : []);
const doc = (...blocks: PmNode[]) => schema.node('doc', null, blocks);

/**
 * Every letter and digit of the patient's text is still credited to the patient. (The
 * binding diffs minimally, so a boundary punctuation mark it keeps in place may stay with
 * its neighbour; words are what the report counts.)
 */
function expectPatientOwns(blocks: { text: string; authors: (string | null)[] }[], text: string) {
  const all = blocks.map((b) => b.text).join('\n');
  const authors = blocks.flatMap((b) => [...b.authors, 'newline']);
  const at = all.indexOf(text);
  expect(at, `"${text}" is in the document`).toBeGreaterThanOrEqual(0);
  const owners = new Set<string | null | undefined>();
  for (let i = at; i < at + text.length; i++) {
    if (/[\p{L}\p{N}]/u.test(all[i] ?? '')) owners.add(authors[i]);
  }
  expect(owners).toEqual(new Set([PATIENT]));
}

describe('credit survives structural edits', () => {
  const start = () => {
    const s = setup();
    s.edit(PATIENT, () => doc(p(SENTENCE)));
    expectPatientOwns(s.authors(), SENTENCE);
    return s;
  };

  it('splitting a paragraph (Enter in the middle) keeps both halves with their author', () => {
    const s = start();
    s.edit(CLINICIAN, () => doc(p('Waiting six weeks'), p(' for results made me anxious.')));
    expectPatientOwns(s.authors(), 'Waiting six weeks');
    expectPatientOwns(s.authors(), ' for results made me anxious.');
  });

  it('joining two paragraphs keeps the author of each', () => {
    const s = setup();
    s.edit(CLINICIAN, () => doc(p('Clinician note.')));
    s.edit(PATIENT, (d) => doc(d.child(0), p(SENTENCE)));
    // The clinician presses Backspace at the start of the patient's paragraph.
    s.edit(CLINICIAN, () => doc(p(`Clinician note.${SENTENCE}`)));
    expect(s.authors()).toHaveLength(1);
    expectPatientOwns(s.authors(), SENTENCE);
  });

  it('turning a paragraph into a heading keeps its author', () => {
    const s = start();
    s.edit(CLINICIAN, () => doc(schema.node('heading', { level: 2 }, [schema.text(SENTENCE)])));
    expect(s.server.getXmlFragment('default').get(0)).toBeInstanceOf(Y.XmlElement);
    expect((s.server.getXmlFragment('default').get(0) as Y.XmlElement).nodeName).toBe('heading');
    expectPatientOwns(s.authors(), SENTENCE);
  });

  it('turning a paragraph into a list item keeps its author', () => {
    const s = start();
    s.edit(CLINICIAN, () =>
      doc(schema.node('bulletList', null, [schema.node('listItem', null, [p(SENTENCE)])])),
    );
    expectPatientOwns(s.authors(), SENTENCE);
  });

  it('cutting a paragraph and pasting it elsewhere keeps its author', () => {
    const s = setup();
    s.edit(PATIENT, () => doc(p(SENTENCE), p('Second patient point.')));
    s.edit(CLINICIAN, (d) => doc(d.child(0), d.child(1), p('Clinician summary.')));
    // Move the first paragraph to the end, in one transaction (cut then paste).
    s.edit(CLINICIAN, (d) => doc(d.child(1), d.child(2), p(SENTENCE)));
    expectPatientOwns(s.authors(), SENTENCE);
    expectPatientOwns(s.authors(), 'Second patient point.');
  });

  it('paragraphs pasted into the middle of someone’s paragraph are the paster’s', () => {
    const s = setup();
    s.edit(PATIENT, () => doc(p('We need evening clinics near the station.')));
    // The clinician pastes two paragraphs after "clinics": the binding keeps the start of
    // the patient's paragraph, deletes " near the station." and writes it again after
    // the pasted text, in a new paragraph.
    s.edit(CLINICIAN, () =>
      doc(p('We need evening clinics for carers too.'), p('Parking matters. near the station.')),
    );
    const [first, second] = s.authors();
    /** Who is credited with the letters of `text` (a kept full stop may stay put). */
    const owner = (block: typeof first, text: string) => {
      const at = block?.text.indexOf(text) ?? -1;
      expect(at, `"${text}" is in "${block?.text}"`).toBeGreaterThanOrEqual(0);
      const owners = new Set<string | null | undefined>();
      for (let i = at; i < at + text.length; i++) {
        if (/[\p{L}\p{N}]/u.test(block?.text[i] ?? '')) owners.add(block?.authors[i]);
      }
      return owners;
    };
    expect(owner(first, 'We need evening clinics')).toEqual(new Set([PATIENT]));
    // Pieces of the moved text ("r ", "o.", "at") used to be matched letter by letter
    // into the pasted words, crediting the patient with parts of "for carers too".
    expect(owner(first, ' for carers too.')).toEqual(new Set([CLINICIAN]));
    expect(owner(second, 'Parking matters.')).toEqual(new Set([CLINICIAN]));
    expect(owner(second, ' near the station.')).toEqual(new Set([PATIENT]));
  });

  it('a sentence its author went back into keeps its author when turned into a heading or list', () => {
    for (const convert of [
      (text: string) => schema.node('heading', { level: 2 }, [schema.text(text)]),
      (text: string) => schema.node('bulletList', null, [schema.node('listItem', null, [p(text)])]),
    ]) {
      const s = setup();
      s.edit(PATIENT, () => doc(p('Ask me now.')));
      // Out of clock order: "right " was typed after "now.".
      s.edit(PATIENT, () => doc(p('Ask me right now.')));
      s.edit(CLINICIAN, () => doc(convert('Ask me right now.')));
      expectPatientOwns(s.authors(), 'Ask me right now.');
    }
  });

  it('words someone else added keep their author through a heading conversion', () => {
    const s = setup();
    s.edit(PATIENT, () => doc(p('Ask me now.')));
    s.edit(CLINICIAN, () => doc(p('Ask me right now.')));
    s.edit(PATIENT, () =>
      doc(schema.node('heading', { level: 2 }, [schema.text('Ask me right now.')])),
    );
    const [block] = s.authors();
    const letters = (from: number, to: number) =>
      new Set(
        block?.authors
          .slice(from, to)
          .filter((_a, i) => /\p{L}/u.test(block?.text[from + i] ?? '')),
      );
    expect(block?.text).toBe('Ask me right now.');
    expect(letters(0, 6)).toEqual(new Set([PATIENT]));
    expect(letters(7, 12)).toEqual(new Set([CLINICIAN]));
    expect(letters(13, 16)).toEqual(new Set([PATIENT]));
  });

  it('a short last word moved by a paste keeps its author', () => {
    const s = setup();
    s.edit(PATIENT, () => doc(p('We need evening clinics now.')));
    s.edit(CLINICIAN, () =>
      doc(p('We need evening clinics for carers.'), p('Parking matters. now.')),
    );
    const [, second] = s.authors();
    const at = second?.text.indexOf('now') ?? -1;
    expect(at).toBeGreaterThan(0);
    expect(new Set(second?.authors.slice(at, at + 3))).toEqual(new Set([PATIENT]));
    expect(new Set(second?.authors.slice(0, 'Parking matters.'.length))).toEqual(
      new Set([CLINICIAN]),
    );
  });

  it('text the clinician really typed is the clinician’s, and deleting it is counted', () => {
    const s = start();
    s.edit(CLINICIAN, () => doc(p(`${SENTENCE} Agreed.`)));
    const [block] = s.authors();
    expect(block?.authors.at(-1)).toBe(CLINICIAN);
  });
});
