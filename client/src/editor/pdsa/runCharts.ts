import { isChangeIdeaId, type RunChartRef } from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import type { EditorState, Transaction } from '@tiptap/pm/state';
import { type Editor, useEditorState } from '@tiptap/react';
import { newUid } from '../childEdits.ts';
import { storedText } from '../SyncedField.tsx';

/** Longest measure kept for a chart's name (as the chart itself shows it). */
const MAX_MEASURE = 200;

/** A run chart of the document, as a PDSA cycle offers it and follows its link. */
export interface OfferedChart extends RunChartRef {
  /**
   * What picking it means: its `uid`, or `#n` (the n-th chart of the document) for a chart
   * made before charts had ids (or a pasted copy's, with another's id), given one when
   * picked.
   */
  key: string;
  /** Where it is in the document now, to go to it. */
  pos: number;
}

/** Charts found per version of the document: one walk, however many cycles ask. */
const found = new WeakMap<PmNode, OfferedChart[]>();

/** Every run chart of the document, in document order (a link finds the first with its id). */
export function runChartsIn(doc: PmNode): OfferedChart[] {
  const known = found.get(doc);
  if (known) return known;
  const charts: OfferedChart[] = [];
  const seen = new Set<string>();
  doc.descendants((node, pos) => {
    if (node.type.name === 'runChart') {
      const uid = isChangeIdeaId(node.attrs.uid) && !seen.has(node.attrs.uid) ? node.attrs.uid : '';
      if (uid) seen.add(uid);
      charts.push({
        uid,
        key: uid || `#${charts.length}`,
        measure: storedText(node.attrs.measure, MAX_MEASURE),
        pos,
      });
      return false;
    }
    // Only blocks can hold a chart; text never does.
    return !node.isTextblock;
  });
  found.set(doc, charts);
  return charts;
}

/** The document's run charts, fresh whenever one is added, renamed or removed. */
export function useRunCharts(editor: Editor): OfferedChart[] {
  return useEditorState({ editor, selector: ({ editor: e }) => runChartsIn(e.state.doc) });
}

/**
 * Links the cycle at `cyclePos` to the chart `key` stands for, as the document holds it now.
 * A chart without an id is given one in the same edit. Null when the cycle or the chart is
 * gone, or a chart found by its place no longer measures what was offered.
 */
export function linkRunChart(
  state: EditorState,
  cyclePos: number,
  key: string,
  offeredMeasure: string,
): Transaction | null {
  const cycle = state.doc.nodeAt(cyclePos);
  if (cycle?.type.name !== 'pdsaCycle') return null;
  const chart = runChartsIn(state.doc).find((c) => c.key === key);
  const node = chart ? state.doc.nodeAt(chart.pos) : null;
  if (!chart || !node) return null;
  const tr = state.tr;
  let uid = chart.uid;
  if (!uid) {
    if (chart.measure !== offeredMeasure) return null;
    uid = newUid();
    tr.setNodeMarkup(chart.pos, undefined, { ...node.attrs, uid });
  }
  // Setting attributes moves nothing, so the cycle is still at `cyclePos`.
  tr.setNodeMarkup(cyclePos, undefined, { ...cycle.attrs, runChartId: uid });
  return tr;
}
