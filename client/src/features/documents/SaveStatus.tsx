import { CloseCode, describeCloseCode } from '@chorus/shared';
import { useLayoutEffect, useRef } from 'react';
import { followSaveState } from '../../sync/followSaveState.ts';
import type { SaveState, SaveTracker } from '../../sync/saveTracker.ts';

export function saveStatusText(state: SaveState, readOnly = false): string {
  // The server neither applies nor confirms a reader's frames, so "saving" means nothing here.
  if (readOnly && (state.kind === 'saving' || state.kind === 'saved')) {
    return 'Up to date: changes by others appear as they are made';
  }
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'saving':
      return 'Saving…';
    case 'saved':
      return 'All changes saved';
    case 'offline':
      return state.unsent
        ? 'Offline: your changes are kept and will be sent when you reconnect'
        : 'Offline: reconnecting…';
    case 'closed':
      return state.message;
  }
}

const className = (state: SaveState) => `save-status save-status--${state.kind}`;

/** Closed because access changed: the page explains it and recovers, so no "reload". */
export const forbiddenMessage = describeCloseCode(CloseCode.forbidden);
const accessChanged: SaveState = { kind: 'closed', message: 'Editing paused: access changed.' };

/**
 * The save line; polite so it never interrupts someone mid-sentence.
 *
 * It follows the tracker by writing its own text rather than through React state: the
 * line changes twice per keystroke ("Saving…", then "All changes saved"), and every React
 * commit, whatever it renders, first reads the selection by walking the whole focused
 * editor's DOM (React saves and restores the selection around each commit). In a 50-page
 * document that walk cost more than the rest of the commit.
 */
export function SaveStatus({
  tracker,
  readOnly = false,
}: {
  tracker: SaveTracker;
  readOnly?: boolean;
}) {
  const line = useRef<HTMLParagraphElement>(null);
  // A layout effect fills the line before the first paint. React never renders its text,
  // so it never holds a text node that this code has replaced.
  useLayoutEffect(() => {
    const element = line.current;
    if (!element) return;
    return followSaveState(tracker, (state) => {
      const shown =
        state.kind === 'closed' && state.message === forbiddenMessage ? accessChanged : state;
      const text = saveStatusText(shown, readOnly);
      if (element.textContent !== text) element.textContent = text;
      const name = className(shown);
      if (element.className !== name) element.className = name;
    });
  }, [tracker, readOnly]);
  return <p ref={line} role="status" aria-live="polite" />;
}
