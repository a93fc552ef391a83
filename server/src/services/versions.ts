import type { AuthorshipIndex } from '@chorus/shared';
import type * as Y from 'yjs';
import type { TextSource } from '../attribution/recordTransaction.ts';
import { authoredBlocks } from '../attribution/textRuns.ts';
import { newId } from '../ids.ts';
import type { Storage, VersionRecord } from '../storage/types.ts';
import { serverEditUpdate } from './serverEditUpdate.ts';

/** Saves the given state as a version. */
export async function saveVersion(
  storage: Storage,
  documentId: string,
  state: Uint8Array,
  kind: VersionRecord['kind'],
  label: string | null,
  createdBy: string | null,
): Promise<VersionRecord> {
  const version: VersionRecord = {
    id: newId(),
    documentId,
    kind,
    label,
    createdBy,
    createdAt: Date.now(),
    state,
  };
  await storage.versions.create(version);
  return version;
}

interface Char {
  ch: string;
  key: string;
  authorId: string | null;
}

function charsOf(doc: Y.Doc, index: AuthorshipIndex): { type: string; chars: Char[] }[] {
  return authoredBlocks(doc.getXmlFragment('default'), index).map((block) => ({
    type: block.type,
    chars: block.runs.flatMap((run) =>
      Array.from({ length: run.text.length }, (_, i) => ({
        ch: run.text[i] ?? '',
        key: `${run.clientId}:${run.clock + i}`,
        authorId: run.authorId,
      })),
    ),
  }));
}

export type Change = 'same' | 'added' | 'removed';
export interface CompareSegment {
  text: string;
  change: Change;
  authorId: string | null;
}

/**
 * Compares two versions by the identity of each character (Yjs ids), not by guessing
 * from text: what is in `to` and not `from` was added, what is in `from` and not `to` was
 * removed, each credited to whoever wrote it. Removed text is shown where it stood.
 */
export function compareVersions(
  from: Y.Doc,
  to: Y.Doc,
  index: AuthorshipIndex,
): { type: string; segments: CompareSegment[] }[] {
  const a = charsOf(from, index);
  const b = charsOf(to, index);
  const inA = new Set(a.flatMap((blk) => blk.chars.map((c) => c.key)));
  const positionInB = new Map<string, [number, number]>();
  b.forEach((blk, bi) => {
    blk.chars.forEach((c, ci) => {
      positionInB.set(c.key, [bi, ci]);
    });
  });
  // Removed characters are anchored after the last character both versions share.
  const removedAfter = new Map<string, Char[]>();
  let anchor = '-1:-1';
  for (const blk of a) {
    for (const c of blk.chars) {
      const pos = positionInB.get(c.key);
      if (pos) anchor = `${pos[0]}:${pos[1]}`;
      else {
        const list = removedAfter.get(anchor) ?? [];
        list.push(c);
        removedAfter.set(anchor, list);
      }
    }
  }
  const out: { type: string; segments: CompareSegment[] }[] = [];
  const push = (segments: CompareSegment[], c: Char, change: Change) => {
    const last = segments[segments.length - 1];
    if (last && last.change === change && last.authorId === c.authorId) last.text += c.ch;
    else segments.push({ text: c.ch, change, authorId: c.authorId });
  };
  b.forEach((blk, bi) => {
    const segments: CompareSegment[] = [];
    if (bi === 0) for (const c of removedAfter.get('-1:-1') ?? []) push(segments, c, 'removed');
    blk.chars.forEach((c, ci) => {
      push(segments, c, inA.has(c.key) ? 'same' : 'added');
      for (const r of removedAfter.get(`${bi}:${ci}`) ?? []) push(segments, r, 'removed');
    });
    out.push({ type: blk.type, segments });
  });
  if (b.length === 0) {
    const segments: CompareSegment[] = [];
    for (const c of removedAfter.get('-1:-1') ?? []) push(segments, c, 'removed');
    out.push({ type: 'paragraph', segments });
  }
  return out;
}

/**
 * Builds the update that makes the live document equal to a version, as an edit by the
 * person restoring (a fresh Yjs client id of theirs), plus the version's text with its
 * authors so the ledger keeps their credit for every word that comes back.
 */
export function restoreUpdate(
  version: Y.Doc,
  index: AuthorshipIndex,
): { build: (doc: Y.Doc) => Uint8Array; sources: TextSource[] } {
  const sources: TextSource[] = authoredBlocks(version.getXmlFragment('default'), index).flatMap(
    (b) => b.runs.map((r) => ({ text: r.text, authorId: r.authorId, at: r.at ?? Date.now() })),
  );
  const build = (doc: Y.Doc) =>
    serverEditUpdate(doc, (copy) => {
      const target = copy.getXmlFragment('default');
      const source = version.getXmlFragment('default');
      target.delete(0, target.length);
      target.insert(
        0,
        source.toArray().map((n) => n.clone() as Y.XmlElement | Y.XmlText),
      );
    });
  return { build, sources };
}
