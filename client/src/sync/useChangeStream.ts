import { useEffect, useRef, useState } from 'react';

/** How long to wait before trying a stream again that the server refused or that broke. */
const RETRY_MS = 60_000;

/**
 * Follows one of the server's change streams (`server/src/http/changeStream.ts`) while the
 * page is visible: calls `onChange` when the server says something changed, and whenever
 * the stream (re)opens, since changes made while it was closed were not heard; calls
 * `onEnded` once if the server ends it for good (signed out, access removed). Returns
 * whether the stream is open; while it is not, the page falls back to asking every few
 * seconds. A hidden page closes its stream, so background tabs hold no connection.
 */
export function useChangeStream(url: string, onChange: () => void, onEnded?: () => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef({ onChange, onEnded });
  latest.current = { onChange, onEnded };

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    // The server said this person may no longer follow it (signed out, access removed).
    let ended = false;
    const close = () => {
      source?.close();
      source = null;
      setLive(false);
    };
    const open = () => {
      // A stream the server refused is tried again only when its wait is over.
      if (source || ended || retry || document.visibilityState !== 'visible') return;
      const es = new EventSource(url);
      source = es;
      es.addEventListener('ready', () => {
        setLive(true);
        latest.current.onChange();
      });
      es.addEventListener('changed', () => latest.current.onChange());
      es.addEventListener('ended', () => {
        ended = true;
        close();
        latest.current.onEnded?.();
      });
      es.addEventListener('error', () => {
        // The browser opens it again by itself unless the server refused it (CLOSED).
        if (es.readyState === EventSource.OPEN) return;
        setLive(false);
        if (es.readyState === EventSource.CLOSED && source === es) {
          source = null;
          retry ??= setTimeout(() => {
            retry = null;
            open();
          }, RETRY_MS);
        }
      });
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') open();
      else close();
    };
    open();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      if (retry) clearTimeout(retry);
      close();
    };
  }, [url]);

  return live;
}
