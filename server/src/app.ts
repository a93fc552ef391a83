import fs from 'node:fs';
import path from 'node:path';
import { CONFIRM_EMAIL_PATH, ErrorId } from '@chorus/shared';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './errors.ts';
import type { AppEnv } from './http/env.ts';
import { loadSession, sameOriginOnly, securityHeaders } from './http/middleware.ts';
import { accountRoutes } from './routes/account/accountRoutes.ts';
import { auditRoutes } from './routes/audit/auditRoutes.ts';
import { authRoutes } from './routes/auth/authRoutes.ts';
import { attributionRoutes } from './routes/documents/attributionRoutes.ts';
import { bidDocumentRoutes, isBidDocumentUpload } from './routes/documents/bidDocumentRoutes.ts';
import { commentRoutes } from './routes/documents/commentRoutes.ts';
import { documentRoutes } from './routes/documents/documentRoutes.ts';
import {
  announceEvaluationChanges,
  evaluationEventRoutes,
} from './routes/documents/evaluationEvents.ts';
import { evaluationRoutes } from './routes/documents/evaluationRoutes.ts';
import { exportRoutes } from './routes/documents/exportRoutes.ts';
import { lifecycleRoutes } from './routes/documents/lifecycleRoutes.ts';
import { versionRoutes } from './routes/documents/versionRoutes.ts';
import { healthRoutes } from './routes/health/healthRoutes.ts';
import { inviteRoutes } from './routes/invites/inviteRoutes.ts';
import { emailConfirmationRoutes } from './routes/me/emailConfirmationRoutes.ts';
import { notificationRoutes } from './routes/me/notificationRoutes.ts';
import { preferenceRoutes } from './routes/me/preferenceRoutes.ts';
import { memberRoutes } from './routes/members/memberRoutes.ts';
import { workspaceRoutes } from './routes/workspaces/workspaceRoutes.ts';
import type { Services } from './services/index.ts';

/** Composes the HTTP app: middleware, API routers, the built client and one error mapping. */
export function createApp(services: Services) {
  const { config } = services;
  const app = new Hono<AppEnv>();

  app.use('*', securityHeaders(config));
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });

  const api = new Hono<AppEnv>();
  api.use('*', sameOriginOnly(config));
  const smallBodies = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new AppError(ErrorId.badRequest, 'The request is too large (over 64 KiB).');
    },
  });
  // Every request but a bid document's upload, which has its own, larger limit on its route.
  api.use('*', (c, next) =>
    isBidDocumentUpload(c.req.method, c.req.path) ? next() : smallBodies(c, next),
  );
  api.use('*', loadSession());
  api.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  // Pages following an evaluation hear of every change to it (its event stream).
  api.use('/documents/:id/evaluation/*', announceEvaluationChanges);
  api.route('/', healthRoutes);
  api.route('/auth', authRoutes);
  api.route('/account', accountRoutes);
  api.route('/me', notificationRoutes);
  api.route('/me', preferenceRoutes);
  api.route('/me', emailConfirmationRoutes);
  api.route('/workspaces', workspaceRoutes);
  api.route('/workspaces', memberRoutes);
  api.route('/workspaces', auditRoutes);
  api.route('/', inviteRoutes);
  api.route('/documents', documentRoutes);
  api.route('/documents', attributionRoutes);
  api.route('/documents', exportRoutes);
  api.route('/documents', versionRoutes);
  api.route('/documents', evaluationRoutes);
  api.route('/documents', evaluationEventRoutes);
  api.route('/documents', bidDocumentRoutes);
  api.route('/documents', commentRoutes);
  api.route('/documents', lifecycleRoutes);
  api.all('*', () => {
    throw new AppError(
      ErrorId.notFound,
      'There is no such API endpoint. See the README for the API.',
    );
  });
  app.route('/api', api);

  const staticDir = config.staticDir;
  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    const indexHtml = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    const root = path.relative(process.cwd(), staticDir) || '.';
    app.use('/assets/*', serveStatic({ root }));
    app.get('/favicon.svg', serveStatic({ root }));
    // The confirmation page's address holds a token until its script takes it out: no
    // request the page makes (its scripts, styles, the API) may carry that address as the
    // Referer, so this page alone says no-referrer (stricter than the site's same-origin).
    // Matched as the client's router matches it, trailing slashes and all
    // (`/confirm-email/?token=…` shows the same page, so it must say the same).
    // Every other GET is a client-side route: answer with the app shell.
    app.get('*', (c) => {
      if (c.req.path.replace(/\/+$/, '') === CONFIRM_EMAIL_PATH) {
        c.header('Referrer-Policy', 'no-referrer');
      }
      return c.html(indexHtml);
    });
  }

  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(
        {
          error: {
            id: err.id,
            message: err.message,
            ...(err.fields ? { fields: err.fields } : {}),
          },
        },
        err.status,
      );
    }
    console.error('unhandled error', err);
    return c.json(
      {
        error: { id: ErrorId.internal, message: 'Something went wrong on the server. Try again.' },
      },
      500,
    );
  });
  app.notFound((c) =>
    c.json({ error: { id: ErrorId.notFound, message: 'There is no page at this address.' } }, 404),
  );
  return app;
}

export type App = ReturnType<typeof createApp>;
