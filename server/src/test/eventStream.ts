import { TEST_ORIGIN } from './testServer.ts';

export interface ServerEvent {
  event: string;
  data: string;
}

export interface TestEventStream {
  status: number;
  /** Every event received so far, in order. */
  events: ServerEvent[];
  /** Resolves with the first event named `name` after the `after`-th one, or rejects. */
  next(name: string, options?: { after?: number; timeoutMs?: number }): Promise<ServerEvent>;
  /** Resolves once the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens a server-sent event stream as a browser's EventSource would (with the session
 * cookie) and parses what arrives, so a test can wait for a named event.
 */
export async function openEventStream(
  baseUrl: string,
  path: string,
  cookie: string,
): Promise<TestEventStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api${path}`, {
    headers: { cookie, origin: TEST_ORIGIN, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  const events: ServerEvent[] = [];
  const waiters = new Set<() => void>();
  const arrived = () => {
    for (const waiter of waiters) waiter();
  };
  let done = false;
  const ended = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          // A block of comments only (the keep-alive) is no event.
          if (block.split('\n').some((l) => l.startsWith('event:') || l.startsWith('data:'))) {
            events.push({ event, data: data.join('\n') });
            arrived();
          }
        }
      }
    } catch {
      // Aborted by `close`.
    } finally {
      done = true;
      arrived();
    }
  })();
  return {
    status: res.status,
    events,
    ended,
    close: () => abort.abort(),
    next(name, { after = 0, timeoutMs = 5_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(after).find((e) => e.event === name);
          if (found || done) {
            clearTimeout(timer);
            waiters.delete(check);
            if (found) resolve(found);
            else reject(new Error(`the stream ended without "${name}": ${JSON.stringify(events)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no "${name}" within ${timeoutMs} ms: ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
