import { Hono } from 'hono';
import type { AppEnv } from '../../http/env.ts';
import { requireAuth } from '../../http/middleware.ts';

/**
 * `POST /api/me/email-confirmation`: sends the signed-in person the link that confirms
 * their email address again (see `EmailConfirmations.sendAgain` for the refusals). It
 * takes no body: the address is the account's own, never one given here.
 */
export const emailConfirmationRoutes = new Hono<AppEnv>().post('/email-confirmation', async (c) => {
  const { user } = requireAuth(c);
  return c.json(await c.var.services.emailConfirmations.sendAgain(user));
});
