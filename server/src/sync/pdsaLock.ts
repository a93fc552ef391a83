import { isPdsaDecision, pdsaStageOf, pdsaStages } from '@chorus/shared';
import * as Y from 'yjs';
import type { z } from 'zod';

/**
 * An attribute to set back, and the value it had before: a PDSA cycle's prediction, stage
 * or decision, or an attribute whose value has a rule (`structuredValues`) on any element.
 */
export interface PdsaFix {
  cycle: Y.XmlElement;
  key: string;
  value: string;
}

/** Rules for attributes' values, by attribute name (`structuredValues` in the shared package). */
export type ValueRules = ReadonlyMap<string, z.ZodType>;

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
export function pdsaFixes(tr: Y.Transaction, values: ValueRules = new Map()): PdsaFix[] {
  const fixes: PdsaFix[] = [];
  const created = newElements(tr);
  for (const cycle of created) {
    if (cycle.nodeName !== CYCLE) continue;
    // A cycle starts at Plan: a copy of one (or one deleted and written again) would
    // otherwise carry a prediction nobody locked.
    const raw: unknown = cycle.getAttribute('stage');
    if (raw !== undefined && raw !== 'plan') fixes.push({ cycle, key: 'stage', value: 'plan' });
  }
  if (values.size > 0) fixes.push(...valueFixes(tr, created, values));
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

/**
 * Values that break their rule (`values`), set back to the value before the transaction if
 * that one kept it, else to empty. The server refuses such a value as an update arrives
 * (`checkPlacement`), but it can only tell which attribute a value is for when it knows
 * the value it replaces: content that waits for edits the server does not have yet (it
 * parks) is applied later, when they arrive, without that check. Applied, it is already
 * in every copy that parked it too (parked content is relayed as it is journaled), so it
 * is set back like a late prediction, by an edit every copy applies. An attribute removed
 * is no value, and left alone.
 */
function valueFixes(
  tr: Y.Transaction,
  created: readonly Y.XmlElement[],
  values: ValueRules,
): PdsaFix[] {
  const fixes: PdsaFix[] = [];
  const check = (element: Y.XmlElement, key: string) => {
    const rule = values.get(key);
    const now: unknown = element.getAttribute(key);
    if (!rule || now === undefined || rule.safeParse(now).success) return;
    fixes.push({ cycle: element, key, value: lastGoodValue(tr, element, key, rule) });
  };
  for (const element of created) {
    for (const key of Object.keys(element.getAttributes())) check(element, key);
  }
  for (const [type, keys] of tr.changed) {
    // Yjs lists only types that existed before the transaction: new ones are above.
    if (!(type instanceof Y.XmlElement) || !type._item || type._item.deleted) continue;
    for (const key of keys) if (key !== null) check(type, key);
  }
  return fixes;
}

/**
 * The latest value of an attribute before its current one that keeps its rule, among the
 * values this transaction wrote and the one it replaced (older ones are gone: Yjs keeps
 * only the content of what is deleted in the transaction running), or empty. Parked
 * content often comes with the edits it waited for, in one transaction: a good value
 * written just before the bad one is kept, not only the value before both.
 */
function lastGoodValue(
  tr: Y.Transaction,
  element: Y.XmlElement,
  key: string,
  rule: z.ZodType,
): string {
  let item = element._map.get(key)?.left ?? null;
  while (item && !(item.deleted && !Y.isDeleted(tr.deleteSet, item.id))) {
    const content = item.content.getContent();
    const value: unknown = content[content.length - 1];
    if (typeof value === 'string' && rule.safeParse(value).success) return value;
    item = item.left;
  }
  return '';
}

/** Elements this transaction created (pasted, inserted, written again, or released). */
function newElements(tr: Y.Transaction): Y.XmlElement[] {
  const found: Y.XmlElement[] = [];
  // An element is only ever created inside a fragment or element whose children change;
  // typing changes a text's, so most transactions stop here. The root is not always a
  // Y.XmlFragment on the server: a root first met in an update (never asked for by name)
  // is a plain AbstractType, so anything but a text counts.
  let childrenChanged = false;
  for (const [type, keys] of tr.changed) {
    if (!(type instanceof Y.Text) && keys.has(null)) childrenChanged = true;
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
      if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement) {
        found.push(content.type);
      }
    }
  }
  return found;
}
