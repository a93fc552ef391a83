/**
 * Runs `task` once the next frame is on screen. A keystroke must do some work that nobody
 * sees in that frame (the copy kept on this device, the caret sent to others); queued here,
 * it runs after the frame that shows the typed character instead of before it.
 *
 * A task queued from `requestAnimationFrame` runs after that frame's rendering. A hidden
 * tab draws no frames, so a timer runs the task anyway within `latestMs`.
 */
export function afterPaint(task: () => void, latestMs = 100): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    task();
  };
  const timer = setTimeout(run, latestMs);
  if (typeof requestAnimationFrame !== 'function' || typeof MessageChannel !== 'function') return;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      run();
    };
    channel.port2.postMessage(null);
  });
}
