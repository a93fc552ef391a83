import type { AuthorshipIndex } from '@chorus/shared';
import * as Y from 'yjs';

/** A run of visible characters with one author. */
export interface AuthoredRun {
  text: string;
  authorId: string | null;
  at: number | null;
  /** Where the run starts in Yjs terms, so a client can find it in its editor. */
  clientId: number;
  clock: number;
}

/** One block of text (a paragraph, heading, list item or table cell paragraph). */
export interface AuthoredBlock {
  type: string;
  runs: AuthoredRun[];
}

/**
 * Walks the editor fragment in document order and splits every text into runs by author.
 * Authorship is per character: Yjs may merge items whose characters came from different
 * transactions.
 */
export function authoredBlocks(fragment: Y.XmlFragment, index: AuthorshipIndex): AuthoredBlock[] {
  const blocks: AuthoredBlock[] = [];
  const visit = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText, parentType: string) => {
    if (node instanceof Y.XmlText) {
      blocks.push({ type: parentType, runs: runsOf(node, index) });
      return;
    }
    const type = node instanceof Y.XmlElement ? node.nodeName : 'doc';
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement || child instanceof Y.XmlText) visit(child, type);
    }
  };
  visit(fragment, 'doc');
  return blocks;
}

/**
 * Visits every visible character of a text node in order, with the Yjs id it was written
 * under: the same characters, in the same order, as the node's delta.
 */
export function forEachCharacter(
  text: Y.XmlText,
  visit: (ch: string, clientId: number, clock: number) => void,
): void {
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const str = item.content.str;
    for (let i = 0; i < str.length; i++) visit(str[i] ?? '', item.id.client, item.id.clock + i);
  }
}

function runsOf(text: Y.XmlText, index: AuthorshipIndex): AuthoredRun[] {
  const runs: AuthoredRun[] = [];
  forEachCharacter(text, (ch, clientId, clock) => {
    const authorId = index.authorOf(clientId, clock) ?? null;
    const at = index.writtenAt(clientId, clock) ?? null;
    const last = runs[runs.length - 1];
    if (last && last.authorId === authorId && sameDay(last.at, at)) last.text += ch;
    else runs.push({ text: ch, authorId, at, clientId, clock });
  });
  return runs;
}

const sameDay = (a: number | null, b: number | null) =>
  a === b ||
  (a !== null && b !== null && Math.floor(a / 86_400_000) === Math.floor(b / 86_400_000));

/** The author of every visible character, as one string per block: handy in tests. */
export function authorMap(blocks: AuthoredBlock[]): { text: string; authors: (string | null)[] }[] {
  return blocks.map((b) => ({
    text: b.runs.map((r) => r.text).join(''),
    authors: b.runs.flatMap((r) => Array.from(r.text, () => r.authorId)),
  }));
}
