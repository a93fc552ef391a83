import type { SaveTracker } from './saveTracker.ts';

/**
 * Whether the page holds words the server may not have kept, while the text is locked (the
 * document is closed), in two steps:
 *
 * - `heldAsItLocks`: read as the text locks (or as the page opens on a locked document):
 *   held if a local edit was not confirmed yet. Only then: words that come later (this
 *   browser's offline copy being read back) would make the page announce for a moment,
 *   to everyone opening a closed document, that they may have lost words.
 * - `heldAfterChange`: followed on every change of the save tracker: once every local edit
 *   is confirmed, nothing is held. An edit that was on its way when the page heard of the
 *   closing and is confirmed afterwards was saved (the journal's commit refuses anything
 *   after a closing, so a confirmation means it came before), and the page stops saying it
 *   may not have been. An edit the server refused is never confirmed, on that connection
 *   or the next, so it stays held.
 */
export function heldAsItLocks(tracker: Pick<SaveTracker, 'unsaved'>, locked: boolean): boolean {
  return locked && tracker.unsaved;
}

export function heldAfterChange(held: boolean, tracker: Pick<SaveTracker, 'unsaved'>): boolean {
  return held && tracker.unsaved;
}
