import { useEffect, useState } from 'react';
import type { SaveState, SaveTracker } from './saveTracker.ts';

/**
 * The live save state of a connection, for the status line.
 *
 * Every keystroke turns the state to "saving" and the server's confirmation back to
 * "saved" a few milliseconds later. "Saving" (and every other state) is shown at once,
 * so "All changes saved" is never on screen while an edit is unconfirmed; only the
 * return to "saved" waits until the next frame is drawn, which keeps that render off the
 * path from the next keystroke to the screen.
 */
export function useSaveState(tracker: SaveTracker): SaveState {
  const [shown, setShown] = useState(() => ({ tracker, state: tracker.state }));
  useEffect(() => {
    let frame: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const cancel = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = null;
      timer = null;
    };
    const show = () => {
      cancel();
      setShown({ tracker, state: tracker.state });
    };
    show();
    const unsubscribe = tracker.subscribe(() => {
      // A hidden tab draws no frames, so it would wait for ever.
      if (tracker.state.kind !== 'saved' || document.hidden) {
        show();
        return;
      }
      if (frame !== null || timer !== null) return;
      // A task queued from requestAnimationFrame runs once that frame is on screen.
      frame = requestAnimationFrame(() => {
        frame = null;
        timer = setTimeout(show, 0);
      });
    });
    return () => {
      cancel();
      unsubscribe();
    };
  }, [tracker]);
  // Until the effect has run for a new tracker, show that tracker's own state.
  return shown.tracker === tracker ? shown.state : tracker.state;
}
