import { useSyncExternalStore } from 'react';
import type { SaveState, SaveTracker } from './saveTracker.ts';

/** The live save state of a connection, for the status line. */
export function useSaveState(tracker: SaveTracker): SaveState {
  return useSyncExternalStore(
    (onChange) => tracker.subscribe(onChange),
    () => tracker.state,
  );
}
