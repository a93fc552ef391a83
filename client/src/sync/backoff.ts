/**
 * How long to wait before reconnecting after the `attempt`-th failure in a row:
 * exponential, capped, and with "equal jitter" (half fixed, half random). Without the
 * random half, every browser dropped by one server restart would come back in lockstep
 * and hit it at the same instants again and again.
 */
export function reconnectDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 250,
  maxMs = 10_000,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
