import * as Y from 'yjs';

const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The paragraph of `doc` whose text contains `words`, and where they are in it. */
export function findWords(doc: Y.Doc, words: string): { text: Y.XmlText; at: number } {
  for (const block of doc.getXmlFragment('default').toArray()) {
    const text = block instanceof Y.XmlElement ? block.get(0) : null;
    if (!(text instanceof Y.XmlText)) continue;
    // The characters alone: `toString` would add the formatting as tags.
    const plain = (text.toDelta() as { insert: unknown }[])
      .map((op) => (typeof op.insert === 'string' ? op.insert : '\uFFFC'))
      .join('');
    if (plain.includes(words)) return { text, at: plain.indexOf(words) };
  }
  throw new Error(`no paragraph with “${words}”`);
}

/** Anchors around `words` as the editor makes them: Yjs relative positions in the text. */
export function anchorAround(doc: Y.Doc, words: string): { start: string; end: string } {
  const { text, at } = findWords(doc, words);
  const position = (index: number) =>
    base64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index)));
  return { start: position(at), end: position(at + words.length) };
}

/**
 * An insertion's anchors as the editor makes them in suggesting mode: both the one place
 * just after `words`, sticking to the character before it.
 */
export function pointAfter(doc: Y.Doc, words: string): { start: string; end: string } {
  const { text, at } = findWords(doc, words);
  const position = base64(
    Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, at + words.length, -1)),
  );
  return { start: position, end: position };
}

/** How many times `words` occur in `text`. */
export function occurrences(text: string, words: string): number {
  return text.split(words).length - 1;
}
