/**
 * How long the sync server holds an edit before others see it, and how much of that is
 * the journal commit. The benchmark measures latency end to end, across the clients'
 * processes and the machine's scheduler; these figures are the server's own share, so a
 * slow p99 can be pinned on the server or cleared of it (README: Performance).
 *
 * Durations go into tenths-of-a-millisecond buckets, the same sparse histogram the
 * benchmark uses, so its runs can pool the server's figures as they pool the clients'.
 * Recording into an existing bucket allocates nothing.
 */

/** Longer waits all land in the last bucket: a minute is already an outage. */
const MAX_BUCKET = 600_000;

export class DurationHistogram {
  readonly #buckets = new Map<number, number>();
  #count = 0;
  #max = 0;

  record(ms: number): void {
    const bucket = Math.min(MAX_BUCKET, Math.max(0, Math.round(ms * 10)));
    this.#buckets.set(bucket, (this.#buckets.get(bucket) ?? 0) + 1);
    this.#count++;
    // Capped as the buckets are, so the maximum never disagrees with the quantiles.
    this.#max = Math.max(this.#max, bucket / 10);
  }

  get count(): number {
    return this.#count;
  }

  /** The q-quantile (0..1) in milliseconds, to a tenth; 0 when nothing was recorded. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (const bucket of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      seen += this.#buckets.get(bucket) ?? 0;
      if (seen >= rank) return bucket / 10;
    }
    return MAX_BUCKET / 10;
  }

  /** Bucket (tenths of a millisecond, as a string key) to count, for a log line. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#buckets].map(([k, v]) => [String(k), v]));
  }

  summary(): DurationSummary {
    return {
      count: this.#count,
      p50: this.quantile(0.5),
      p99: this.quantile(0.99),
      max: this.#max,
    };
  }
}

export interface DurationSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** The fields of a `sync.latency` log line. */
export interface LatencyReport {
  heldMs: DurationSummary;
  commitMs: DurationSummary;
  rowsPerCommit: number;
  heldHistogram: Record<string, number>;
  commitHistogram: Record<string, number>;
}

/**
 * The sync server's latency since it started: logged as `sync.latency`. It covers the
 * whole life of the process, not a chosen window (the benchmark's figures include its
 * set-up and settling, which carry few edits).
 */
export class SyncLatency {
  /** From applying an edit until it was written to every other connection of its room. */
  readonly held = new DurationHistogram();
  /** One journal commit (every room's edits of one event-loop turn, written and synced). */
  readonly commit = new DurationHistogram();
  #rows = 0;

  committed(ms: number, rows: number): void {
    this.commit.record(ms);
    this.#rows += rows;
  }

  /** Fields of the `sync.latency` log line; the histograms let a reader pool several runs. */
  report(): LatencyReport {
    return {
      heldMs: this.held.summary(),
      commitMs: this.commit.summary(),
      rowsPerCommit:
        this.commit.count === 0 ? 0 : Math.round((this.#rows / this.commit.count) * 100) / 100,
      heldHistogram: this.held.toJSON(),
      commitHistogram: this.commit.toJSON(),
    };
  }
}
