import { isPdsaDecision, pdsaStageOf, pdsaStages } from '@chorus/shared';
import * as Y from 'yjs';

/** An attribute of a PDSA cycle to set back, and the value it had before. */
export interface PdsaFix {
  cycle: Y.XmlElement;
  key: 'prediction' | 'stage' | 'decision';
  value: string;
}

/** The element name of a PDSA cycle (see `domain/pdsa.ts` in the shared package). */
const CYCLE = 'pdsaCycle';

/** Whether an item was there before this transaction (not written by it). */
const before = (tr: Y.Transaction, item: Y.Item) =>
  item.id.clock < (tr.beforeState.get(item.id.client) ?? 0);

/**
 * The value an element's attribute had when the transaction started. Yjs keeps a map
 * key's earlier values to the left of the current one (deleted): the nearest that
 * existed before the transaction held the value then, unless it was already deleted then
 * (the attribute was removed).
 */
function valueBefore(tr: Y.Transaction, element: Y.XmlElement, key: string): unknown {
  let item: Y.Item | null = element._map.get(key) ?? null;
  while (item && !before(tr, item)) item = item.left;
  if (!item || (item.deleted && !Y.isDeleted(tr.deleteSet, item.id))) return undefined;
  const content = item.content.getContent();
  return content[content.length - 1];
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * What a transaction did to PDSA cycles that their rules forbid, as the values to set
 * back: the prediction changed after the cycle left Plan (it locks once "Do" starts), a
 * stage moved back or to something unknown, a cycle left Plan without a prediction, was
 * completed without a decision or had its decision changed once complete, or a new cycle
 * (a copy, or one deleted and written again) that does not start at Plan.
 *
 * The server cannot refuse such an edit outright: a person who typed in the prediction
 * a moment before someone else started "Do" sends an edit that is honest but late, and a
 * refused edit comes back on every reconnection. So the edit is accepted and corrected
 * by a later edit, which every client applies like any other (see Room). Reads only what
 * the transaction changed, so it costs nothing in documents without cycles.
 */
export function pdsaFixes(tr: Y.Transaction): PdsaFix[] {
  const fixes: PdsaFix[] = [];
  for (const cycle of newCycles(tr)) {
    // A cycle starts at Plan: a copy of one (or one deleted and written again) would
    // otherwise carry a prediction nobody locked.
    const raw: unknown = cycle.getAttribute('stage');
    if (raw !== undefined && raw !== 'plan') fixes.push({ cycle, key: 'stage', value: 'plan' });
  }
  for (const [type, keys] of tr.changed) {
    if (!(type instanceof Y.XmlElement) || type.nodeName !== CYCLE) continue;
    if (!keys.has('prediction') && !keys.has('stage') && !keys.has('decision')) continue;
    // Yjs lists only types that existed before the transaction: new ones are above.
    if (!type._item || type._item.deleted) continue;
    const stageWas = keys.has('stage')
      ? pdsaStageOf(valueBefore(tr, type, 'stage'))
      : pdsaStageOf(type.getAttribute('stage'));
    const predictionWas = text(valueBefore(tr, type, 'prediction'));
    let prediction = text(type.getAttribute('prediction'));
    if (keys.has('prediction') && stageWas !== 'plan' && prediction !== predictionWas) {
      fixes.push({ cycle: type, key: 'prediction', value: predictionWas });
      prediction = predictionWas;
    }
    if (keys.has('decision') && stageWas === 'complete') {
      const decisionWas = text(valueBefore(tr, type, 'decision'));
      if (text(type.getAttribute('decision')) !== decisionWas) {
        fixes.push({ cycle: type, key: 'decision', value: decisionWas });
      }
    }
    if (!keys.has('stage')) continue;
    const raw: unknown = type.getAttribute('stage');
    const from = pdsaStages.indexOf(stageWas);
    const to = pdsaStages.indexOf(raw as (typeof pdsaStages)[number]);
    const refused =
      to === -1 ||
      to < from ||
      (stageWas === 'plan' && to > 0 && prediction.trim() === '') ||
      (raw === 'complete' &&
        stageWas !== 'complete' &&
        !isPdsaDecision(type.getAttribute('decision')));
    if (refused) fixes.push({ cycle: type, key: 'stage', value: stageWas });
  }
  return fixes;
}

/** PDSA cycles this transaction created (pasted, inserted, or written again). */
function newCycles(tr: Y.Transaction): Y.XmlElement[] {
  const found: Y.XmlElement[] = [];
  // An element is only ever created inside a fragment or element whose children change;
  // typing changes a text's, so most transactions stop here.
  let childrenChanged = false;
  for (const [type, keys] of tr.changed) {
    if (type instanceof Y.XmlFragment && keys.has(null)) childrenChanged = true;
  }
  if (!childrenChanged) return found;
  for (const [client, after] of tr.afterState) {
    const from = tr.beforeState.get(client) ?? 0;
    if (after <= from) continue;
    const structs = tr.doc.store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, from); i < structs.length; i++) {
      const item = structs[i];
      if (!(item instanceof Y.Item) || item.deleted) continue;
      const content = item.content;
      if (
        content instanceof Y.ContentType &&
        content.type instanceof Y.XmlElement &&
        content.type.nodeName === CYCLE
      ) {
        found.push(content.type);
      }
    }
  }
  return found;
}
