import type { SaveState } from '../../sync/saveTracker.ts';

export function saveStatusText(state: SaveState): string {
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

/** The save line; polite so it never interrupts someone mid-sentence. */
export function SaveStatus({ state }: { state: SaveState }) {
  return (
    <p className={`save-status save-status--${state.kind}`} role="status" aria-live="polite">
      {saveStatusText(state)}
    </p>
  );
}
