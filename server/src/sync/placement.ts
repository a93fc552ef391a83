import * as Y from 'yjs';
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
 */
export function checkPlacement(doc: Y.Doc, update: Uint8Array): void {
  const items = Y.decodeUpdate(update).structs.filter((s): s is Y.Item => s instanceof Y.Item);
  const byClient = new Map<number, Y.Item[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client) ?? [];
    list.push(item);
    byClient.set(item.id.client, list);
  }
  /** The item holding `id`, from this update or the document, or null. */
  const find = (id: Y.ID): Y.Item | null => {
    for (const item of byClient.get(id.client) ?? []) {
      if (id.clock >= item.id.clock && id.clock < item.id.clock + item.length) return item;
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
  /** The parent of an integrated item, and whether it is an attribute (a map entry). */
  const placeOfIntegrated = (item: Y.Item): { parent: Parent; attribute: boolean } => {
    const parent = item.parent;
    const attribute = item.parentSub !== null;
    if (!(parent instanceof Y.AbstractType)) return { parent: 'unknown', attribute };
    if (parent._item === null) return { parent: 'root', attribute };
    if (parent instanceof Y.XmlElement) return { parent: 'element', attribute };
    if (parent instanceof Y.XmlText) return { parent: 'text', attribute };
    return { parent: 'other', attribute };
  };
  /** Where an item of this update goes, following its neighbours when it names no parent. */
  const placeOf = (start: Y.Item): { parent: Parent; attribute: boolean } => {
    let item = start;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const attribute = item.parentSub !== null;
      if (typeof item.parent === 'string') return { parent: 'root', attribute };
      if (item.parent instanceof Y.ID) return { parent: kindOfType(find(item.parent)), attribute };
      if (item.parent instanceof Y.AbstractType) return placeOfIntegrated(item);
      const neighbourId = item.origin ?? item.rightOrigin;
      const neighbour = neighbourId ? find(neighbourId) : null;
      if (!neighbour) return { parent: 'unknown', attribute };
      if (neighbour.parent instanceof Y.AbstractType) return placeOfIntegrated(neighbour);
      item = neighbour;
    }
    return { parent: 'unknown', attribute: false };
  };

  for (const item of items) {
    const content = item.content;
    if (content instanceof Y.ContentDeleted) continue;
    const { parent, attribute } = placeOf(item);
    if (parent === 'unknown') continue;
    if (attribute) {
      if (parent !== 'element' || !(content instanceof Y.ContentAny)) refuse('an attribute');
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
