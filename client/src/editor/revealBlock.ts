import type { Editor } from '@tiptap/react';

/**
 * Moves the caret and keyboard focus to the structured block at `pos` (a PDSA cycle, a run
 * chart), as a link to it: the block is selected in the editor, scrolled into view, and
 * its region focused (it is named, so a screen reader says where focus went). Moving the
 * caret changes no content, so it is allowed to readers too.
 */
export function revealBlock(editor: Editor, pos: number): boolean {
  const node = editor.state.doc.nodeAt(pos);
  if (!node) return false;
  editor.commands.setNodeSelection(pos);
  const dom = editor.view.nodeDOM(pos);
  if (!(dom instanceof HTMLElement)) return false;
  const target = dom.querySelector<HTMLElement>('[data-block-focus]') ?? dom;
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
  return true;
}
