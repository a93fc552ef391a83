import { Node } from '@tiptap/core';

/**
 * An improvement plan's action log: who does what by when. Each action is a child node
 * (not one list in an attribute), so two people adding actions at once both keep theirs,
 * and each is credited to whoever added it, like a run chart's points. The node view
 * (ActionLogView) shows the table; the names are in `structuredContent` in the shared
 * package, which the server checks every update against.
 */
export const ActionLog = Node.create({
  name: 'actionLog',
  group: 'block',
  content: 'actionItem*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  parseHTML() {
    return [{ tag: 'section[data-action-log]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-action-log': '' }, 0];
  },
});

export const ActionItem = Node.create({
  name: 'actionItem',
  atom: true,
  selectable: false,
  addAttributes() {
    return {
      action: { default: '' },
      owner: { default: '' },
      due: { default: '' },
      status: { default: 'open' },
      uid: { default: '' },
    };
  },
  parseHTML() {
    return [{ tag: 'span[data-action]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', { ...HTMLAttributes, 'data-action': '' }];
  },
});
