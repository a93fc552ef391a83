import { useCallback, useEffect, useRef, useState } from 'react';
import { useChangeStream } from '../../sync/useChangeStream.ts';
import { announcementOf, fetchNotifications, type Notifications } from './notificationsApi.ts';

/** How often the list is fetched while the event stream is not open (refused or broken). */
const POLL_MS = 10_000;
/** A backstop while the stream is open: a notice lost on the way is noticed within this. */
const LIVE_POLL_MS = 60_000;

export interface NotificationsState {
  notifications: Notifications | null;
  /** The latest arrival to announce politely, or '' (cleared so one can be said twice). */
  announcement: string;
  /** Fetches the list again at once. */
  refresh: () => void;
  /** Replaces the list with one the server answered (after marking read). */
  replace: (next: Notifications) => void;
}

/**
 * The signed-in person's mentions, kept current: the server's notification stream
 * (`GET /api/me/notifications/events`) says when they changed and the list is fetched
 * again; while the stream is not open (refused, broken, or the page hidden) the list is
 * fetched every few seconds instead. A mention that arrives after the first fetch, and is
 * unread, is announced once: the ids already seen are remembered, so fetching the same list
 * again (another tab marking it read, a reconnect) says nothing.
 */
export function useNotifications(): NotificationsState {
  const [notifications, setNotifications] = useState<Notifications | null>(null);
  const [announcement, setAnnouncement] = useState('');
  /** The session ended (the stream said so): nothing more is asked for. */
  const [stopped, setStopped] = useState(false);
  const seen = useRef<Set<string> | null>(null);
  const fetching = useRef(false);
  const again = useRef(false);

  const take = useCallback((next: Notifications) => {
    const known = seen.current;
    if (known) {
      const arrived = next.mentions.filter((m) => !m.read && !known.has(m.id));
      const said = announcementOf(arrived);
      if (said) {
        // Cleared first, so the same words said again are announced again.
        setAnnouncement('');
        setTimeout(() => setAnnouncement(said), 100);
      }
    }
    seen.current = new Set([...(known ?? []), ...next.mentions.map((m) => m.id)]);
    setNotifications(next);
  }, []);

  const refresh = useCallback(() => {
    // One fetch at a time; a change heard meanwhile fetches once more after it.
    if (fetching.current) {
      again.current = true;
      return;
    }
    fetching.current = true;
    fetchNotifications()
      .then(take, () => {
        // Kept as it was: the next notice or poll tries again.
      })
      .finally(() => {
        fetching.current = false;
        if (again.current) {
          again.current = false;
          refresh();
        }
      });
  }, [take]);

  // The event stream; the session ended, asking again would only be refused.
  const live = useChangeStream('/api/me/notifications/events', refresh, () => setStopped(true));
  useEffect(() => {
    refresh();
  }, [refresh]);

  // Polling: often while the stream is not open, rarely as a backstop while it is.
  useEffect(() => {
    if (stopped) return;
    const timer = setInterval(
      () => {
        if (document.visibilityState === 'visible') refresh();
      },
      live ? LIVE_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [live, refresh, stopped]);

  return { notifications, announcement, refresh, replace: take };
}
