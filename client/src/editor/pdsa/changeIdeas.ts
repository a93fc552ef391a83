import {
  type ChangeIdeaRef,
  isChangeIdeaId,
  linkedWordsToStore,
  type PdsaStage,
  pdsaStageOf,
} from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { type Editor, useEditorState } from '@tiptap/react';
import { newUid } from '../childEdits.ts';
import { storedText } from '../SyncedField.tsx';

/** Longest label kept for an idea (the driver diagram keeps up to 1,000 characters). */
const MAX_LABEL = 1_000;

/** A change idea of the document's driver diagrams, as a PDSA cycle links to it. */
export interface OfferedIdea extends ChangeIdeaRef {
  /**
   * What picking it means: its `uid`, or `#n` (the n-th idea of the document) for an idea
   * written before ideas had ids (or a copy's, with another's id), given one when picked.
   */
  key: string;
  /** The secondary driver it is under, to tell ideas with the same words apart. */
  under: string;
}

/** Ideas found per version of the document: one walk, however many cycles ask. */
const found = new WeakMap<PmNode, OfferedIdea[]>();

interface Found {
  node: PmNode;
  pos: number;
  parent: PmNode | null;
  /** Its key (see `OfferedIdea`). */
  key: string;
}

/**
 * Every change idea of the document's driver diagrams, in document order, with its place
 * and key. An idea whose id an earlier one already has (a pasted copy of a diagram) is
 * keyed by its place, as one without an id: links find the first.
 */
function allIdeas(doc: PmNode): Found[] {
  const ideas: Found[] = [];
  const seen = new Set<string>();
  doc.descendants((node, pos, parent) => {
    if (node.type.name === 'changeIdea') {
      const uid = isChangeIdeaId(node.attrs.uid) ? node.attrs.uid : '';
      const key = uid && !seen.has(uid) ? uid : `#${ideas.length}`;
      if (uid) seen.add(uid);
      ideas.push({ node, pos, parent, key });
      return false;
    }
    // Only blocks can hold a diagram; text never does.
    return !node.isTextblock;
  });
  return ideas;
}

/** The document's change ideas, as cycles offer them and follow their links. */
export function changeIdeasIn(doc: PmNode): OfferedIdea[] {
  const known = found.get(doc);
  if (known) return known;
  const ideas = allIdeas(doc).map(
    ({ node, parent, key }): OfferedIdea => ({
      uid: key.startsWith('#') ? '' : key,
      key,
      label: storedText(node.attrs.label, MAX_LABEL),
      under: storedText(parent?.attrs.label, MAX_LABEL),
    }),
  );
  found.set(doc, ideas);
  return ideas;
}

/** The document's change ideas, fresh whenever one is added, renamed or removed. */
export function useChangeIdeas(editor: Editor): OfferedIdea[] {
  return useEditorState({ editor, selector: ({ editor: e }) => changeIdeasIn(e.state.doc) });
}

/**
 * Links the cycle at `cyclePos` to the idea `key` stands for, as the document holds it now
 * (someone may have changed the diagram since the list was drawn), keeping the idea's words
 * as the last known. An idea without an id is given one in the same edit. Null when the
 * cycle or the idea is gone, or the idea's words are no longer those offered.
 */
export function linkChangeIdea(
  state: EditorState,
  cyclePos: number,
  key: string,
  offeredLabel: string,
): Transaction | null {
  const cycle = state.doc.nodeAt(cyclePos);
  if (cycle?.type.name !== 'pdsaCycle') return null;
  const idea = allIdeas(state.doc).find((i) => i.key === key);
  if (!idea) return null;
  const label = storedText(idea.node.attrs.label, MAX_LABEL);
  const tr = state.tr;
  let uid = key;
  if (key.startsWith('#')) {
    // A place finds the idea drawn there only if it still has the words offered.
    if (label !== offeredLabel) return null;
    uid = newUid();
    tr.setNodeMarkup(idea.pos, undefined, { ...idea.node.attrs, uid });
  }
  // Setting attributes moves nothing, so the cycle is still at `cyclePos`.
  tr.setNodeMarkup(cyclePos, undefined, { ...cycle.attrs, changeIdeaId: uid, changeIdea: label });
  return tr;
}

/**
 * Carries the words of the change idea at `ideaPos`, just renamed in `tr`, into the cycles
 * linked to it, in the same edit: their stored words stay the last known, for when the idea
 * is removed and for readers that do not follow links (a page still showing the words it
 * had, an export). A copy of an idea, whose id an earlier one has, is linked to by none.
 */
export function followRename(tr: Transaction, ideaPos: number): Transaction {
  const idea = tr.doc.nodeAt(ideaPos);
  const uid: unknown = idea?.attrs.uid;
  if (idea?.type.name !== 'changeIdea' || !isChangeIdeaId(uid)) return tr;
  if (allIdeas(tr.doc).find((i) => i.key === uid)?.pos !== ideaPos) return tr;
  const label = storedText(idea.attrs.label, MAX_LABEL);
  tr.doc.descendants((node, pos) => {
    if (node.type.name === 'pdsaCycle') {
      if (node.attrs.changeIdeaId === uid && node.attrs.changeIdea !== label) {
        tr.setNodeMarkup(pos, undefined, { ...node.attrs, changeIdea: label });
      }
      return false;
    }
    return !node.isTextblock;
  });
  return tr;
}

/**
 * Writes the current words of their change idea into the linked cycles whose own words
 * differ (see `linkedWordsToStore`): a rename and a pick that crossed. Null when every
 * linked cycle already has them. Kept out of undo: nobody typed it.
 */
export function followLinkedWords(state: EditorState): Transaction | null {
  const ideas = changeIdeasIn(state.doc);
  if (ideas.length === 0) return null;
  let tr: Transaction | null = null;
  state.doc.descendants((node, pos) => {
    if (node.type.name === 'pdsaCycle') {
      const words = linkedWordsToStore(
        { changeIdea: node.attrs.changeIdea, changeIdeaId: node.attrs.changeIdeaId },
        ideas,
      );
      if (words !== null) {
        tr ??= state.tr;
        // Setting attributes moves nothing: later positions stay as read.
        tr.setNodeMarkup(pos, undefined, { ...node.attrs, changeIdea: words });
      }
      return false;
    }
    return !node.isTextblock;
  });
  return tr === null ? null : (tr as Transaction).setMeta('addToHistory', false);
}

const followKey = new PluginKey('followLinkedWords');

/**
 * Runs `followLinkedWords` after the document changes, on the page of someone who may
 * change blocks (`canWrite`). Not inside the change itself: a change that comes from
 * someone else is applied by the sync binding, which does not send on what is written
 * while it applies one, so it is written just after, as its own edit.
 */
export function followLinkedWordsPlugin(canWrite: () => boolean): Plugin {
  return new Plugin({
    key: followKey,
    view() {
      let timer: ReturnType<typeof setTimeout> | null = null;
      return {
        update(view, previous) {
          if (view.state.doc === previous.doc || timer !== null) return;
          timer = setTimeout(() => {
            timer = null;
            if (view.isDestroyed || !canWrite()) return;
            const tr = followLinkedWords(view.state);
            if (tr) view.dispatch(tr);
          }, 0);
        },
        destroy() {
          if (timer !== null) clearTimeout(timer);
        },
      };
    },
  });
}

/** A PDSA cycle as the driver diagram lists it under the change idea it tests. */
export interface CycleRef {
  /** Its place among the document's cycles (the n-th), to find it again when followed. */
  n: number;
  title: string;
  stage: PdsaStage;
}

/** Cycles by the idea they link to, per version of the document. */
const cyclesFound = new WeakMap<PmNode, Record<string, CycleRef[]>>();

/** The document's PDSA cycles linked to a change idea, by the idea's id, in document order. */
export function cyclesByIdea(doc: PmNode): Record<string, CycleRef[]> {
  const known = cyclesFound.get(doc);
  if (known) return known;
  const byIdea: Record<string, CycleRef[]> = {};
  let n = 0;
  doc.descendants((node) => {
    if (node.type.name === 'pdsaCycle') {
      const uid: unknown = node.attrs.changeIdeaId;
      if (isChangeIdeaId(uid)) {
        byIdea[uid] ??= [];
        byIdea[uid].push({
          n,
          title: storedText(node.attrs.title, MAX_LABEL),
          stage: pdsaStageOf(node.attrs.stage),
        });
      }
      n += 1;
      return false;
    }
    return !node.isTextblock;
  });
  cyclesFound.set(doc, byIdea);
  return byIdea;
}

/**
 * The cycles testing each change idea, fresh whenever a cycle is linked, renamed or moves
 * on (a plain object of plain lists, so the view redraws only when what it lists changes).
 */
export function useCyclesByIdea(editor: Editor): Record<string, CycleRef[]> {
  return useEditorState({ editor, selector: ({ editor: e }) => cyclesByIdea(e.state.doc) });
}

/** Where the first change idea with `uid` is (the one cycles link to), or null. */
export function firstIdeaPos(doc: PmNode, uid: string): number | null {
  return allIdeas(doc).find((i) => i.key === uid)?.pos ?? null;
}

/** Where the n-th PDSA cycle of the document is now, if it still tests idea `uid`. */
export function cyclePos(doc: PmNode, n: number, uid: string): number | null {
  let seen = 0;
  let at: number | null = null;
  doc.descendants((node, pos) => {
    if (at !== null) return false;
    if (node.type.name === 'pdsaCycle') {
      if (seen === n && node.attrs.changeIdeaId === uid) at = pos;
      seen += 1;
      return false;
    }
    return !node.isTextblock;
  });
  return at;
}
