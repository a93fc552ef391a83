import { EDITOR_FRAGMENT, EVIDENCE_LINKS_FIELD, parseLinks } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { EditorState, type Transaction } from '@tiptap/pm/state';
import {
  prosemirrorJSONToYDoc,
  updateYFragment,
  yXmlFragmentToProseMirrorRootNode,
} from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentExtensions } from '../extensions.ts';
import { linkedPiecesOf, linkSteps } from './evidenceLinkNodes.ts';

const schema = getSchema(contentExtensions());

/** A service design with three pieces of evidence, a priority and a decision. */
function design(legacyLinks = ''): Y.Doc {
  const piece = (uid: string, kind: string, body: string) => ({
    type: 'evidenceItem',
    attrs: { uid, kind, body },
  });
  return prosemirrorJSONToYDoc(
    schema,
    {
      type: 'doc',
      content: [
        {
          type: 'evidenceList',
          content: [
            piece('q1', 'quote', 'The letter scared me'),
            piece('s2', 'story', 'I rang three times'),
            piece('t3', 'touchpoint', 'Waited three weeks'),
          ],
        },
        {
          type: 'priorityList',
          content: [
            {
              type: 'priority',
              attrs: { uid: 'p1', title: 'Kinder letters', [EVIDENCE_LINKS_FIELD]: legacyLinks },
            },
          ],
        },
        {
          type: 'decisionLog',
          content: [{ type: 'decisionItem', attrs: { uid: 'd1', decisionText: 'Call first' } }],
        },
      ],
    },
    EDITOR_FRAGMENT,
  );
}

/** One person's copy of the document, edited as the editor does. */
class Person {
  readonly doc = new Y.Doc();
  private readonly fragment = this.doc.getXmlFragment(EDITOR_FRAGMENT);

  constructor(clientId: number, from: Y.Doc) {
    this.doc.clientID = clientId;
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(from));
  }

  /** The document as the binding draws it. */
  private drawn(): PmNode {
    return yXmlFragmentToProseMirrorRootNode(this.fragment, schema);
  }

  private find(doc: PmNode, uid: string): { node: PmNode; pos: number } {
    let found: { node: PmNode; pos: number } | null = null;
    doc.descendants((node, pos) => {
      if (!found && node.attrs.uid === uid && node.type.name !== 'evidenceItem') {
        found = { node, pos };
      }
      return !found;
    });
    if (!found) throw new Error(`no ${uid} in the document`);
    return found;
  }

  /**
   * A transaction on the document as drawn, written to Yjs by the binding's own diff (as
   * the Collaboration extension does after each transaction).
   */
  private edit(uid: string, steps: (tr: Transaction, node: PmNode, pos: number) => void) {
    const state = EditorState.create({ doc: this.drawn() });
    const tr = state.tr;
    const { node, pos } = this.find(tr.doc, uid);
    steps(tr, node, pos);
    updateYFragment(this.doc, this.fragment, tr.doc, { mapping: new Map(), isOMark: new Map() });
  }

  /** Ticks (`linked`) or unticks a piece for the priority or decision `uid`, as its view does. */
  link(uid: string, piece: string, linked: boolean): void {
    this.edit(uid, (tr, node, pos) => {
      expect(linkSteps(tr, node, pos, piece, linked)).toBe(true);
    });
  }

  /** The same tick as one list in one attribute, as links were kept before. */
  linkInOneAttribute(uid: string, piece: string): void {
    this.edit(uid, (tr, node, pos) => {
      const links = [...parseLinks(node.attrs[EVIDENCE_LINKS_FIELD]), piece].join(' ');
      tr.setNodeAttribute(pos, EVIDENCE_LINKS_FIELD, links);
    });
  }

  /** The pieces the priority or decision `uid` links to, as its view reads them. */
  links(uid: string): string[] {
    return linkedPiecesOf(this.find(this.drawn(), uid).node);
  }

  /** Whatever the priority or decision `uid` still holds in the old attribute. */
  legacy(uid: string): unknown {
    return this.find(this.drawn(), uid).node.attrs[EVIDENCE_LINKS_FIELD];
  }
}

/** Each sends the other what it lacks, as the sync server relays it. */
function sync(a: Person, b: Person): void {
  const forB = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
  const forA = Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc));
  Y.applyUpdate(b.doc, forB);
  Y.applyUpdate(a.doc, forA);
}

const sorted = (list: string[]) => [...list].sort();

describe('links of a priority or a decision to the evidence, made by two people at once', () => {
  it('keep both ticks when two people tick different pieces of the same priority', () => {
    const start = design();
    const ann = new Person(1, start);
    const bob = new Person(2, start);
    ann.link('p1', 'q1', true);
    bob.link('p1', 't3', true);
    expect(ann.links('p1')).toEqual(['q1']);
    expect(bob.links('p1')).toEqual(['t3']);
    sync(ann, bob);
    expect(sorted(ann.links('p1'))).toEqual(['q1', 't3']);
    expect(sorted(bob.links('p1'))).toEqual(['q1', 't3']);
  });

  it('lost one of the two ticks when every link was one attribute (why links are children)', () => {
    const start = design();
    const ann = new Person(1, start);
    const bob = new Person(2, start);
    ann.linkInOneAttribute('p1', 'q1');
    bob.linkInOneAttribute('p1', 't3');
    sync(ann, bob);
    const kept = parseLinks(ann.legacy('p1'));
    expect(kept).toEqual(parseLinks(bob.legacy('p1')));
    expect(kept).toHaveLength(1);
  });

  it('keep a tick and an untick of different pieces of the same decision', () => {
    const start = design();
    const ann = new Person(1, start);
    const bob = new Person(2, start);
    ann.link('d1', 'q1', true);
    ann.link('d1', 's2', true);
    sync(ann, bob);
    ann.link('d1', 'q1', false);
    bob.link('d1', 't3', true);
    sync(ann, bob);
    expect(sorted(ann.links('d1'))).toEqual(['s2', 't3']);
    expect(sorted(bob.links('d1'))).toEqual(['s2', 't3']);
  });

  it('make one link of the same piece ticked twice at once, and one untick removes it', () => {
    const start = design();
    const ann = new Person(1, start);
    const bob = new Person(2, start);
    ann.link('p1', 's2', true);
    bob.link('p1', 's2', true);
    sync(ann, bob);
    expect(ann.links('p1')).toEqual(['s2']);
    bob.link('p1', 's2', false);
    sync(ann, bob);
    expect(ann.links('p1')).toEqual([]);
    expect(bob.links('p1')).toEqual([]);
  });

  it('show the links of a document stored as one attribute, and move them into children on the first tick, even two at once', () => {
    const start = design('q1 gone');
    const ann = new Person(1, start);
    const bob = new Person(2, start);
    expect(ann.links('p1')).toEqual(['q1', 'gone']);
    ann.link('p1', 's2', true);
    bob.link('p1', 't3', true);
    expect(ann.legacy('p1')).toBe('');
    expect(ann.links('p1')).toEqual(['q1', 'gone', 's2']);
    sync(ann, bob);
    expect(ann.legacy('p1')).toBe('');
    for (const person of [ann, bob]) {
      expect(sorted(person.links('p1'))).toEqual(['gone', 'q1', 's2', 't3']);
    }
    // Both moved q1: one untick removes both of its children.
    bob.link('p1', 'q1', false);
    sync(ann, bob);
    expect(sorted(ann.links('p1'))).toEqual(['gone', 's2', 't3']);
  });
});
