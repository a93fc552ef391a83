import type { Logger } from '../logger.ts';
import type { SessionService, SessionStanding } from './sessions.ts';

/** Sessions with open connections, each with when an edit over one last changed a document. */
export type OpenSessions = () => ReadonlyMap<string, number>;

/** Session checks between two yields to the event loop, so a big sweep never stalls it. */
const CHECKS_PER_TURN = 100;

/**
 * Ends sessions whose connections are still open when they expire: a WebSocket is
 * authenticated once, at its upgrade, so without this an open socket would outlive its
 * session. One periodic sweep over the sessions with open connections, with no timer per
 * connection or message. Where each session stands (last use, end) is kept in memory, so a
 * sweep reads storage only for a session it has not seen yet, one whose end has come, and
 * one whose connections have edited for `touchEveryMs` since its use was last recorded.
 *
 * An edit that changes a document counts as use of the session, as a request does, so a
 * person typing in an open document is not signed out under them. Merely having a
 * document open does not (clients renew their presence by themselves every 15 s), so an
 * unattended open tab idles out. The absolute lifetime ends a session however it is used.
 * Ending one goes through SessionService like any other end, so its listeners close the
 * sockets (4401).
 */
export class SessionExpiryWatch {
  readonly #standing = new Map<string, SessionStanding>();
  #timer: NodeJS.Timeout | null = null;
  /** A sweep at the next known end, when it comes before the next periodic one. */
  #atNextEnd: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> | null = null;
  /** When the last sweep began: ends up to then were due in it (settled, or left to retry). */
  #lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sessions: SessionService,
    private readonly open: OpenSessions,
    private readonly checkEveryMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), this.checkEveryMs);
    this.#timer.unref();
  }

  #tick(): void {
    // A sweep still running (a slow disk) is not overlapped by the next.
    this.#sweeping ??= this.sweep()
      // A sweep that fails is tried again at the next tick, never left unhandled.
      .catch((err: unknown) =>
        this.logger.log('error', 'session.check_failed', { error: String(err) }),
      )
      .finally(() => {
        this.#sweeping = null;
        this.#wakeAtNextEnd();
      });
  }

  /**
   * The periodic sweep alone would close a socket up to one period after its session
   * ended. Each session's end is known from the last sweep, so the soonest one due before
   * the next period gets a sweep of its own, on time.
   */
  #wakeAtNextEnd(): void {
    if (this.#atNextEnd) clearTimeout(this.#atNextEnd);
    this.#atNextEnd = null;
    if (!this.#timer) return;
    const t = this.now();
    let soonest = Number.POSITIVE_INFINITY;
    // An end the last sweep already saw as due is one it could not settle (storage failing):
    // the periodic sweep retries it, rather than a tight loop of immediate ones. An end that
    // passed while that sweep ran (a slow disk) was not due in it: it is due now.
    for (const { endsAt } of this.#standing.values()) {
      if (endsAt > this.#lastSweepAt) soonest = Math.min(soonest, endsAt);
    }
    const wait = soonest - t;
    if (wait >= this.checkEveryMs) return;
    // Timers may fire a millisecond early; the session must be over when it is checked.
    this.#atNextEnd = setTimeout(() => this.#tick(), Math.max(0, wait) + 5);
    this.#atNextEnd.unref();
  }

  /**
   * A socket of this session just opened: its end is known now, not only at the next
   * sweep, so a session that ends before that sweep still closes its socket on time.
   */
  learn(sessionId: string, standing: SessionStanding): void {
    const known = this.#standing.get(sessionId);
    // A sweep may already know a later use than the upgrade read.
    if (known && known.lastUsedAt >= standing.lastUsedAt) return;
    this.#standing.set(sessionId, standing);
    if (!this.#sweeping) this.#wakeAtNextEnd();
  }

  /** Stops sweeping and waits for a sweep in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#atNextEnd) clearTimeout(this.#atNextEnd);
    this.#atNextEnd = null;
    await this.#sweeping;
  }

  /**
   * Reads every open connection's session again, forgetting what was known of them: a
   * session may have ended through another server process while this one could not hear it.
   */
  async recheckAll(): Promise<void> {
    this.#standing.clear();
    await this.sweep();
  }

  /** Checks the sessions of open connections once; ends those that are over. */
  async sweep(): Promise<void> {
    const open = this.open();
    for (const id of this.#standing.keys()) if (!open.has(id)) this.#standing.delete(id);
    const t = this.now();
    this.#lastSweepAt = t;
    const due: [string, number][] = [];
    for (const [id, usedAt] of open) {
      const known = this.#standing.get(id);
      if (!known || t >= known.endsAt || usedAt - known.lastUsedAt >= this.sessions.touchEveryMs) {
        due.push([id, usedAt]);
      }
    }
    let checked = 0;
    for (const [id, usedAt] of due) {
      if (++checked % CHECKS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
      try {
        const standing = await this.sessions.renew(id, usedAt);
        if (standing) this.#standing.set(id, standing);
        else this.#standing.delete(id);
      } catch (err) {
        // Tried again at the next sweep.
        this.logger.log('error', 'session.check_failed', { error: String(err) });
      }
    }
  }
}
