import {
  EVIDENCE_LINK_NODE,
  EVIDENCE_LINK_PIECE,
  EVIDENCE_LINKS_FIELD,
  linkEdit,
  linksOf,
  type StoredLinks,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';

/**
 * One link of a priority or a decision to a piece of the document's evidence: a child
 * node holding the piece's uid (see `EVIDENCE_LINK_NODE` in the shared package). A child
 * each, not one list in an attribute, so two people ticking different pieces at once
 * both keep their tick. The priority or decision draws its links (EvidenceLinks).
 */
export const EvidenceLink = Node.create({
  name: EVIDENCE_LINK_NODE,
  atom: true,
  selectable: false,
  addAttributes() {
    return { [EVIDENCE_LINK_PIECE]: { default: '' } };
  },
  parseHTML() {
    return [{ tag: 'div[data-evidence-link]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-evidence-link': '' }];
  },
});

/** The content a priority or a decision holds: its links. */
export const LINKS_CONTENT = `${EVIDENCE_LINK_NODE}*`;

/** A priority's or decision's links as stored: the old attribute and its link children. */
export function storedLinksOf(node: PmNode): StoredLinks {
  const children: unknown[] = [];
  node.forEach((child) => {
    children.push(child.type.name === EVIDENCE_LINK_NODE ? child.attrs[EVIDENCE_LINK_PIECE] : null);
  });
  return { legacy: node.attrs[EVIDENCE_LINKS_FIELD], children };
}

/** The pieces a priority or decision links to, each once, in the order they were linked. */
export const linkedPiecesOf = (node: PmNode): string[] => linksOf(storedLinksOf(node));

/**
 * Adds to `tr` the steps that tick (`linked`) or untick the piece `uid` for the priority
 * or decision `holder` at `at`; false when there is nothing to change. A tick adds a
 * child, an untick removes that piece's children only: the binding turns each into an
 * insertion or deletion of its own, which merges with anyone else's.
 */
export function linkSteps(
  tr: Transaction,
  holder: PmNode,
  at: number,
  uid: string,
  linked: boolean,
): boolean {
  const edit = linkEdit(storedLinksOf(holder), uid, linked);
  const type = tr.doc.type.schema.nodes[EVIDENCE_LINK_NODE];
  if (!edit || !type) return false;
  // Removed from the last to the first, so each removal's position is still right, then
  // added at the end as it is after them.
  const offsets: { from: number; size: number }[] = [];
  holder.forEach((child, offset, index) => {
    if (edit.remove.includes(index)) offsets.push({ from: at + 1 + offset, size: child.nodeSize });
  });
  let end = at + holder.nodeSize - 1;
  for (const { from, size } of offsets.reverse()) {
    tr.delete(from, from + size);
    end -= size;
  }
  if (edit.add.length > 0) {
    tr.insert(
      end,
      edit.add.map((piece) => type.create({ [EVIDENCE_LINK_PIECE]: piece })),
    );
  }
  if (edit.clearLegacy) tr.setNodeAttribute(at, EVIDENCE_LINKS_FIELD, '');
  return true;
}
