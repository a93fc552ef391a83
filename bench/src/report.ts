/**
 * The markdown report of `pnpm bench`: figures per server, Chorus's ratios against each
 * peer measured in the same run, and the issue's targets checked against them.
 */
import type { BundleSizes } from './bundle.ts';
import type { ColdLoadResult, IdleResult, LoadResult } from './scenarios.ts';
import { count, latencySummary, merge, quantile, savedSummary } from './stats.ts';
import { TARGET_LABEL } from './targets.ts';
import type { Histogram, TargetKind } from './types.ts';

export interface BenchResults {
  startedAt: string;
  machine: string;
  quick: boolean;
  /** How many times each load scenario ran (`--rounds`); older results have none. */
  rounds?: number;
  /** With `--pin`: the core each server ran on and the generators' cores. */
  pinned?: { server: string; generators: string };
  /** The settings of the `variant` server (`--variant`), if one ran. */
  variant?: Record<string, string>;
  load: LoadResult[];
  cold: ColdLoadResult[];
  idle: IdleResult[];
  /** Server and scenario pairs that did not complete, with why. */
  failures: string[];
  bundle: BundleSizes | null;
}

const f = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);
const median = (xs: number[] | null) => {
  if (!xs || xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? null;
};
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0
    ? '–'
    : `${(a / b).toFixed(2)}×`;

const PEERS: TargetKind[] = ['reference', 'hocuspocus', 'relay'];

/** One server's figures for one scenario, pooled over the rounds it ran. */
export interface PooledLoad extends LoadResult {
  rounds: number;
  /** The lowest and highest p99 of a single round. */
  p99Range: { min: number | null; max: number | null };
}

/**
 * Pools each scenario and server's rounds: latency quantiles from the merged samples
 * (not an average of per-round quantiles), counts and CPU summed, memory the peak. With
 * one round this is that round's result.
 */
export function pooledLoad(load: readonly LoadResult[]): PooledLoad[] {
  const groups = new Map<string, LoadResult[]>();
  for (const l of load) {
    const key = `${l.scenario}\u0000${l.target}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()].map((rounds) => {
    const first = rounds[0] as LoadResult;
    const p99s = rounds.map((l) => l.latencyMs.p99).filter((p): p is number => p !== null);
    const p99Range = {
      min: p99s.length > 0 ? Math.min(...p99s) : null,
      max: p99s.length > 0 ? Math.max(...p99s) : null,
    };
    if (rounds.length === 1) return { ...first, rounds: 1, p99Range };
    const latency: Histogram = {};
    // A histogram pools only when every round has it.
    const pool = (pick: (l: LoadResult) => Histogram | null): Histogram | null => {
      if (!rounds.every((l) => pick(l) !== null)) return null;
      const into: Histogram = {};
      for (const l of rounds) merge(into, pick(l) ?? {});
      return into;
    };
    for (const l of rounds) merge(latency, l.histograms.latency);
    const saved = pool((l) => l.histograms.saved);
    const sum = (pick: (l: LoadResult) => number) => rounds.reduce((a, l) => a + pick(l), 0);
    const durationS = sum((l) => l.durationS);
    const delivered = sum((l) => l.delivered);
    const generatorCpuS = sum((l) => l.generatorCpuS);
    return {
      ...first,
      round: 0,
      rounds: rounds.length,
      p99Range,
      durationS,
      sent: sum((l) => l.sent),
      delivered,
      expectedDeliveries: sum((l) => l.expectedDeliveries),
      deliveredPerS: delivered / durationS,
      latencyMs: latencySummary(latency),
      savedMs: saved ? savedSummary(saved) : null,
      lost: sum((l) => l.lost),
      divergedDocuments: sum((l) => l.divergedDocuments),
      serverCpuS: sum((l) => l.serverCpuS),
      serverPeakRssMiB: Math.max(...rounds.map((l) => l.serverPeakRssMiB)),
      generatorCpuS,
      generatorCpuPerCore: rounds.reduce((a, l) => a + l.generatorCpuPerCore, 0) / rounds.length,
      joinS: sum((l) => l.joinS),
      histograms: {
        latency,
        saved,
        serverHeld: pool((l) => l.histograms.serverHeld),
        serverCommit: pool((l) => l.histograms.serverCommit),
      },
    };
  });
}

/** Each scenario of the pooled results, in the order they ran, with a lookup by server. */
function byScenario(
  pooled: readonly PooledLoad[],
): { scenario: string; of: (t: TargetKind) => PooledLoad | undefined }[] {
  return [...new Set(pooled.map((l) => l.scenario))].map((scenario) => ({
    scenario,
    of: (t: TargetKind) => pooled.find((l) => l.scenario === scenario && l.target === t),
  }));
}

export function markdown(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `Run ${r.startedAt}${r.quick ? ' (quick: smaller and shorter)' : ''} on ${r.machine}.`,
    '',
  );
  if (r.pinned) {
    out.push(
      `Pinned (\`--pin\`): each server on core ${r.pinned.server}, the load generators and the orchestrator on core${r.pinned.generators.length > 1 ? 's' : ''} ${r.pinned.generators}.`,
      '',
    );
  }
  if (r.variant) {
    out.push(
      `"Chorus variant" is Chorus as shipped with ${
        Object.entries(r.variant)
          .map(([k, v]) => `\`${k}=${v}\``)
          .join(', ') || 'no changes'
      }.`,
      '',
    );
  }

  const pooled = pooledLoad(r.load);
  const multi = pooled.some((l) => l.rounds > 1);
  if (r.load.length > 0) {
    out.push(
      '| Scenario | Server | p50 ms | p95 ms | p99 ms | delivered/s | delivered of expected | lost | diverged docs | server CPU s | server peak RSS MiB | generator CPU per core |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const row = (l: LoadResult, scenario: string) =>
      `| ${scenario} | ${TARGET_LABEL[l.target]} | ${f(l.latencyMs.p50)} | ${f(l.latencyMs.p95)} | ${f(l.latencyMs.p99)} | ${f(l.deliveredPerS, 0)} | ${f((100 * l.delivered) / Math.max(1, l.expectedDeliveries), 1)}% | ${l.lost} | ${l.divergedDocuments} | ${f(l.serverCpuS)} | ${f(l.serverPeakRssMiB, 0)} | ${f(100 * l.generatorCpuPerCore, 0)}% |`;
    for (const l of r.load) {
      out.push(row(l, multi ? `${l.scenario} (round ${l.round})` : l.scenario));
    }
    if (multi) {
      out.push(
        '',
        `**Pooled over the rounds** (quantiles of all rounds' samples together; CPU summed; the last column is the lowest and highest p99 of a single round):`,
        '',
        '| Scenario | Server | p50 ms | p95 ms | p99 ms | delivered/s | delivered of expected | lost | diverged docs | server CPU s | server peak RSS MiB | generator CPU per core | rounds | p99 of one round, ms |',
        '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      );
      for (const l of pooled) {
        out.push(
          `${row(l, l.scenario)} ${l.rounds} | ${f(l.p99Range.min)} to ${f(l.p99Range.max)} |`,
        );
      }
    }
    out.push(
      '',
      `**Chorus against each peer**${multi ? ', pooled over the rounds' : ''} (p99 latency ratio: below 1 is faster; throughput ratio: 1 or more is as good):`,
      '',
    );
    out.push(
      '| Scenario | p99 vs reference | p99 vs Hocuspocus | p99 vs relay | throughput vs reference | throughput vs Hocuspocus | throughput vs relay | saved p50 / p99 ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const { scenario: s, of } of byScenario(pooled)) {
      const c = of('chorus');
      if (!c) continue;
      const cells = PEERS.map((p) => ratio(c.latencyMs.p99, of(p)?.latencyMs.p99));
      const tput = PEERS.map((p) => ratio(c.deliveredPerS, of(p)?.deliveredPerS));
      out.push(
        `| ${s} | ${cells.join(' | ')} | ${tput.join(' | ')} | ${f(c.savedMs?.p50)} / ${f(c.savedMs?.p99)} |`,
      );
    }
    out.push('');
    out.push(...serverShareTable(pooled), '');
    if (r.variant) out.push(...variantTable(pooled), '');
  }

  if (r.cold.length > 0) {
    out.push(
      '| Cold load | Server | build s | new client, document in memory: median ms | new client, loaded from storage: median ms | server: whole document sent to it, median ms | server: load finished, median ms |',
      '|---|---|---:|---:|---:|---:|---:|',
    );
    for (const c of r.cold) {
      out.push(
        `| ${c.edits.toLocaleString('en')} edits | ${TARGET_LABEL[c.target]} | ${f(c.buildS)} | ${f(median(c.warmSyncMs))} | ${f(median(c.coldSyncMs))} | ${f(median(c.serverServedMs))} | ${f(median(c.serverLoadMs))} |`,
      );
    }
    out.push('');
  }

  if (r.idle.length > 0) {
    out.push(
      '| Idle | Server | RSS MiB | per connection KiB | Chorus RSS ratio |',
      '|---|---|---:|---:|---:|',
    );
    const chorus = r.idle.find((i) => i.target === 'chorus');
    for (const i of r.idle) {
      out.push(
        `| ${i.connections.toLocaleString('en')} connections | ${TARGET_LABEL[i.target]} | ${f(i.rssMiB, 0)} | ${f(i.perConnectionKiB)} | ${i.target === 'chorus' ? '' : ratio(chorus?.rssMiB, i.rssMiB)} |`,
      );
    }
    out.push('');
  }

  if (r.bundle) {
    const b = r.bundle;
    out.push(
      `JavaScript shipped: sign-in and workspace pages ${f(b.entryKiB, 0)} KiB (${f(b.entryGzipKiB, 0)} KiB gzip); the editor page adds its lazily loaded chunk, ${f(b.editorKiB, 0)} KiB in all (${f(b.editorGzipKiB, 0)} KiB gzip).`,
      '',
    );
  }
  if (r.failures.length > 0) {
    out.push('**Did not complete:**', '', ...r.failures.map((x) => `- ${x}`), '');
  }
  out.push('**Targets**', '');
  for (const line of targets(r, pooled)) out.push(`- ${line}`);
  out.push('');
  return out.join('\n');
}

/**
 * How much of Chorus's latency its server accounts for: from applying an edit until it
 * was written to the room's sockets (which includes the commit), and the commit alone.
 * What the end-to-end p99 has beyond the server's is spent in the clients' processes
 * and waiting for a core.
 */
function serverShareTable(pooled: readonly PooledLoad[]): string[] {
  const rows = pooled.filter((l) => l.histograms.serverHeld && l.histograms.serverCommit);
  if (rows.length === 0) return [];
  const out = [
    `**Chorus's own share** (from the server's \`sync.latency\` log: an edit held from applying it until it was written to the room's sockets, commit included; one journal commit):`,
    '',
    '| Scenario | Server | end to end p50 / p99 ms | held in the server p50 / p99 ms | commit p50 / p99 ms | edits per commit |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const l of rows) {
    const held = l.histograms.serverHeld ?? {};
    const commit = l.histograms.serverCommit ?? {};
    out.push(
      `| ${l.scenario} | ${TARGET_LABEL[l.target]} | ${f(l.latencyMs.p50)} / ${f(l.latencyMs.p99)} | ${f(quantile(held, 0.5))} / ${f(quantile(held, 0.99))} | ${f(quantile(commit, 0.5))} / ${f(quantile(commit, 0.99))} | ${f(count(held) / Math.max(1, count(commit)), 2)} |`,
    );
  }
  return out;
}

/** Chorus as shipped against its `--variant`, scenario by scenario. */
function variantTable(pooled: readonly PooledLoad[]): string[] {
  const out = [
    '**Chorus as shipped against the variant** (below 1: the shipped settings are faster or cheaper):',
    '',
    '| Scenario | p50 | p95 | p99 | saved p99 | server CPU |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const { scenario: s, of } of byScenario(pooled)) {
    const c = of('chorus');
    const v = of('variant');
    if (!c || !v) continue;
    out.push(
      `| ${s} | ${ratio(c.latencyMs.p50, v.latencyMs.p50)} | ${ratio(c.latencyMs.p95, v.latencyMs.p95)} | ${ratio(c.latencyMs.p99, v.latencyMs.p99)} | ${ratio(c.savedMs?.p99, v.savedMs?.p99)} | ${ratio(c.serverCpuS, v.serverCpuS)} |`,
    );
  }
  return out;
}

const share = (l: LoadResult) => l.delivered / Math.max(1, l.expectedDeliveries);

function targets(r: BenchResults, pooled: readonly PooledLoad[]): string[] {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
  for (const { scenario: s, of } of byScenario(pooled)) {
    const c = of('chorus');
    if (!c) continue;
    for (const p of ['reference', 'hocuspocus'] as const) {
      const peer = of(p);
      if (!peer) continue;
      // The offered load is the same for every server but its random phases make the
      // count sent vary a little, so throughput is compared as the share delivered in time.
      const ok =
        (c.latencyMs.p99 ?? Infinity) <= (peer.latencyMs.p99 ?? 0) &&
        share(c) >= share(peer) - 0.005;
      lines.push(
        `${s}: p99 and throughput no worse than ${TARGET_LABEL[p]}: ${mark(ok)} (p99 ${f(c.latencyMs.p99)} vs ${f(peer.latencyMs.p99)} ms; ${f(100 * share(c))}% vs ${f(100 * share(peer))}% delivered in time)`,
      );
    }
    const relay = of('relay');
    if (relay && s !== 'many documents') {
      const ok = (c.latencyMs.p99 ?? Infinity) <= 2 * (relay.latencyMs.p99 ?? 0);
      lines.push(
        `${s}: p99 within 2× the raw relay: ${mark(ok)} (${ratio(c.latencyMs.p99, relay.latencyMs.p99)})`,
      );
    }
    if (c.rounds > 1) {
      lines.push(
        `${s}: judged on ${c.rounds} rounds pooled; Chorus's p99 in a single round ranged from ${f(c.p99Range.min)} to ${f(c.p99Range.max)} ms`,
      );
    }
    if (s === 'workshop' && c.savedMs) {
      lines.push(
        `workshop: saved confirmation p99 ≤ 25 ms: ${mark((c.savedMs.p99 ?? Infinity) <= 25)} (${f(c.savedMs.p99)} ms)`,
      );
    }
    lines.push(
      `${s}: Chorus lost ${c.lost} edits and ${c.divergedDocuments} documents diverged${c.lost + c.divergedDocuments === 0 ? '' : ' **(must be 0)**'}`,
    );
  }
  const cold = r.cold.find((c) => c.target === 'chorus');
  if (cold?.serverServedMs) {
    const m = median(cold.serverServedMs) ?? Infinity;
    lines.push(
      `cold load of ${cold.edits.toLocaleString('en')} edits ≤ 150 ms on the server (until the new client is sent the whole document): ${mark(m <= 150)} (${f(m)} ms; the server finished its own load at ${f(median(cold.serverLoadMs ?? []))} ms)`,
    );
  }
  const idle = r.idle.find((i) => i.target === 'chorus');
  if (idle) {
    lines.push(
      idle.connections >= 10_000
        ? `${idle.connections.toLocaleString('en')} idle connections within 1 GiB: ${mark(idle.rssMiB <= 1024)} (${f(idle.rssMiB, 0)} MiB)`
        : `idle connections: only ${idle.connections.toLocaleString('en')} in this run (${f(idle.rssMiB, 0)} MiB); the 10,000 target is checked by the full run`,
    );
  }
  return lines;
}
