import { type PreferencesView, updatePreferencesSchema } from '@chorus/shared';
import { Hono } from 'hono';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, requireAuth } from '../../http/middleware.ts';

/**
 * The signed-in person's own choices (`GET`, `PUT /api/me/preferences`): for now whether
 * they are emailed when someone mentions them, and whether this server sends email at all.
 */
export const preferenceRoutes = new Hono<AppEnv>()
  .get('/preferences', async (c) => {
    const { user } = requireAuth(c);
    const { storage, config } = c.var.services;
    const view: PreferencesView = {
      ...(await storage.preferences.get(user.id)),
      emailAvailable: config.mail !== null,
    };
    return c.json(view);
  })
  .put('/preferences', async (c) => {
    const { user } = requireAuth(c);
    const input = await parseJson(c, updatePreferencesSchema);
    const { storage, config } = c.var.services;
    // Kept even while the server sends no email, so it holds once email is set up.
    await storage.preferences.set(user.id, input, Date.now());
    const view: PreferencesView = {
      ...(await storage.preferences.get(user.id)),
      emailAvailable: config.mail !== null,
    };
    return c.json(view);
  });
