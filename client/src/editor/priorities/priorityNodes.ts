import { EVIDENCE_LINKS_FIELD, priorityFields } from '@chorus/shared';
import { Node } from '@tiptap/core';

/**
 * A service design's priorities, each with the evidence behind it and its "You said, we
 * did" entry (see `domain/priorities.ts` in the shared package). Priorities are child
 * nodes, so two people adding them at once both keep theirs; each priority's fields are
 * its attributes. The node view is PrioritiesView.
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
  addAttributes() {
    return Object.fromEntries(
      [...priorityFields, EVIDENCE_LINKS_FIELD, 'uid'].map((f) => [f, { default: '' }]),
    );
  },
  parseHTML() {
    return [{ tag: 'div[data-priority]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-priority': '' }];
  },
});
