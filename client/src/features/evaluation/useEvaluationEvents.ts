import { useEffect, useRef, useState } from 'react';

/** How long to wait before trying a stream again that the server refused or that broke. */
const RETRY_MS = 60_000;

/**
 * Follows an evaluation's event stream (`GET …/evaluation/events`) while the page is
 * visible, and calls `onChange` when anyone changed the evaluation and whenever the stream
 * (re)opens, since changes made while it was closed were not heard. Returns whether the
 * stream is open; while it is not, the page falls back to asking every few seconds. A
 * hidden page closes its stream, so background tabs hold no connection.
 */
export function useEvaluationEvents(documentId: string, onChange: () => void): boolean {
  const [live, setLive] = useState(false);
  const latest = useRef(onChange);
  latest.current = onChange;

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
      const es = new EventSource(
        `/api/documents/${encodeURIComponent(documentId)}/evaluation/events`,
      );
      source = es;
      es.addEventListener('ready', () => {
        setLive(true);
        latest.current();
      });
      es.addEventListener('changed', () => latest.current());
      es.addEventListener('ended', () => {
        ended = true;
        close();
        latest.current();
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
  }, [documentId]);

  return live;
}
