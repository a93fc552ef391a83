/** A token bucket: `rate` tokens per second, holding at most `burst`. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes `n` tokens if there are enough; false (and nothing taken) if not. */
  take(n = 1): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.rate);
    this.#last = t;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }
}

export interface RateLimits {
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Bytes a connection may send at once; at least one maximal frame. */
  bytesBurst: number;
}

/** Message and byte budgets for one connection and for one account across its connections. */
export class TrafficLimiter {
  readonly #accounts = new Map<
    string,
    { messages: TokenBucket; bytes: TokenBucket; users: number }
  >();

  constructor(private readonly limits: RateLimits) {}

  /** A budget for a new connection of `accountId`; call `release` when it closes. */
  open(accountId: string): { allow(bytes: number): boolean; release(): void } {
    const l = this.limits;
    let account = this.#accounts.get(accountId);
    if (!account) {
      // An account gets twice one connection's budget, shared by all its connections.
      account = {
        messages: new TokenBucket(l.messagesPerSecond * 2, l.messagesPerSecond * 4),
        bytes: new TokenBucket(l.bytesPerSecond * 2, l.bytesBurst * 2),
        users: 0,
      };
      this.#accounts.set(accountId, account);
    }
    account.users++;
    const shared = account;
    const messages = new TokenBucket(l.messagesPerSecond, l.messagesPerSecond * 2);
    const bytes = new TokenBucket(l.bytesPerSecond, l.bytesBurst);
    let released = false;
    return {
      allow: (n) =>
        messages.take() && bytes.take(n) && shared.messages.take() && shared.bytes.take(n),
      release: () => {
        if (released) return;
        released = true;
        shared.users--;
        if (shared.users === 0) this.#accounts.delete(accountId);
      },
    };
  }
}

/** Counts open connections per key (an account, an IP address) against a cap. */
export class ConnectionCaps {
  readonly #counts = new Map<string, number>();

  constructor(private readonly cap: number) {}

  /** Reserves a place for `key`; returns a release function, or null if the cap is reached. */
  acquire(key: string): (() => void) | null {
    const n = this.#counts.get(key) ?? 0;
    if (n >= this.cap) return null;
    this.#counts.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#counts.get(key) ?? 1) - 1;
      if (left <= 0) this.#counts.delete(key);
      else this.#counts.set(key, left);
    };
  }
}
