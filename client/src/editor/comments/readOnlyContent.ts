import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { isRemoteChange } from '../authorship/dirtyRanges.ts';

export const readOnlyContentKey = new PluginKey('readOnlyContent');

/**
 * For people who may comment but not edit: the editor stays editable to the browser, so
 * they can move a caret and select text with the keyboard to comment on it, but no change
 * of theirs reaches the document (the server would refuse it anyway). Everyone else's
 * edits, which arrive through the sync binding, still apply.
 */
export const ReadOnlyContent = Extension.create<{ locked: () => boolean }>({
  name: 'readOnlyContent',
  addOptions() {
    return { locked: () => false };
  },
  addStorage() {
    // Read by node views (run charts) to know whether their own controls may change things.
    return { locked: this.options.locked };
  },
  addProseMirrorPlugins() {
    return [readOnlyContentPlugin(this.options.locked)];
  },
});

export function readOnlyContentPlugin(locked: () => boolean): Plugin {
  return new Plugin({
    key: readOnlyContentKey,
    filterTransaction(tr) {
      return !tr.docChanged || !locked() || isRemoteChange(tr);
    },
  });
}

declare module '@tiptap/core' {
  interface Storage {
    readOnlyContent: { locked: () => boolean };
  }
}
