import { readFileSync } from 'node:fs';
import type { Histogram } from './types.ts';

/** Tenths of a millisecond: fine enough for loopback latencies, small enough to ship. */
export function record(h: Histogram, ms: number): void {
  const bucket = String(Math.max(0, Math.round(ms * 10)));
  h[bucket] = (h[bucket] ?? 0) + 1;
}

export function merge(into: Histogram, from: Histogram): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function count(h: Histogram): number {
  let n = 0;
  for (const v of Object.values(h)) n += v;
  return n;
}

/** The q-quantile (0..1) in milliseconds, or null when there are no samples. */
export function quantile(h: Histogram, q: number): number | null {
  const entries = Object.entries(h)
    .map(([k, v]) => [Number(k), v] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [bucket, v] of entries) {
    seen += v;
    if (seen >= rank) return bucket / 10;
  }
  return (entries[entries.length - 1]?.[0] ?? 0) / 10;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Resident memory now and its peak, in bytes, from /proc (Linux). */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/** The latency figures a load result reports, from its histogram. */
export function latencySummary(h: Histogram): {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
} {
  return {
    p50: quantile(h, 0.5),
    p95: quantile(h, 0.95),
    p99: quantile(h, 0.99),
    max: quantile(h, 1),
  };
}

/** The "saved" confirmation figures a load result reports, from its histogram. */
export function savedSummary(h: Histogram): {
  p50: number | null;
  p99: number | null;
  samples: number;
} {
  return { p50: quantile(h, 0.5), p99: quantile(h, 0.99), samples: count(h) };
}
