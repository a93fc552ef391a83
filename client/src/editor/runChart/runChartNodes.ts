import { measureAttributes } from '@chorus/shared';
import { Node } from '@tiptap/core';

/**
 * A run chart of one measure, inside the text where the team discusses it. Its data points
 * are child nodes (not one list in an attribute), so two people adding points at the same
 * time both keep theirs, and each point is credited to whoever added it, like text. The
 * node view (RunChartView) draws the chart and explains its signals; the element and
 * attribute names are in `structuredContent` in the shared package, which the server
 * checks every update against.
 */
export const RunChart = Node.create({
  name: 'runChart',
  group: 'block',
  content: 'dataPoint*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  addAttributes() {
    return {
      measure: { default: '' },
      // Its own id, by which a PDSA cycle links to it (given when first linked).
      uid: { default: '' },
      shift: { default: 6 },
      trend: { default: 5 },
      // The measure's definition: kind, numerator, denominator, source, target...
      ...Object.fromEntries(measureAttributes.map((key) => [key, { default: '' }])),
    };
  },
  parseHTML() {
    return [{ tag: 'section[data-run-chart]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-run-chart': '' }, 0];
  },
});

export const DataPoint = Node.create({
  name: 'dataPoint',
  atom: true,
  selectable: false,
  addAttributes() {
    return {
      date: { default: '' },
      value: { default: null },
      note: { default: '' },
    };
  },
  parseHTML() {
    return [{ tag: 'span[data-point]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', { ...HTMLAttributes, 'data-point': '' }];
  },
});
