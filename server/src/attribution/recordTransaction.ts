import type { AuthorshipIndex } from '@chorus/shared';
import * as Y from 'yjs';
import type { LedgerCarried, LedgerDelete, LedgerEntries, LedgerInsert } from '../storage/types.ts';
import { countWords } from './words.ts';

/** Above this many characters in one transaction, skip matching (a paste of a whole book). */
const MAX_MATCH_CHARS = 400_000;

interface CharSource {
  authorId: string | null;
  at: number;
}

/** Text known to have been written by someone, offered for matching (a restored version). */
export interface TextSource {
  text: string;
  authorId: string | null;
  at: number;
}

/**
 * Turns one applied transaction into ledger entries: the runs it inserted (with the time),
 * who it deleted from (with word counts), and, where it deleted text and reinserted the
 * same text (the ProseMirror binding does this when a paragraph is split, joined, turned
 * into a heading or list item, or cut and pasted), the original author of the reinserted
 * text. Without that last step whoever pressed Enter would "own" a patient's sentence.
 */
export function recordTransaction(
  tr: Y.Transaction,
  documentId: string,
  index: AuthorshipIndex,
  accountId: string,
  now: number,
  extraSources: readonly TextSource[] = [],
): LedgerEntries {
  const inserts: LedgerInsert[] = [];
  const carried: LedgerCarried[] = [];
  const deletes: LedgerDelete[] = [];

  // Deleted text in document order, with each character's author and time. (In clock
  // order, a sentence someone went back into would come apart: "Ask me now." then
  // "right ", not "Ask me right now.".)
  const deletedItems: Y.Item[] = [];
  Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
    if (struct instanceof Y.Item && struct.content instanceof Y.ContentString) {
      deletedItems.push(struct);
    }
  });
  const deleted: { item: Y.Item; text: string; sources: CharSource[] }[] = [];
  /** Where each stretch of text deleted together starts and ends in the pool below. */
  const stretches: { from: number; to: number }[] = [];
  let poolLength = 0;
  for (const stretch of inDocumentOrder(deletedItems)) {
    const from = poolLength;
    for (const item of stretch) {
      const text = (item.content as Y.ContentString).str;
      const sources: CharSource[] = [];
      for (let i = 0; i < text.length; i++) {
        const clock = item.id.clock + i;
        sources.push({
          authorId: index.authorOf(item.id.client, clock) ?? null,
          at: index.writtenAt(item.id.client, clock) ?? now,
        });
      }
      deleted.push({ item, text, sources });
      poolLength += text.length;
    }
    stretches.push({ from, to: poolLength });
  }

  // Inserted text runs from this transaction.
  const inserted: { clientId: number; clock: number; text: string }[] = [];
  for (const [clientId, after] of tr.afterState) {
    const before = tr.beforeState.get(clientId) ?? 0;
    if (after <= before) continue;
    inserts.push({ documentId, clientId, clock: before, len: after - before, at: now });
    const structs = tr.doc.store.clients.get(clientId);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i];
      if (!s || s.id.clock >= after) break;
      if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentString) {
        inserted.push({ clientId, clock: s.id.clock, text: s.content.str });
      }
    }
  }

  const pool = deleted.map((d) => d.text).join('') + extraSources.map((x) => x.text).join('');
  const poolSources = [
    ...deleted.flatMap((d) => d.sources),
    ...extraSources.flatMap((x) =>
      Array.from({ length: x.text.length }, () => ({ authorId: x.authorId, at: x.at })),
    ),
  ];
  for (const x of extraSources) {
    stretches.push({ from: poolLength, to: poolLength + x.text.length });
    poolLength += x.text.length;
  }
  const shortStretches = shortStretchIndex(pool, stretches);
  const consumed = new Uint8Array(pool.length);
  // Characters before this index came from text this transaction deleted; after it, from
  // the extra sources (a restored version): those words come back rather than move.
  const deletedLength = pool.length - extraSources.reduce((n, x) => n + x.text.length, 0);
  const insertedChars = inserted.reduce((n, r) => n + r.text.length, 0);
  if (pool.length > 0 && insertedChars > 0 && pool.length + insertedChars <= MAX_MATCH_CHARS) {
    let available = pool;
    for (const run of inserted) {
      let i = 0;
      while (i < run.text.length) {
        const match =
          longestMatch(available, run.text, i) ??
          wholeShortStretch(shortStretches, available, run.text, i);
        if (!match) {
          i++;
          continue;
        }
        for (let j = 0; j < match.length; ) {
          const source = poolSources[match.at + j];
          let k = j;
          // One carried range per run of characters with the same author and time.
          while (
            k < match.length &&
            poolSources[match.at + k]?.authorId === source?.authorId &&
            poolSources[match.at + k]?.at === source?.at
          ) {
            consumed[match.at + k] = 1;
            k++;
          }
          const authorId = source?.authorId ?? null;
          const clock = run.clock + i + j;
          // Only record a difference from the default (the client id's owner, now).
          if (authorId !== index.owners.get(run.clientId) || (source?.at ?? now) !== now) {
            carried.push({
              documentId,
              clientId: run.clientId,
              clock,
              len: k - j,
              authorId,
              originalAt: source?.at ?? now,
            });
          }
          if (match.at + j >= deletedLength) {
            // Restored words were counted as deleted when they went: record their return,
            // so "words written in total" does not count them twice.
            deletes.push({
              documentId,
              clientId: run.clientId,
              clock,
              len: k - j,
              deletedBy: accountId,
              authorId,
              at: now,
              words: countWords(pool.slice(match.at + j, match.at + k)),
              carried: false,
              restored: true,
            });
          }
          j = k;
        }
        available = `${available.slice(0, match.at)}${'\u0000'.repeat(match.length)}${available.slice(match.at + match.length)}`;
        i += match.length;
      }
    }
  }

  // Deletions that were not reinserted, grouped per item and author.
  let offset = 0;
  for (const d of deleted) {
    let j = 0;
    while (j < d.text.length) {
      const isCarried = consumed[offset + j] === 1;
      const author = d.sources[j]?.authorId ?? null;
      let k = j;
      while (
        k < d.text.length &&
        (consumed[offset + k] === 1) === isCarried &&
        (d.sources[k]?.authorId ?? null) === author
      ) {
        k++;
      }
      deletes.push({
        documentId,
        clientId: d.item.id.client,
        clock: d.item.id.clock + j,
        len: k - j,
        deletedBy: accountId,
        authorId: author,
        at: now,
        words: isCarried ? 0 : countWords(d.text.slice(j, k)),
        carried: isCarried,
      });
      j = k;
    }
    offset += d.text.length;
  }

  index.add({ inserts, carried });
  return { inserts, carried, deletes };
}

/**
 * The shortest piece of an inserted run credited to the author of deleted text, unless it
 * is the whole run or a whole stretch of deleted text. Text that really moved comes in
 * long pieces (the rest of a paragraph after a split, a whole paragraph) or as everything
 * deleted at one place (a last word after a paste); other short matches are chance.
 * Pasting two paragraphs into the middle of someone's sentence once credited them with
 * "r ", "o." and "at" of the pasted words, and left letters of their moved words with the
 * paster.
 */
const MIN_CARRIED = 8;
/** A whole deleted stretch shorter than MIN_CARRIED still counts from this length. */
const MIN_STRETCH = 3;

/**
 * Deleted items in document order, in stretches: items deleted together, with no visible
 * character left between them. Parents come in the order their first item was met.
 */
function inDocumentOrder(items: readonly Y.Item[]): Y.Item[][] {
  const wanted = new Set(items);
  const parents: Y.AbstractType<unknown>[] = [];
  const seenParents = new Set<Y.AbstractType<unknown>>();
  for (const item of items) {
    const parent = item.parent;
    if (parent instanceof Y.AbstractType && !seenParents.has(parent)) {
      seenParents.add(parent);
      parents.push(parent);
    }
  }
  const stretches: Y.Item[][] = [];
  const placed = new Set<Y.Item>();
  for (const parent of parents) {
    let current: Y.Item[] = [];
    for (let item = parent._start; item !== null; item = item.right) {
      if (wanted.has(item)) {
        current.push(item);
        placed.add(item);
      } else if (!item.deleted && item.countable && current.length > 0) {
        stretches.push(current);
        current = [];
      }
    }
    if (current.length > 0) stretches.push(current);
  }
  // Anything not found in a parent's list (not expected for text) still counts, alone.
  for (const item of items) if (!placed.has(item)) stretches.push([item]);
  return stretches;
}

/** Whole deleted stretches from MIN_STRETCH to MIN_CARRIED characters, by their text. */
function shortStretchIndex(
  pool: string,
  stretches: readonly { from: number; to: number }[],
): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (const { from, to } of stretches) {
    const length = to - from;
    if (length < MIN_STRETCH || length >= MIN_CARRIED) continue;
    const text = pool.slice(from, to);
    const starts = index.get(text);
    if (starts) starts.push(from);
    else index.set(text, [from]);
  }
  return index;
}

/** The longest whole short stretch, not yet matched, that `text` continues with at `start`. */
function wholeShortStretch(
  index: Map<string, number[]>,
  available: string,
  text: string,
  start: number,
): { at: number; length: number } | null {
  if (index.size === 0) return null;
  for (
    let length = Math.min(MIN_CARRIED - 1, text.length - start);
    length >= MIN_STRETCH;
    length--
  ) {
    const piece = text.slice(start, start + length);
    for (const at of index.get(piece) ?? []) {
      if (available.startsWith(piece, at)) return { at, length };
    }
  }
  return null;
}

/**
 * The longest prefix of `text` from `start` that occurs in `pool`: at least MIN_CARRIED
 * characters, or the whole run however short (a one-word paragraph turned into a heading).
 */
function longestMatch(
  pool: string,
  text: string,
  start: number,
): { at: number; length: number } | null {
  const remaining = text.length - start;
  if (start > 0 && remaining < MIN_CARRIED) return null;
  // Usually the whole rest of the run moved as one piece: one search instead of many.
  const whole = pool.indexOf(text.slice(start));
  if (whole >= 0) return { at: whole, length: remaining };
  if (remaining < MIN_CARRIED) return null;
  let best: { at: number; length: number } | null = null;
  let lo = MIN_CARRIED;
  let hi = remaining;
  // If a prefix of length L occurs, every shorter prefix does too: binary search on L.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = pool.indexOf(text.slice(start, start + mid));
    if (at >= 0) {
      best = { at, length: mid };
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
