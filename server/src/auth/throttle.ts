/** Counts failed sign-ins per key (an IP address or an account) in a sliding window. */
export interface Throttle {
  /** Milliseconds until the key may try again, or 0 if it may try now. */
  retryAfter(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

/**
 * The throttle of one process, in memory: a restart forgets failures, which is acceptable
 * for one process. Processes joined through Redis count together (`cluster/redisThrottle.ts`).
 */
export class FailureThrottle implements Throttle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async retryAfter(key: string): Promise<number> {
    const recent = this.#recent(key);
    if (recent.length < this.maxFailures) return 0;
    const oldest = recent[recent.length - this.maxFailures] ?? this.now();
    return Math.max(0, oldest + this.windowMs - this.now());
  }

  async recordFailure(key: string): Promise<void> {
    const recent = this.#recent(key);
    recent.push(this.now());
    this.#failures.set(key, recent);
    if (this.#failures.size > 100_000) this.#sweep();
  }

  async reset(key: string): Promise<void> {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  #sweep(): void {
    const cutoff = this.now() - this.windowMs;
    for (const [key, times] of this.#failures) {
      if (times.every((t) => t <= cutoff)) this.#failures.delete(key);
    }
  }
}
