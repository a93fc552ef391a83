import { SessionService } from '../auth/sessions.ts';
import { FailureThrottle } from '../auth/throttle.ts';
import type { Config } from '../config.ts';
import type { Storage } from '../storage/types.ts';

/** Everything the HTTP routes and the sync server share. They meet only through these. */
export interface Services {
  config: Config;
  storage: Storage;
  sessions: SessionService;
  signInThrottle: { byIp: FailureThrottle; byAccount: FailureThrottle };
}

export function createServices(config: Config, storage: Storage): Services {
  return {
    config,
    storage,
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
