import { afterPaint } from './afterPaint.ts';
import type { SaveState, SaveTracker } from './saveTracker.ts';

/**
 * Calls `show` with the save state to display, now and on every change.
 *
 * Every keystroke turns the state to "saving" and the server's confirmation back to
 * "saved" a few milliseconds later. "Saving" (and every other state) is shown at once, so
 * "All changes saved" is never on screen while an edit is unconfirmed; only the return to
 * "saved" waits until the next frame is drawn, which keeps it off the path from the next
 * keystroke to the screen. A change back to "saving" in the meantime wins.
 */
export function followSaveState(
  tracker: SaveTracker,
  show: (state: SaveState) => void,
): () => void {
  let stopped = false;
  /** Bumped by every immediate show, so a deferred "saved" queued before it is dropped. */
  let generation = 0;
  let deferred = false;
  const showNow = () => {
    generation++;
    deferred = false;
    show(tracker.state);
  };
  showNow();
  const unsubscribe = tracker.subscribe((state) => {
    if (state.kind !== 'saved') {
      showNow();
      return;
    }
    if (deferred) return;
    deferred = true;
    const queued = generation;
    afterPaint(() => {
      if (stopped || queued !== generation) return;
      showNow();
    });
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
