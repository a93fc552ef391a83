import * as Y from 'yjs';

const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The paragraph of `doc` (at any depth) whose text contains `words`, and where they are. */
export function findWords(doc: Y.Doc, words: string): { text: Y.XmlText; at: number } {
  const search = (node: Y.XmlElement | Y.XmlFragment): { text: Y.XmlText; at: number } | null => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) {
        // The characters alone: `toString` would add the formatting as tags.
        const plain = (child.toDelta() as { insert: unknown }[])
          .map((op) => (typeof op.insert === 'string' ? op.insert : '\uFFFC'))
          .join('');
        if (plain.includes(words)) return { text: child, at: plain.indexOf(words) };
      } else if (child instanceof Y.XmlElement) {
        const found = search(child);
        if (found) return found;
      }
    }
    return null;
  };
  const found = search(doc.getXmlFragment('default'));
  if (!found) throw new Error(`no paragraph with “${words}”`);
  return found;
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

/**
 * Anchors from the start of `first` to the end of `last`, two different paragraphs, as the
 * editor makes them: the start sticks to the first selected character, the end to the one
 * before it (at a paragraph's start: to the paragraph's start).
 */
export function anchorSpanning(
  doc: Y.Doc,
  first: string,
  last: string,
): { start: string; end: string } {
  const a = findWords(doc, first);
  const b = findWords(doc, last);
  return {
    start: base64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(a.text, a.at))),
    end: base64(
      Y.encodeRelativePosition(
        Y.createRelativePositionFromTypeIndex(b.text, b.at + last.length, -1),
      ),
    ),
  };
}

/**
 * Anchors of a paragraph break, as Backspace at the start of the paragraph starting with
 * `next` makes them in suggesting mode: from the end of the paragraph before to its start.
 */
export function paragraphBreakBefore(doc: Y.Doc, next: string): { start: string; end: string } {
  const b = findWords(doc, next);
  const fragment = doc.getXmlFragment('default');
  const blocks = fragment.toArray();
  const before = blocks[blocks.indexOf(b.text.parent as Y.XmlElement) - 1];
  const text = before instanceof Y.XmlElement ? before.get(0) : null;
  if (!(text instanceof Y.XmlText)) throw new Error(`no paragraph of text before “${next}”`);
  return {
    start: base64(
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, text.length)),
    ),
    end: base64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(b.text, 0, -1))),
  };
}

/** A paragraph of text formatted run by run, as the editor stores one. */
export function formattedParagraph(
  runs: readonly (readonly [string, Record<string, unknown>?])[],
  name = 'paragraph',
): Y.XmlElement {
  const block = new Y.XmlElement(name);
  const text = new Y.XmlText();
  text.applyDelta(runs.map(([insert, attributes]) => ({ insert, attributes: attributes ?? {} })));
  block.insert(0, [text]);
  return block;
}
