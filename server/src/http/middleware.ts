import { ErrorId } from '@chorus/shared';
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ZodType, z } from 'zod';
import { readSessionCookie } from '../auth/cookie.ts';
import type { ValidSession } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import { AppError, validationError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/** CSP and the other security headers on every response. */
export function securityHeaders(config: Config): MiddlewareHandler<AppEnv> {
  const wsOrigin = config.origin.replace(/^http/, 'ws');
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // The collaboration caret and ProseMirror set inline style attributes.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", wsOrigin],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    strictTransportSecurity: config.secureCookies ? 'max-age=63072000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    crossOriginEmbedderPolicy: false,
    // A response that sets its own, stricter policy keeps it: a bid's document is served
    // sandboxed (`bidDocumentRoutes.ts`). No route sets a laxer one.
    overwrite: false,
  });
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests from other sites: Origin must be ours exactly, or,
 * where a browser sent no Origin, Sec-Fetch-Site must say same-origin.
 */
export function sameOriginOnly(config: Config): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!safeMethods.has(c.req.method)) {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      const ok = origin ? origin === config.origin : fetchSite === 'same-origin';
      if (!ok) {
        throw new AppError(
          ErrorId.crossSite,
          'This request came from another site, so it was refused. Use Chorus from its own address.',
        );
      }
    }
    await next();
  };
}

/** Loads the session from the cookie, if any, into `c.var.auth`. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { sessions, config } = c.var.services;
    c.set('auth', await sessions.validate(readSessionCookie(c, config)));
    await next();
  };
}

/** The signed-in session, or a 401 that tells the person to sign in. */
export function requireAuth(c: Context<AppEnv>): ValidSession {
  const auth = c.var.auth;
  if (!auth) {
    throw new AppError(ErrorId.unauthenticated, 'You are not signed in. Sign in to continue.');
  }
  return auth;
}

/** Parses a JSON body against a schema; bad JSON and bad fields both become clear 400s. */
export async function parseJson<S extends ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new AppError(
      ErrorId.badRequest,
      'The request body must be JSON with Content-Type: application/json.',
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** Parses a path parameter against a schema, with a 404 for ids that cannot exist. */
export function parseParam<S extends ZodType>(
  value: string | undefined,
  schema: S,
  notFound: AppError,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw notFound;
  return parsed.data;
}
