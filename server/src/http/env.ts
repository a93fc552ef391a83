import type { ValidSession } from '../auth/sessions.ts';
import type { Services } from '../services/index.ts';

/** Hono's typed context for every route: services plus the signed-in session, if any. */
export interface AppEnv {
  Variables: {
    services: Services;
    auth: ValidSession | null;
  };
}
