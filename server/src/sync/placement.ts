import * as Y from 'yjs';
import type { z } from 'zod';
import { ProtocolError } from './protocol.ts';

/** What an item sits in: the root fragment, an element, a text, another type, or not known. */
type Parent = 'root' | 'element' | 'text' | 'other' | 'unknown';

/** Links followed at most to find an item's parent through its neighbours. */
const MAX_HOPS = 10_000;

/**
 * Refuses content put where the editor's binding cannot read it. The name checks in
 * `validateUpdate` see an item's parent only when the item names it; an item inserted
 * next to another (the usual case) takes its parent from that neighbour, so this looks
 * the neighbour up, in the update itself or in the server's document. A plain value or
 * a string beside a paragraph, or an element inside a text, made the binding throw on
 * every page that opened the document.
 *
 * Under the root and inside elements only elements and texts may go (besides an
 * element's attributes); inside a text only characters and formats. Content whose
 * neighbours are not known yet (it waits for edits the server does not have) is left to
 * Yjs, which parks it.
 *
 * An attribute with a rule in `values` (`structuredValues` in the shared package) must
 * also hold what the rule allows. Its name, like its parent, is written only with the
 * attribute's first value: a later value names the one it replaces, so it is found here.
 */
export function checkPlacement(
  doc: Y.Doc,
  update: Uint8Array,
  values: ReadonlyMap<string, z.ZodType> = new Map(),
): void {
  const items = Y.decodeUpdate(update).structs.filter((s): s is Y.Item => s instanceof Y.Item);
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client) ?? [];
    list.push(item);
    byClient.set(item.id.client, list);
  }
  for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
  /** The item holding `id`, from this update (a binary search) or the document, or null. */
  const find = (id: Y.ID): Y.Item | null => {
    const list = byClient.get(id.client) ?? [];
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const item = list[mid] as Y.Item;
      if (id.clock < item.id.clock) high = mid - 1;
      else if (id.clock >= item.id.clock + item.length) low = mid + 1;
      else return item;
    }
    if (!doc.store.clients.has(id.client)) return null;
    try {
      const found = Y.getItem(doc.store, id);
      return found instanceof Y.Item ? found : null;
    } catch {
      return null;
    }
  };
  const kindOfType = (item: Y.Item | null): Parent => {
    if (!item) return 'unknown';
    if (!(item.content instanceof Y.ContentType)) return 'other';
    const type = item.content.type;
    if (type instanceof Y.XmlElement) return 'element';
    if (type instanceof Y.XmlText) return 'text';
    return 'other';
  };
  /** Where an item goes: its parent, whether it is an attribute and, if so, its name. */
  type Place = { parent: Parent; attribute: boolean; key: string | null };
  /** The parent of an integrated item, and whether it is an attribute (a map entry). */
  const placeOfIntegrated = (item: Y.Item): Place => {
    const parent = item.parent;
    const key = item.parentSub;
    const attribute = key !== null;
    if (!(parent instanceof Y.AbstractType)) return { parent: 'unknown', attribute, key };
    if (parent._item === null) return { parent: 'root', attribute, key };
    if (parent instanceof Y.XmlElement) return { parent: 'element', attribute, key };
    if (parent instanceof Y.XmlText) return { parent: 'text', attribute, key };
    return { parent: 'other', attribute, key };
  };
  /**
   * Where each item already followed goes: every item on a chain of neighbours shares the
   * chain's answer, so a long chain (thousands of items inserted one after another) is
   * walked once, not once per item (which took seconds and held up every document).
   */
  const known = new Map<Y.Item, Place>();
  /** Where an item of this update goes, following its neighbours when it names no parent. */
  const placeOf = (start: Y.Item): Place => {
    const chain: Y.Item[] = [];
    const answer = (place: Place): Place => {
      for (const visited of chain) known.set(visited, place);
      return place;
    };
    let item = start;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const remembered = known.get(item);
      if (remembered) return answer(remembered);
      chain.push(item);
      const key = item.parentSub;
      const attribute = key !== null;
      if (typeof item.parent === 'string') return answer({ parent: 'root', attribute, key });
      if (item.parent instanceof Y.ID) {
        return answer({ parent: kindOfType(find(item.parent)), attribute, key });
      }
      if (item.parent instanceof Y.AbstractType) return answer(placeOfIntegrated(item));
      const neighbourId = item.origin ?? item.rightOrigin;
      const neighbour = neighbourId ? find(neighbourId) : null;
      if (!neighbour) return answer({ parent: 'unknown', attribute, key });
      if (neighbour.parent instanceof Y.AbstractType) return answer(placeOfIntegrated(neighbour));
      item = neighbour;
    }
    return answer({ parent: 'unknown', attribute: false, key: null });
  };

  for (const item of items) {
    const content = item.content;
    if (content instanceof Y.ContentDeleted) continue;
    const { parent, attribute, key } = placeOf(item);
    if (parent === 'unknown') continue;
    if (attribute) {
      if (parent !== 'element' || !(content instanceof Y.ContentAny)) refuse('an attribute');
      const rule = key === null ? undefined : values.get(key);
      for (const value of rule ? content.arr : []) {
        const checked = rule?.safeParse(value);
        if (checked && !checked.success) {
          throw new ProtocolError(
            `update refused: ${checked.error.issues[0]?.message ?? `attribute "${key}" holds a value it may not`}`,
          );
        }
      }
      continue;
    }
    if (parent === 'root' || parent === 'element') {
      const type = content instanceof Y.ContentType ? content.type : null;
      if (!(type instanceof Y.XmlElement || type instanceof Y.XmlText)) {
        refuse(parent === 'root' ? 'the document' : 'an element');
      }
    } else if (parent === 'text') {
      if (!(content instanceof Y.ContentString || content instanceof Y.ContentFormat)) {
        refuse('a text');
      }
    } else {
      refuse('a part of the document the editor does not have');
    }
  }
}

function refuse(where: string): never {
  throw new ProtocolError(
    `update refused: content put where the editor cannot show it (in ${where})`,
  );
}
