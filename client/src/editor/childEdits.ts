import type { Editor } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';

/**
 * Edits to the children of a structured block (an action log's actions, a list of
 * priorities, pieces of evidence, decisions), made on the block as the document holds it
 * now: someone may have changed it since it was drawn. `isSame` tells whether the child
 * now at an index is still the one drawn there (someone may have removed one above it);
 * an edit that finds another child there is dropped rather than made to the wrong one.
 */
export function childEdits(editor: Editor, getPos: () => number | undefined, blockType: string) {
  const withBlock = (edit: (block: PmNode, pos: number) => void) => {
    const pos = getPos();
    const block = typeof pos === 'number' ? editor.state.doc.nodeAt(pos) : null;
    if (typeof pos === 'number' && block?.type.name === blockType) edit(block, pos);
  };
  const childAt = (block: PmNode, pos: number, index: number) => {
    if (index >= block.childCount) return null;
    let at = pos + 1;
    for (let i = 0; i < index; i++) at += block.child(i).nodeSize;
    return { child: block.child(index), at };
  };
  return {
    /** Sets attributes of the child at `index`. */
    update(index: number, isSame: (child: PmNode) => boolean, attrs: Record<string, unknown>) {
      withBlock((block, pos) => {
        const found = childAt(block, pos, index);
        if (!found || !isSame(found.child)) return;
        const { state, view } = editor;
        view.dispatch(
          state.tr.setNodeMarkup(found.at, undefined, { ...found.child.attrs, ...attrs }),
        );
      });
    },
    /** Adds a child of `type` at the end of the block. */
    append(type: string, attrs: Record<string, unknown>) {
      withBlock((block, pos) => {
        const { state, view } = editor;
        const created = state.schema.nodes[type]?.create(attrs);
        if (created) view.dispatch(state.tr.insert(pos + block.nodeSize - 1, created));
      });
    },
    /**
     * Removes the child at `index`, then moves focus to what `focusAfter` picks in the
     * block once it is drawn again (never leaving it on the page's body).
     */
    remove(
      index: number,
      isSame: (child: PmNode) => boolean,
      focusAfter: (block: HTMLElement) => HTMLElement | null | undefined,
    ) {
      withBlock((block, pos) => {
        const found = childAt(block, pos, index);
        if (!found || !isSame(found.child)) return;
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
