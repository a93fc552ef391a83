import * as Y from 'yjs';
import type { TemplateBlock } from '../domain/templates.ts';

/** The Y.XmlFragment name Tiptap's Collaboration extension binds to by default. */
export const EDITOR_FRAGMENT = 'default';

/**
 * Writes template blocks into a Y.Doc in the shape the ProseMirror binding reads
 * (element per node, attributes as node attrs, Y.XmlText for text). Done on the server
 * at creation so no client ever seeds: two clients seeding at once duplicate content.
 */
export function seedTemplate(doc: Y.Doc, blocks: readonly TemplateBlock[]): void {
  const fragment = doc.getXmlFragment(EDITOR_FRAGMENT);
  doc.transact(() => {
    const elements = blocks.map((block) => {
      const element = new Y.XmlElement(block.type);
      if (block.type === 'heading') element.setAttribute('level', block.level as unknown as string);
      const text = new Y.XmlText();
      text.insert(0, block.text);
      element.insert(0, [text]);
      return element;
    });
    fragment.insert(0, elements);
  });
}
