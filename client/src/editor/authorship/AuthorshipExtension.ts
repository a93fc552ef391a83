import { Extension } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import type { Mapping } from '@tiptap/pm/transform';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { readPendingInput } from '../pendingInput.ts';
import type { AuthorModel } from './authorModel.ts';
import { safeColor, underlineFor } from './authorStyles.ts';
import {
  type Dirty,
  isRemoteChange,
  markDirty,
  normalizeRanges,
  remoteChangeMapping,
} from './dirtyRanges.ts';
import { walkText } from './walk.ts';

interface AuthorshipState {
  model: AuthorModel | null;
  decorations: DecorationSet;
  /** Bumped when the model changed without a document change: the view redraws then. */
  revision: number;
  /** What the next redraw must redo: the stretches that changed, or everything. */
  dirty: Dirty[] | 'all' | null;
}

type AuthorshipMeta =
  | { type: 'model'; model: AuthorModel | null }
  | { type: 'refresh' }
  | { type: 'decorations'; decorations: DecorationSet };

export const authorshipKey = new PluginKey<AuthorshipState>('authorship');

/** Quiet time after the last change before a redraw; mapping covers the meantime. */
const DEBOUNCE_MS = 150;
/** Someone typing without pause still sees credit redrawn at least this often. */
const MAX_WAIT_MS = 1_000;

/**
 * Decorations for who wrote what: one parallel walk of the Yjs fragment and the document
 * turns each run of characters with one author (and one day) into an inline decoration.
 * With ranges, only the blocks overlapping them are walked.
 */
export function authorDecorations(
  model: AuthorModel,
  doc: PmNode,
  ranges?: readonly Dirty[],
): { decorations: Decoration[]; present: Set<string> } {
  const started = performance.now();
  const decorations: Decoration[] = [];
  const present = new Set<string>();
  // The reader's own runs grow with what they type at their end: the redraw then draws
  // the same run again and the editor leaves the text, and the caret in it, alone. (Text
  // someone else adds there shows in the reader's run until that redraw, 150 ms later.)
  const ownDoc = model.fragment.doc;
  const own = ownDoc ? model.index.owners.get(ownDoc.clientID) : undefined;
  const ownSpec = { inclusiveEnd: true };
  let runFrom = -1;
  let runTo = -1;
  let runAuthor: string | null | undefined = null;
  let runDay: number | null = null;
  const flush = () => {
    if (runFrom >= 0 && runTo > runFrom && typeof runAuthor === 'string') {
      const person = model.people.get(runAuthor);
      if (person) {
        const slot = model.slotOf(runAuthor);
        present.add(runAuthor);
        decorations.push(
          Decoration.inline(
            runFrom,
            runTo,
            {
              class: `author-run author-run--${underlineFor(slot)}`,
              style: `--author-color: ${safeColor(person.color)}`,
              'data-author': runAuthor,
              'data-day': runDay === null ? '' : String(runDay),
            },
            runAuthor === own ? ownSpec : undefined,
          ),
        );
      }
    }
    runFrom = -1;
  };
  const extend = (
    from: number,
    to: number,
    author: string | null | undefined,
    day: number | null,
  ) => {
    if (runFrom >= 0 && runTo === from && runAuthor === author && runDay === day) {
      runTo = to;
      return;
    }
    flush();
    runFrom = from;
    runTo = to;
    runAuthor = author;
    runDay = day;
  };
  const visit = (pos: number, client: number, clock: number, text: string): boolean => {
    const len = text.length;
    if (!model.carriedClients.has(client)) {
      // One owner for the whole item; days only grow with the clock, so equal ends mean
      // one day throughout. Most items take this path: no per-character lookups.
      const author = model.index.owners.get(client);
      const firstDay = model.dayOf(client, clock);
      const lastDay = len > 1 ? model.dayOf(client, clock + len - 1) : firstDay;
      if (firstDay === lastDay) {
        noteUnknown(model, client, author);
        extend(pos, pos + len, author, firstDay);
        return false;
      }
    }
    for (let i = 0; i < len; i++) {
      const author = model.index.authorOf(client, clock + i);
      noteUnknown(model, client, author);
      extend(pos + i, pos + i + 1, author, model.dayOf(client, clock + i));
    }
    return false;
  };
  if (ranges) {
    for (const range of ranges) {
      walkText(model.fragment, doc, visit, range);
      flush();
    }
  } else {
    walkText(model.fragment, doc, visit);
    flush();
  }
  performance.measure(ranges ? 'chorus:author-view:redraw-part' : 'chorus:author-view:redraw', {
    start: started,
  });
  return { decorations, present };
}

/** Everything, from scratch: on switching on, and when the data behind it changed. */
export function buildDecorations(model: AuthorModel, doc: PmNode): DecorationSet {
  const { decorations, present } = authorDecorations(model, doc);
  model.setPresent(present);
  if (model.unknownClients.size > 0) model.onUnknown?.();
  return DecorationSet.create(doc, decorations);
}

/** A stretch widened to whole top-level blocks, so each is redrawn entirely or not at all. */
function wholeBlocks(doc: PmNode, dirty: Dirty): Dirty {
  const from = Math.max(0, Math.min(dirty.from, doc.content.size));
  const to = Math.max(from, Math.min(dirty.to, doc.content.size));
  const start = doc.resolve(from);
  const end = doc.resolve(to);
  return { from: start.depth > 0 ? start.before(1) : from, to: end.depth > 0 ? end.after(1) : to };
}

/**
 * Only the top-level blocks that changed since the last redraw: typing in a 50-page
 * document redraws one paragraph, not all of them, and five people typing in five places
 * redraw five.
 */
export function redrawChanged(
  model: AuthorModel,
  doc: PmNode,
  current: DecorationSet,
  dirty: readonly Dirty[],
): DecorationSet {
  const blocks = normalizeRanges(dirty.map((d) => wholeBlocks(doc, d)));
  const { decorations, present } = authorDecorations(model, doc, blocks);
  const stale = blocks.flatMap(({ from, to }) =>
    current.find(from, to).filter((d) => d.from >= from && d.to <= to),
  );
  // People can only be added here; a full redraw (on new data) also removes the absent.
  const everyone = new Set([...model.present, ...present]);
  model.setPresent(everyone);
  if (model.unknownClients.size > 0) model.onUnknown?.();
  return current.remove(stale).add(doc, decorations);
}

/**
 * How to carry the drawn marks through a change. A remote change is narrowed to what it
 * really changed (see `remoteChangeMapping`); when blocks moved, its own mapping is used,
 * and the blocks it replaced are redrawn.
 */
function changeMapping(tr: Transaction): Mapping {
  if (!isRemoteChange(tr)) return tr.mapping;
  return remoteChangeMapping(tr.before, tr.doc) ?? tr.mapping;
}

function noteUnknown(model: AuthorModel, client: number, author: string | null | undefined) {
  if (author === undefined || (author !== null && !model.people.has(author))) {
    model.unknownClients.add(client);
  }
}

/** Sets the model (null turns the view off) or asks for a redraw after the model changed. */
export function setAuthorModel(view: EditorView, model: AuthorModel | null): void {
  readPendingInput(view);
  view.dispatch(
    view.state.tr.setMeta(authorshipKey, { type: 'model', model } satisfies AuthorshipMeta),
  );
}

export function refreshAuthorView(view: EditorView): void {
  readPendingInput(view);
  view.dispatch(view.state.tr.setMeta(authorshipKey, { type: 'refresh' } satisfies AuthorshipMeta));
}

export function authorModelOf(state: EditorState): AuthorModel | null {
  return authorshipKey.getState(state)?.model ?? null;
}

function authorshipPlugin(): Plugin<AuthorshipState> {
  return new Plugin<AuthorshipState>({
    key: authorshipKey,
    state: {
      init: () => ({ model: null, decorations: DecorationSet.empty, revision: 0, dirty: null }),
      apply(tr, value, _old, newState) {
        const meta = tr.getMeta(authorshipKey) as AuthorshipMeta | undefined;
        if (meta?.type === 'model') {
          return {
            model: meta.model,
            // Drawn at once on switching on, so the person sees it respond.
            decorations: meta.model
              ? buildDecorations(meta.model, newState.doc)
              : DecorationSet.empty,
            revision: value.revision,
            dirty: null,
          };
        }
        if (meta?.type === 'decorations') {
          return { ...value, decorations: meta.decorations, dirty: null };
        }
        if (meta?.type === 'refresh') {
          return { ...value, revision: value.revision + 1, dirty: 'all' };
        }
        if (!value.model || !tr.docChanged) return value;
        // Cheap per keystroke: shift what is drawn and note where; the redraw comes when
        // typing stops.
        const mapping = changeMapping(tr);
        return {
          ...value,
          decorations: value.decorations.map(mapping, tr.doc),
          dirty: markDirty(value.dirty, mapping),
        };
      },
    },
    props: {
      decorations: (state) => authorshipKey.getState(state)?.decorations ?? DecorationSet.empty,
      attributes: (state): Record<string, string> =>
        authorshipKey.getState(state)?.model ? { 'data-author-view': 'on' } : {},
    },
    view: (view) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let firstPending = 0;
      const redraw = () => {
        timer = undefined;
        firstPending = 0;
        readPendingInput(view);
        const state = authorshipKey.getState(view.state);
        if (!state?.model || !state.dirty || view.isDestroyed) return;
        const { doc } = view.state;
        const decorations =
          state.dirty === 'all'
            ? buildDecorations(state.model, doc)
            : redrawChanged(state.model, doc, state.decorations, state.dirty);
        view.dispatch(
          view.state.tr.setMeta(authorshipKey, {
            type: 'decorations',
            decorations,
          } satisfies AuthorshipMeta),
        );
      };
      const schedule = () => {
        const now = Date.now();
        if (firstPending === 0) firstPending = now;
        if (timer !== undefined) clearTimeout(timer);
        const wait = Math.min(DEBOUNCE_MS, Math.max(0, firstPending + MAX_WAIT_MS - now));
        timer = setTimeout(redraw, wait);
      };
      return {
        update(updated, previous) {
          const now = authorshipKey.getState(updated.state);
          const before = authorshipKey.getState(previous);
          if (!now?.model) {
            if (timer !== undefined) clearTimeout(timer);
            timer = undefined;
            firstPending = 0;
            return;
          }
          // Local typing and remote changes alike: redraw once things are quiet.
          if (updated.state.doc !== previous.doc || now.revision !== before?.revision) schedule();
        },
        destroy() {
          if (timer !== undefined) clearTimeout(timer);
        },
      };
    },
  });
}

/** The live author view ("Show who wrote what"); off until a model is set. */
export const AuthorshipExtension = Extension.create({
  name: 'authorship',
  addProseMirrorPlugins() {
    return [authorshipPlugin()];
  },
});
