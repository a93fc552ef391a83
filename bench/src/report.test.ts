import { describe, expect, it } from 'vitest';
import { markdown, pooledLoad } from './report.ts';
import { type LoadResult, serverShare } from './scenarios.ts';
import { record } from './stats.ts';
import { type Histogram, isChorus, type TargetKind } from './types.ts';

/** A round whose latencies are `fast` samples at 1 ms and `slow` samples at `slowMs`. */
function round(
  target: TargetKind,
  n: number,
  fast: number,
  slow: number,
  slowMs: number,
): LoadResult {
  const latency: Histogram = {};
  for (let i = 0; i < fast; i++) record(latency, 1);
  for (let i = 0; i < slow; i++) record(latency, slowMs);
  const saved: Histogram = {};
  record(saved, 2);
  const samples = fast + slow;
  return {
    scenario: 'workshop',
    target,
    clients: 30,
    durationS: 20,
    sent: samples,
    delivered: samples,
    expectedDeliveries: samples,
    deliveredPerS: samples / 20,
    latencyMs: { p50: 1, p95: null, p99: slow * 100 >= samples ? slowMs : 1, max: slowMs },
    savedMs: isChorus(target) ? { p50: 2, p99: 2, samples: 1 } : null,
    lost: 0,
    divergedDocuments: 0,
    serverCpuS: 1,
    serverPeakRssMiB: 100 + n,
    generatorCpuS: 2,
    generatorCpuPerCore: 0.1,
    joinS: 1,
    round: n,
    histograms: {
      latency,
      saved: isChorus(target) ? saved : null,
      serverHeld: null,
      serverCommit: null,
    },
  };
}

describe('pooled rounds', () => {
  it("takes quantiles of all rounds' samples together, not of one round", () => {
    // Round 1: 2% slow (its p99 is 50 ms); round 2: none slow (p99 1 ms). Pooled, 1% of
    // the samples are slow, so the 99th percentile is the last fast sample: 1 ms.
    const [pooled] = pooledLoad([round('chorus', 1, 980, 20, 50), round('chorus', 2, 1000, 0, 50)]);
    expect(pooled?.rounds).toBe(2);
    expect(pooled?.latencyMs.p99).toBe(1);
    expect(pooled?.latencyMs.max).toBe(50);
    expect(pooled?.p99Range).toEqual({ min: 1, max: 50 });
    expect(pooled?.sent).toBe(2000);
    expect(pooled?.serverCpuS).toBe(2);
    expect(pooled?.serverPeakRssMiB).toBe(102);
  });

  it('judges the targets on the pooled figures and says so', () => {
    // Chorus loses round 1 to the reference and wins round 2; pooled, 1.5% of its samples
    // are slow against 1% of the reference's.
    const text = markdown({
      startedAt: '2026-11-26T00:00:00Z',
      machine: 'test',
      quick: false,
      rounds: 2,
      load: [
        round('chorus', 1, 970, 30, 40),
        round('reference', 1, 1000, 0, 40),
        round('reference', 2, 980, 20, 40),
        round('chorus', 2, 1000, 0, 40),
      ],
      cold: [],
      idle: [],
      failures: [],
      bundle: null,
    });
    expect(text).toContain('| workshop (round 1) | Chorus');
    expect(text).toContain('**Pooled over the rounds**');
    expect(text).toContain('workshop: judged on 2 rounds pooled');
    expect(text).toMatch(
      /no worse than y-websocket 2\.1 reference: \*\*not met\*\* \(p99 40\.0 vs 1\.0 ms/,
    );
  });

  it('leaves a single round as it was measured', () => {
    const only = round('chorus', 1, 980, 20, 50);
    const [pooled] = pooledLoad([only]);
    expect(pooled?.latencyMs).toEqual(only.latencyMs);
    expect(pooled?.rounds).toBe(1);
  });
});

describe('a variant of Chorus (--variant)', () => {
  it('names its settings and sets Chorus as shipped against it, without judging targets on it', () => {
    const text = markdown({
      startedAt: '2026-11-26T00:00:00Z',
      machine: 'test',
      quick: false,
      rounds: 1,
      variant: { CHORUS_JOURNAL_THREAD: 'main' },
      load: [round('chorus', 1, 980, 20, 50), round('variant', 1, 1000, 0, 50)],
      cold: [],
      idle: [],
      failures: [],
      bundle: null,
    });
    expect(text).toContain(
      '"Chorus variant" is Chorus as shipped with `CHORUS_JOURNAL_THREAD=main`.',
    );
    expect(text).toContain('| workshop | Chorus variant |');
    // Shipped p99 50 ms against the variant's 1 ms.
    expect(text).toContain('| workshop | 1.00× | – | 50.00× | 1.00× | 1.00× |');
    expect(text).not.toContain('Chorus variant: **not met**');
  });

  it('says where the processes ran when they were pinned (--pin)', () => {
    const text = markdown({
      startedAt: '2026-11-26T00:00:00Z',
      machine: 'test',
      quick: false,
      pinned: { server: '1', generators: '0' },
      load: [round('chorus', 1, 1000, 0, 1)],
      cold: [],
      idle: [],
      failures: [],
      bundle: null,
    });
    expect(text).toContain(
      'each server on core 1, the load generators and the orchestrator on core 0.',
    );
  });
});

describe("Chorus's own share of the latency", () => {
  it('reads the last sync.latency line a server logged as it stopped', () => {
    const share = serverShare([
      { event: 'sync.latency', heldHistogram: { '10': 1 }, commitHistogram: { '5': 1 } },
      { event: 'document.loaded' },
      { event: 'sync.latency', heldHistogram: { '20': 3 }, commitHistogram: { '6': 2 } },
    ]);
    expect(share).toEqual({ serverHeld: { '20': 3 }, serverCommit: { '6': 2 } });
    expect(serverShare([{ event: 'server.started' }])).toEqual({
      serverHeld: null,
      serverCommit: null,
    });
  });

  it('pools the server histograms over rounds and sets them beside the end-to-end figures', () => {
    const withShare = (n: number, held: Histogram, commit: Histogram): LoadResult => {
      const r = round('chorus', n, 1000, 0, 1);
      return { ...r, histograms: { ...r.histograms, serverHeld: held, serverCommit: commit } };
    };
    // 200 edits in 100 commits over two rounds; 1% of the edits held 30 ms.
    const held1: Histogram = {};
    const held2: Histogram = {};
    for (let i = 0; i < 98; i++) record(held1, 2);
    for (let i = 0; i < 2; i++) record(held1, 30);
    for (let i = 0; i < 100; i++) record(held2, 2);
    const commit: Histogram = {};
    for (let i = 0; i < 50; i++) record(commit, 1.5);
    const text = markdown({
      startedAt: '2026-11-26T00:00:00Z',
      machine: 'test',
      quick: false,
      rounds: 2,
      load: [withShare(1, held1, commit), withShare(2, held2, commit)],
      cold: [],
      idle: [],
      failures: [],
      bundle: null,
    });
    expect(text).toContain("**Chorus's own share**");
    expect(text).toContain('| workshop | Chorus | 1.0 / 1.0 | 2.0 / 2.0 | 1.5 / 1.5 | 2.00 |');
  });

  it('has no such table for servers that do not log it', () => {
    const text = markdown({
      startedAt: '2026-11-26T00:00:00Z',
      machine: 'test',
      quick: false,
      load: [round('chorus', 1, 1000, 0, 1), round('reference', 1, 1000, 0, 1)],
      cold: [],
      idle: [],
      failures: [],
      bundle: null,
    });
    expect(text).not.toContain("Chorus's own share");
  });
});
