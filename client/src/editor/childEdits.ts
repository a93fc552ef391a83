import type { Editor } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';

/** A child as drawn: its own id (if it has one) and where it was. */
export interface ChildRef {
  uid: string;
  child: number;
}

/** A new child's own id. */
export const newUid = () => crypto.randomUUID();

/**
 * Edits to the children of a structured block (an action log's actions, a list of
 * priorities, pieces of evidence, decisions), made on the block as the document holds it
 * now: someone may have added or removed children since it was drawn. A child is found by
 * its own id; one without (written by another client) by its place, if `isSame` says it
 * is still the one drawn there. An edit that finds no such child is dropped rather than
 * made to another one.
 */
export function childEdits(editor: Editor, getPos: () => number | undefined, blockType: string) {
  const withBlock = (edit: (block: PmNode, pos: number) => void) => {
    const pos = getPos();
    const block = typeof pos === 'number' ? editor.state.doc.nodeAt(pos) : null;
    if (typeof pos === 'number' && block?.type.name === blockType) edit(block, pos);
  };
  const find = (block: PmNode, pos: number, ref: ChildRef, isSame: (c: PmNode) => boolean) => {
    let index = -1;
    if (ref.uid) {
      block.forEach((c, _offset, i) => {
        if (index === -1 && c.attrs.uid === ref.uid) index = i;
      });
    } else if (ref.child < block.childCount && isSame(block.child(ref.child))) {
      index = ref.child;
    }
    if (index === -1) return null;
    let at = pos + 1;
    for (let i = 0; i < index; i++) at += block.child(i).nodeSize;
    return { child: block.child(index), at };
  };
  return {
    /** Sets attributes of a child. */
    update(ref: ChildRef, isSame: (child: PmNode) => boolean, attrs: Record<string, unknown>) {
      withBlock((block, pos) => {
        const found = find(block, pos, ref, isSame);
        if (!found) return;
        const { state, view } = editor;
        view.dispatch(
          state.tr.setNodeMarkup(found.at, undefined, { ...found.child.attrs, ...attrs }),
        );
      });
    },
    /**
     * Changes a child's own content: `steps` adds them to the transaction, given the
     * child and its position, and says whether there were any.
     */
    change(
      ref: ChildRef,
      isSame: (child: PmNode) => boolean,
      steps: (tr: Transaction, child: PmNode, at: number) => boolean,
    ) {
      withBlock((block, pos) => {
        const found = find(block, pos, ref, isSame);
        if (!found) return;
        const tr = editor.state.tr;
        if (steps(tr, found.child, found.at)) editor.view.dispatch(tr);
      });
    },
    /** Adds a child of `type`, with an id of its own, at the end of the block. */
    append(type: string, attrs: Record<string, unknown>) {
      withBlock((block, pos) => {
        const { state, view } = editor;
        const created = state.schema.nodes[type]?.create({ ...attrs, uid: newUid() });
        if (created) view.dispatch(state.tr.insert(pos + block.nodeSize - 1, created));
      });
    },
    /**
     * Removes a child, then moves focus to what `focusAfter` picks in the block once it is
     * drawn again (never leaving it on the page's body).
     */
    remove(
      ref: ChildRef,
      isSame: (child: PmNode) => boolean,
      focusAfter: (block: HTMLElement) => HTMLElement | null | undefined,
    ) {
      withBlock((block, pos) => {
        const found = find(block, pos, ref, isSame);
        if (!found) return;
        const { state, view } = editor;
        view.dispatch(state.tr.delete(found.at, found.at + found.child.nodeSize));
        requestAnimationFrame(() => {
          const dom = view.nodeDOM(pos);
          if (dom instanceof HTMLElement) focusAfter(dom)?.focus();
        });
      });
    },
  };
}
