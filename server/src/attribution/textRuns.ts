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

function runsOf(text: Y.XmlText, index: AuthorshipIndex): AuthoredRun[] {
  const runs: AuthoredRun[] = [];
  let item = text._start;
  while (item) {
    if (!item.deleted && item.content instanceof Y.ContentString) {
      const str = item.content.str;
      for (let i = 0; i < str.length; i++) {
        const clock = item.id.clock + i;
        const authorId = index.authorOf(item.id.client, clock) ?? null;
        const at = index.writtenAt(item.id.client, clock) ?? null;
        const last = runs[runs.length - 1];
        if (last && last.authorId === authorId && sameDay(last.at, at)) last.text += str[i];
        else runs.push({ text: str[i] ?? '', authorId, at, clientId: item.id.client, clock });
      }
    }
    item = item.right;
  }
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
