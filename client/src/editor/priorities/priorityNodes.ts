import { EVIDENCE_LINKS_FIELD, priorityFields } from '@chorus/shared';
import { Node } from '@tiptap/core';
import { LINKS_CONTENT } from '../evidence/evidenceLinkNodes.ts';

/**
 * A service design's priorities, each with the evidence behind it and its "You said, we
 * did" entry (see `domain/priorities.ts` in the shared package). Priorities are child
 * nodes, so two people adding them at once both keep theirs; each priority's fields are
 * its attributes, and its links to pieces of evidence its children (one each, so two people
 * ticking different pieces at once keep both). The node view is PrioritiesView.
 */
export const PriorityList = Node.create({
  name: 'priorityList',
  group: 'block',
  content: 'priority*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  parseHTML() {
    return [{ tag: 'section[data-priorities]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-priorities': '' }, 0];
  },
});

export const PriorityItem = Node.create({
  name: 'priority',
  atom: true,
  selectable: false,
  content: LINKS_CONTENT,
  addAttributes() {
    // The old links attribute stays declared: the binding deletes any attribute the
    // schema lacks, and documents stored before links were children still hold theirs.
    return Object.fromEntries(
      [...priorityFields, EVIDENCE_LINKS_FIELD, 'uid'].map((f) => [f, { default: '' }]),
    );
  },
  parseHTML() {
    return [{ tag: 'div[data-priority]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-priority': '' }, 0];
  },
});
