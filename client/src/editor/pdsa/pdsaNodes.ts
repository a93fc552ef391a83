import { pdsaFields } from '@chorus/shared';
import { Node } from '@tiptap/core';

/**
 * A PDSA cycle (Plan, Do, Study, Act) testing a change idea, inside the plan where the team
 * discusses it. Its fields are attributes of one element (see `domain/pdsa.ts` in the
 * shared package), each changed as a whole: two people changing different fields at once
 * both keep theirs. The node view (PdsaCycleView) shows the stages; the server keeps the
 * stages moving forward and the prediction locked once "Do" starts.
 */
export const PdsaCycle = Node.create({
  name: 'pdsaCycle',
  group: 'block',
  atom: true,
  selectable: true,
  draggable: false,
  addAttributes() {
    return Object.fromEntries(
      pdsaFields.map((field) => [field, { default: field === 'stage' ? 'plan' : '' }]),
    );
  },
  parseHTML() {
    return [{ tag: 'section[data-pdsa-cycle]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-pdsa-cycle': '' }];
  },
});
