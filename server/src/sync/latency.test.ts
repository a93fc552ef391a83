import { describe, expect, it } from 'vitest';
import { DurationHistogram, SyncLatency } from './latency.ts';

describe('the server latency histogram', () => {
  it('reads quantiles to a tenth of a millisecond', () => {
    const h = new DurationHistogram();
    for (let i = 1; i <= 100; i++) h.record(i / 10); // 0.1 .. 10.0 ms
    expect(h.count).toBe(100);
    expect(h.quantile(0.5)).toBe(5);
    expect(h.quantile(0.99)).toBe(9.9);
    expect(h.summary()).toEqual({ count: 100, p50: 5, p99: 9.9, max: 10 });
  });

  it('is empty until something is recorded, and caps absurd durations', () => {
    const h = new DurationHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
    h.record(-3); // a clock that stepped back counts as no wait, not as an error
    h.record(10 * 60_000);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(1)).toBe(60_000);
    expect(h.toJSON()).toEqual({ '0': 1, '600000': 1 });
  });

  it('reports rows per commit and histograms a reader can pool', () => {
    const l = new SyncLatency();
    l.committed(0.5, 1);
    l.committed(1.5, 3);
    l.held.record(2);
    const report = l.report();
    expect(report.rowsPerCommit).toBe(2);
    expect(report.commitMs).toEqual({ count: 2, p50: 0.5, p99: 1.5, max: 1.5 });
    expect(report.heldHistogram).toEqual({ '20': 1 });
  });
});
