import { ErrorId, markNotificationsReadSchema } from '@chorus/shared';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { changeStream } from '../../http/changeStream.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';
import { listNotifications, markNotificationsRead } from '../../services/notifications.ts';

/** Notification streams one account may hold open on one process (one per open tab). */
export const MAX_NOTIFICATION_STREAMS = 10;

/**
 * The signed-in person's notifications: mentions of them in every workspace they belong to
 * (`GET`), marking them read (`POST …/read`), and a stream that says `changed` when their
 * mentions changed, so their pages fetch the list again at once (`GET …/events`).
 */
export const notificationRoutes = new Hono<AppEnv>()
  .get('/notifications', async (c) => {
    const { user } = requireAuth(c);
    return c.json(await listNotifications(c.var.services.storage, user.id));
  })
  .post('/notifications/read', async (c) => {
    const { user } = requireAuth(c);
    const input = await parseJson(c, markNotificationsReadSchema);
    const { storage, people } = c.var.services;
    const marked = await markNotificationsRead(storage, user.id, input, Date.now());
    // The person's other tabs show the new count too.
    if (marked > 0) people.publish([user.id]);
    return c.json({ marked, ...(await listNotifications(storage, user.id)) });
  })
  /**
   * Like the scoring page's stream (`evaluationEvents.ts`), this carries nothing but
   * `changed`: no name, no comment, no document. Each wake-up checks again that the
   * session is current and ends the stream (`ended`) if not; sign-out ends it at once. It
   * also ends after ten minutes and when the server stops, and the browser opens it again.
   */
  .get('/notifications/events', async (c) => {
    const { session, user } = requireAuth(c);
    const { people, sessions, accessEvents, storage } = c.var.services;
    if (people.listenersOf(user.id) >= MAX_NOTIFICATION_STREAMS) {
      throw new AppError(
        ErrorId.tooManyRequests,
        `You have ${MAX_NOTIFICATION_STREAMS} Chorus pages open already. Close some of them; this page checks for mentions every minute meanwhile.`,
      );
    }
    // The workspaces the person is in, for telling which access changes concern them.
    let workspaces = new Set<string>();
    const refreshWorkspaces = async () => {
      workspaces = new Set((await storage.workspaces.listForUser(user.id)).map((w) => w.id));
    };
    await refreshWorkspaces();
    return changeStream(c, {
      sessionId: session.id,
      sessions,
      follow: async (signals) => [
        await people.listen(user.id, signals.changed),
        people.onClose(signals.stop),
        // Access given or taken away changes which mentions the person may see, on any
        // process; a document closed or reopened, or a change in a workspace they are not
        // in, does not (and would otherwise wake every stream of the process).
        accessEvents.onChangeAnywhere((change) => {
          if (change.textOnly) return;
          if (change.userId !== undefined && change.userId !== user.id) return;
          if (change.userId === undefined && !workspaces.has(change.workspaceId)) return;
          if (change.userId === user.id) void refreshWorkspaces();
          signals.changed();
        }),
      ],
    });
  });
