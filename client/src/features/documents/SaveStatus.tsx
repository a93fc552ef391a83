import type { SaveState } from '../../sync/saveTracker.ts';

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

/** The save line; polite so it never interrupts someone mid-sentence. */
export function SaveStatus({ state, readOnly = false }: { state: SaveState; readOnly?: boolean }) {
  return (
    <p className={`save-status save-status--${state.kind}`} role="status" aria-live="polite">
      {saveStatusText(state, readOnly)}
    </p>
  );
}
