import type { Node as PmNode } from '@tiptap/pm/model';
import { Decoration } from '@tiptap/pm/view';

/**
 * What a suggestion spanning paragraphs deletes besides words, drawn where it is: each
 * paragraph break in the stretch as a struck-out pilcrow at the end of its paragraph
 * (said "suggested deletion: paragraph break" to screen readers, since a join has no words
 * to strike out), and each empty paragraph wholly inside it tinted and struck as deleted.
 * The words themselves are drawn by one inline decoration, which ProseMirror splits over
 * each block's text.
 */
export function paragraphBreakDecorations(
  doc: PmNode,
  from: number,
  to: number,
  key: string,
): Decoration[] {
  const decorations: Decoration[] = [];
  if (to <= from) return decorations;
  doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isTextblock) return true;
    const end = pos + 1 + node.content.size;
    if (end >= from && end < to) {
      decorations.push(
        Decoration.widget(end, paragraphBreakMarker, {
          side: -1,
          key: `break:${key}`,
          ignoreSelection: true,
        }),
      );
    }
    if (node.content.size === 0 && pos >= from && pos + node.nodeSize <= to) {
      decorations.push(
        Decoration.node(pos, pos + node.nodeSize, {
          class: 'suggestion-deleted-block',
          title: 'Suggested change: delete this empty paragraph',
        }),
      );
    }
    return false;
  });
  return decorations;
}

/** A deleted paragraph break: seen as a struck-out ¶, heard as what it is. */
function paragraphBreakMarker(): HTMLElement {
  const marker = document.createElement('span');
  marker.className = 'suggestion-break';
  marker.title = 'Suggested change: join this paragraph to the next';
  const seen = document.createElement('span');
  seen.setAttribute('aria-hidden', 'true');
  seen.textContent = '¶';
  const heard = document.createElement('span');
  heard.className = 'visually-hidden suggestion-marker';
  heard.textContent = ' suggested deletion: paragraph break ';
  marker.append(seen, heard);
  return marker;
}
