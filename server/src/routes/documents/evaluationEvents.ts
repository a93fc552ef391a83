import { ErrorId } from '@chorus/shared';
import { Hono, type MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.ts';
import { authorizeDocument } from '../../http/authorize.ts';
import { changeStream } from '../../http/changeStream.ts';
import type { AppEnv } from '../../http/env.ts';
import { checkDocumentAccess } from '../../services/access.ts';
import { forPanel } from '../../services/evaluations/guards.ts';

/** Streams one account may hold open on one process (a person with many tabs). */
export const MAX_STREAMS_PER_PERSON = 10;

/**
 * After every write to an evaluation (its scoring, declarations, bids' files and
 * clarifications) that succeeded, tells everyone following it, on every process, that it
 * changed. Mounted once in app.ts for `/documents/:id/evaluation/*`.
 */
export const announceEvaluationChanges: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.res.status >= 400) return;
  // A score saved while scoring changes nobody else's page (each evaluator sees only their
  // own), and announcing it would tell the panel when each evaluator works.
  if (c.req.method === 'PUT' && /\/evaluation\/scores\//.test(c.req.path)) return;
  const documentId = c.req.param('id');
  if (documentId) c.var.services.live?.notify(documentId, 'evaluation');
};

/**
 * The scoring page's live updates: a server-sent event stream that says `changed` whenever
 * the evaluation changed, so the page fetches it again at once (through the routes that
 * decide what this person may see) instead of asking every few seconds. It carries nothing
 * else, so it cannot leak a score, and only those who may open the scoring page (its panel
 * and the document's owners) may follow it. Each wake-up checks again that the session is
 * current and the person may still open the scoring, and ends the stream (`ended`, with
 * why) if not; the stream also ends after ten minutes and when the server stops, and the
 * browser opens it again after `RETRY_MS`.
 */
export const evaluationEventRoutes = new Hono<AppEnv>().get('/:id/evaluation/events', async (c) => {
  const { document, user, permission } = await authorizeDocument(c, 'document.view');
  const { session } = c.var.auth ?? {};
  if (!session) throw new AppError(ErrorId.unauthenticated, 'Sign in to continue.');
  const { notices, sessions, storage, accessEvents } = c.var.services;
  // Followed by those who may open the scoring page: its panel and the document's owners.
  await forPanel(storage, document, { userId: user.id, permission });
  if (notices.listenersOf(user.id) >= MAX_STREAMS_PER_PERSON) {
    throw new AppError(
      ErrorId.tooManyRequests,
      `You have ${MAX_STREAMS_PER_PERSON} scoring pages open already. Close some of them; this page checks for changes every few seconds meanwhile.`,
    );
  }
  return changeStream(c, {
    sessionId: session.id,
    sessions,
    follow: async (signals) => [
      await notices.listen(document.id, user.id, (topic) => {
        if (topic === 'evaluation') signals.changed();
      }),
      notices.onClose(signals.stop),
      // Checked again at once when the person's access may have changed, on any process.
      accessEvents.onChangeAnywhere((change) => {
        if (change.workspaceId !== document.workspaceId || change.textOnly) return;
        if (change.userId === undefined || change.userId === user.id) signals.recheck();
      }),
    ],
    allowed: async () => {
      const access = await checkDocumentAccess(storage, user.id, document.id, 'document.view');
      if (!access.ok) return 'You can no longer open this document. Ask an owner of the workspace.';
      const onPanel = await forPanel(storage, access.document, {
        userId: user.id,
        permission: access.permission,
      }).then(
        () => true,
        () => false,
      );
      return onPanel ? null : 'You are no longer on this evaluation’s panel. Ask the chair.';
    },
  });
});
