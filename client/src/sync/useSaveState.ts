import { useEffect, useState } from 'react';
import type { SaveState, SaveTracker } from './saveTracker.ts';

/**
 * The live save state of a connection, for the status line.
 *
 * Every keystroke turns the state to "saving" and the server's confirmation back to
 * "saved". Rendering that inside the keystroke's own task puts React on the path from key
 * to screen, so the flip between the two is shown after the next frame; anything else
 * (offline, closed, connecting) is shown at once.
 */
export function useSaveState(tracker: SaveTracker): SaveState {
  const [state, setState] = useState<SaveState>(() => tracker.state);
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
      setState(tracker.state);
    };
    setState(tracker.state);
    const unsubscribe = tracker.subscribe(() => {
      const next = tracker.state;
      // A hidden tab draws no frames, so it would wait for ever.
      if ((next.kind !== 'saving' && next.kind !== 'saved') || document.hidden) {
        show();
        return;
      }
      if (frame !== null || timer !== null) return;
      // After the next frame is drawn: a task queued from requestAnimationFrame runs once
      // the frame is on screen.
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
  return state;
}
