import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { Link } from '../../routes/Link.tsx';
import { Button } from '../../ui/Button.tsx';
import { type MentionNotification, markNotificationsRead, threadHref } from './notificationsApi.ts';
import { useNotifications } from './useNotifications.ts';

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The header's Notifications button and the panel it shows and hides (the WAI-ARIA
 * disclosure pattern): the person's mentions in all their workspaces, newest first, unread
 * ones marked in words. Opening the panel moves focus to its heading; Escape or "Close"
 * hides it and puts focus back on the button, and focus or a click elsewhere hides it. New mentions are announced politely as they
 * arrive, whether or not the panel is open.
 */
export function NotificationsMenu() {
  const { notifications, announcement, replace } = useNotifications();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const panelId = useId();
  const headingId = useId();
  const unread = notifications?.unread ?? 0;

  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) heading.current?.focus();
  }, [open]);

  // The panel lies over the page: once focus or a click goes elsewhere it hides, so it
  // never covers what has focus (WCAG 2.4.11).
  useEffect(() => {
    if (!open) return;
    const elsewhere = (event: Event) => {
      if (event.target instanceof Node && !menu.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', elsewhere);
    document.addEventListener('focusin', elsewhere);
    return () => {
      document.removeEventListener('pointerdown', elsewhere);
      document.removeEventListener('focusin', elsewhere);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };
  const mark = async (ids: string[]) => {
    setProblem(null);
    try {
      replace(await markNotificationsRead({ ids }));
    } catch (error) {
      setProblem(
        error instanceof Error && error.message
          ? `Could not mark them read: ${error.message}`
          : 'Could not mark them read. Try again.',
      );
    }
  };
  const markAll = async () => {
    const ids = (notifications?.mentions ?? []).filter((m) => !m.read).map((m) => m.id);
    if (ids.length === 0) return;
    setBusy(true);
    await mark(ids);
    setBusy(false);
  };
  // Following the link opens the thread; it is read from then on.
  const openOne = (m: MentionNotification) => {
    setOpen(false);
    if (!m.read) void mark([m.id]);
  };

  return (
    <div className="notifications" ref={menu}>
      <button
        ref={button}
        type="button"
        className="button button--secondary notifications__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {/* The count in words, visible and in the name alike ("Notifications, 2 unread"). */}
        Notifications,{' '}
        <span className={unread > 0 ? 'notifications__count' : undefined}>{unread}</span> unread
      </button>
      {/* Always in the page, so a screen reader hears what is put in it later. */}
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
      <section
        id={panelId}
        hidden={!open}
        aria-labelledby={headingId}
        className="notifications__panel"
        onKeyDown={onKeyDown}
      >
        <h2 id={headingId} ref={heading} tabIndex={-1} className="notifications__heading">
          Notifications
        </h2>
        <p>Comments that mention you, in threads not yet resolved, in all your workspaces.</p>
        <div className="button-row">
          {unread > 0 ? (
            <Button variant="secondary" busy={busy} onClick={markAll}>
              Mark all as read
            </Button>
          ) : null}
          <Button variant="quiet" onClick={close}>
            Close notifications
          </Button>
        </div>
        {problem ? (
          <p role="alert" className="notifications__problem">
            {problem}
          </p>
        ) : null}
        {notifications === null ? (
          <p>Loading your notifications…</p>
        ) : notifications.mentions.length === 0 ? (
          <p>No one has mentioned you in an open comment thread.</p>
        ) : (
          <ul className="notifications__list" aria-label="Mentions of you, newest first">
            {notifications.mentions.map((m) => (
              <li
                key={m.id}
                className={m.read ? 'notification' : 'notification notification--unread'}
              >
                <Link
                  href={threadHref(m)}
                  className="notification__link"
                  onClick={() => openOne(m)}
                >
                  {m.read ? null : <span className="notification__tag">Unread: </span>}
                  {m.byName} mentioned you in “{m.documentTitle}”
                </Link>
                <span className="notification__meta">
                  On “{m.quote}”, in {m.workspaceName}, <time dateTime={m.at}>{when(m.at)}</time>
                </span>
                <p className="notification__body">{m.body}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
