import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { followSaveState } from './followSaveState.ts';
import { SaveTracker } from './saveTracker.ts';

let frames: FrameRequestCallback[] = [];

beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
});
afterEach(() => vi.unstubAllGlobals());

/** Draws the pending frame, then lets the task queued after it run. */
async function drawFrame(): Promise<void> {
  for (const cb of frames.splice(0)) cb(0);
  await new Promise((r) => setTimeout(r, 5));
}

function connectedTracker(): SaveTracker {
  const tracker = new SaveTracker();
  tracker.noteConnection(true);
  tracker.noteSynced(true);
  return tracker;
}

it('shows "saving" at once, and the return to "saved" only after the next frame', async () => {
  const tracker = connectedTracker();
  const shown: string[] = [];
  followSaveState(tracker, (s) => shown.push(s.kind));
  expect(shown).toEqual(['saved']);

  tracker.noteLocalEdit();
  expect(shown).toEqual(['saved', 'saving']);

  tracker.noteAck(0);
  await new Promise((r) => setTimeout(r, 5));
  expect(shown).toEqual(['saved', 'saving']); // no frame drawn yet
  await drawFrame();
  expect(shown).toEqual(['saved', 'saving', 'saved']);
});

it('never shows a "saved" that a newer edit has overtaken', async () => {
  const tracker = connectedTracker();
  const shown: string[] = [];
  followSaveState(tracker, (s) => shown.push(s.kind));
  tracker.noteLocalEdit();
  tracker.noteAck(0); // saved, queued for after the frame
  tracker.noteLocalEdit(); // saving again before that frame
  await drawFrame();
  expect(shown).toEqual(['saved', 'saving', 'saving']);
  expect(shown.at(-1)).toBe(tracker.state.kind);
});

it('shows nothing more once stopped', async () => {
  const tracker = connectedTracker();
  const shown: string[] = [];
  const stop = followSaveState(tracker, (s) => shown.push(s.kind));
  tracker.noteLocalEdit();
  tracker.noteAck(0);
  stop();
  await drawFrame();
  tracker.noteLocalEdit();
  expect(shown).toEqual(['saved', 'saving']);
});
