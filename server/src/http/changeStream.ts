import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SessionService } from '../auth/sessions.ts';
import type { AppEnv } from './env.ts';
import { Wakeup } from './wakeup.ts';

/** A comment line this often keeps proxies from closing a quiet stream. */
export const KEEPALIVE_MS = 25_000;
/** A stream ends after this and the browser opens another, checked afresh from the start. */
const MAX_STREAM_MS = 10 * 60_000;
/** How long a browser waits before opening the stream again after it ended. */
const RETRY_MS = 2_000;

/** What a stream's sources call: something changed, or check again that it may go on. */
export interface StreamSignals {
  changed(): void;
  recheck(): void;
  /** The server is stopping: end now, without a last word. */
  stop(): void;
}

/**
 * A server-sent event stream that says only `changed` (and `ready` when it opens, so the
 * page fetches what changed while it had none): the page then fetches through the routes
 * that decide what this person may see, so nothing can leak on the stream itself. Each
 * wake-up checks again that the session is current (holding the stream open is not use of
 * it) and then `allowed`, and ends with why (`ended`) when either fails. It also ends after
 * ten minutes, when the page goes and when the server stops; the browser opens it again.
 */
export function changeStream(
  c: Context<AppEnv>,
  options: {
    sessionId: string;
    sessions: SessionService;
    /** Starts the stream's sources; resolves with what stops them. */
    follow: (signals: StreamSignals) => Promise<(() => void)[]>;
    /** Null to go on, or why the person may no longer follow this. */
    allowed?: () => Promise<string | null>;
  },
): Response {
  return streamSSE(c, async (stream) => {
    const wakeup = new Wakeup();
    let changed = false;
    let stopping = false;
    const stops = await options.follow({
      changed: () => {
        changed = true;
        wakeup.wake();
      },
      recheck: () => wakeup.wake(),
      stop: () => {
        stopping = true;
        wakeup.wake();
      },
    });
    stops.push(
      options.sessions.onEnd((ids) => {
        if (ids.includes(options.sessionId)) wakeup.wake();
      }),
    );
    stream.onAbort(() => wakeup.wake());
    const until = Date.now() + MAX_STREAM_MS;
    try {
      await stream.writeSSE({ event: 'ready', data: '', retry: RETRY_MS });
      for (;;) {
        await wakeup.wait(Math.min(KEEPALIVE_MS, Math.max(0, until - Date.now())));
        if (stream.aborted || stopping || Date.now() >= until) break;
        const standing = await options.sessions.renew(options.sessionId, 0);
        const why =
          !standing || standing.endsAt <= Date.now()
            ? 'Your session has ended. Sign in again.'
            : ((await options.allowed?.()) ?? null);
        if (why !== null) {
          await stream.writeSSE({ event: 'ended', data: why });
          break;
        }
        if (changed) {
          changed = false;
          await stream.writeSSE({ event: 'changed', data: '' });
        } else {
          await stream.write(': still here\n\n');
        }
      }
    } finally {
      for (const stop of stops) stop();
    }
  });
}
