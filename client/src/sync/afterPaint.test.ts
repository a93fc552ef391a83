import { afterEach, expect, it, vi } from 'vitest';
import { afterPaint } from './afterPaint.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

it('runs the task in a task after the next frame, once', async () => {
  const frames: FrameRequestCallback[] = [];
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
  const ran: string[] = [];
  afterPaint(() => ran.push('task'));
  await new Promise((r) => setTimeout(r, 10));
  expect(ran).toEqual([]); // no frame yet
  for (const cb of frames.splice(0)) cb(0);
  expect(ran).toEqual([]); // not inside the frame either
  await new Promise((r) => setTimeout(r, 10));
  expect(ran).toEqual(['task']);
  await new Promise((r) => setTimeout(r, 150));
  expect(ran).toEqual(['task']); // the fallback timer does not run it again
});

it('runs the task anyway when no frame comes (a hidden tab)', async () => {
  vi.useFakeTimers();
  vi.stubGlobal('requestAnimationFrame', () => 0);
  const task = vi.fn();
  afterPaint(task, 100);
  vi.advanceTimersByTime(99);
  expect(task).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(task).toHaveBeenCalledTimes(1);
});
