import { Extension } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type EditorState, Plugin, PluginKey, type Transaction } from '@tiptap/pm/state';
import { Mapping, StepMap } from '@tiptap/pm/transform';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { readPendingInput } from '../pendingInput.ts';
import type { AuthorModel } from './authorModel.ts';
import { safeColor, underlineFor } from './authorStyles.ts';
import { walkText } from './walk.ts';

/** Where the document changed since the last redraw, in current positions. */
interface Dirty {
  from: number;
  to: number;
}

interface AuthorshipState {
  model: AuthorModel | null;
  decorations: DecorationSet;
  /** Bumped when the model changed without a document change: the view redraws then. */
  revision: number;
  /** What the next redraw must redo: changed ranges only, or everything. */
  dirty: Dirty | 'all' | null;
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
 * With a range, only the blocks overlapping it are walked.
 */
export function authorDecorations(
  model: AuthorModel,
  doc: PmNode,
  range?: Dirty,
): { decorations: Decoration[]; present: Set<string> } {
  const started = performance.now();
  const decorations: Decoration[] = [];
  const present = new Set<string>();
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
          Decoration.inline(runFrom, runTo, {
            class: `author-run author-run--${underlineFor(slot)}`,
            style: `--author-color: ${safeColor(person.color)}`,
            'data-author': runAuthor,
            'data-day': runDay === null ? '' : String(runDay),
          }),
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
  walkText(
    model.fragment,
    doc,
    (pos, client, clock, text) => {
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
    },
    range,
  );
  flush();
  performance.measure(range ? 'chorus:author-view:redraw-part' : 'chorus:author-view:redraw', {
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

/**
 * Only the top-level blocks that changed since the last redraw: typing in a 50-page
 * document redraws one paragraph, not all of them.
 */
function redrawChanged(
  model: AuthorModel,
  doc: PmNode,
  current: DecorationSet,
  dirty: Dirty,
): DecorationSet {
  const from = Math.max(0, Math.min(dirty.from, doc.content.size));
  const to = Math.max(from, Math.min(dirty.to, doc.content.size));
  // Widen to whole top-level blocks, so each block is redrawn entirely or not at all.
  const start = doc.resolve(from);
  const end = doc.resolve(to);
  const blockFrom = start.depth > 0 ? start.before(1) : from;
  const blockTo = end.depth > 0 ? end.after(1) : to;
  const { decorations, present } = authorDecorations(model, doc, { from: blockFrom, to: blockTo });
  const stale = current
    .find(blockFrom, blockTo)
    .filter((d) => d.from >= blockFrom && d.to <= blockTo);
  // People can only be added here; a full redraw (on new data) also removes the absent.
  const everyone = new Set([...model.present, ...present]);
  model.setPresent(everyone);
  if (model.unknownClients.size > 0) model.onUnknown?.();
  return current.remove(stale).add(doc, decorations);
}

function remoteChange(tr: Transaction): boolean {
  const meta: unknown = tr.getMeta(ySyncPluginKey);
  return (
    typeof meta === 'object' && meta !== null && 'isChangeOrigin' in meta && !!meta.isChangeOrigin
  );
}

/**
 * The sync binding applies every remote change as one replacement of the whole document,
 * which would map every decoration away (and make everything dirty). The real change is
 * what differs between the documents before and after: map through that instead.
 */
function minimalMapping(tr: Transaction): Mapping {
  const before = tr.before.content;
  const after = tr.doc.content;
  const start = before.findDiffStart(after);
  if (start === null) return new Mapping();
  const end = before.findDiffEnd(after);
  let endBefore = end ? end.a : before.size;
  let endAfter = end ? end.b : after.size;
  // Repeated content can make the two ends overlap the start: push them back past it.
  const overlap = start - Math.min(endBefore, endAfter);
  if (overlap > 0) {
    endBefore += overlap;
    endAfter += overlap;
  }
  return new Mapping([new StepMap([start, endBefore - start, endAfter - start])]);
}

/** The ranges a change made, in positions after it, joined with earlier ones. */
function widenDirty(dirty: Dirty | 'all' | null, mapping: Mapping): Dirty | 'all' | null {
  if (dirty === 'all') return 'all';
  let from = dirty ? mapping.map(dirty.from, -1) : Number.POSITIVE_INFINITY;
  let to = dirty ? mapping.map(dirty.to, 1) : Number.NEGATIVE_INFINITY;
  mapping.maps.forEach((map, i) => {
    const later = mapping.slice(i + 1);
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      from = Math.min(from, later.map(newStart, -1));
      to = Math.max(to, later.map(newEnd, 1));
    });
  });
  return from <= to ? { from, to } : dirty;
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
        const mapping = remoteChange(tr) ? minimalMapping(tr) : tr.mapping;
        return {
          ...value,
          decorations: value.decorations.map(mapping, tr.doc),
          dirty: widenDirty(value.dirty, mapping),
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
