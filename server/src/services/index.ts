import { SessionService } from '../auth/sessions.ts';
import { FailureThrottle } from '../auth/throttle.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/types.ts';
import { AccessEvents } from './accessEvents.ts';

/** Everything the HTTP routes and the sync server share. They meet only through these. */
export interface Services {
  config: Config;
  storage: Storage;
  sessions: SessionService;
  signInThrottle: { byIp: FailureThrottle; byAccount: FailureThrottle };
  accessEvents: AccessEvents;
  logger: Logger;
}

export function createServices(config: Config, storage: Storage, logger: Logger): Services {
  return {
    config,
    storage,
    logger,
    accessEvents: new AccessEvents(),
    sessions: new SessionService(storage.sessions, storage.users, {
      idleMs: config.sessionIdleMs,
      maxMs: config.sessionMaxMs,
      touchEveryMs: 60_000,
    }),
    signInThrottle: {
      // Per IP allows more failures: several people may share one hospital's address.
      byIp: new FailureThrottle(config.signInMaxFailures * 4, config.signInWindowMs),
      byAccount: new FailureThrottle(config.signInMaxFailures, config.signInWindowMs),
    },
  };
}
