import { editorContent } from '@chorus/shared';
import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { contentExtensions } from './extensions.ts';

describe("the editor's schema", () => {
  // The server refuses updates naming anything outside editorContent, so a node, mark or
  // attribute added here without it would get every edit using it refused.
  it('is exactly what the server lets into a document', () => {
    const schema = getSchema(contentExtensions());
    const nodes = Object.keys(schema.nodes).filter((n) => n !== 'doc' && n !== 'text');
    const attributes = new Set(
      Object.values(schema.nodes).flatMap((n) => Object.keys(n.spec.attrs ?? {})),
    );
    expect([...editorContent.elements].sort()).toEqual(nodes.sort());
    expect([...editorContent.marks].sort()).toEqual(Object.keys(schema.marks).sort());
    expect([...editorContent.attributes].sort()).toEqual([...attributes].sort());
  });
});
