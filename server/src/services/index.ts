import { type AuthorshipIndex, ErrorId, type NoticeTopic } from '@chorus/shared';
import type * as Y from 'yjs';
import type { TextSource } from '../attribution/recordTransaction.ts';
import { SessionService } from '../auth/sessions.ts';
import { FailureThrottle, type Throttle } from '../auth/throttle.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type MailTransport, smtpTransport } from '../mail/transport.ts';
import type { Storage } from '../storage/types.ts';
import type { EditAuthor } from '../sync/types.ts';
import { AccessEvents } from './accessEvents.ts';
import { DocumentNotices } from './documentNotices.ts';
import { EmailConfirmations } from './emailConfirmations.ts';
import { PersonNotices } from './personNotices.ts';

/** What the HTTP side may ask of the sync server (implemented by SyncServer). */
export interface LiveDocuments {
  committedDocument(documentId: string): Promise<{ doc: Y.Doc; index: AuthorshipIndex }>;
  /**
   * Writes an edit as `author`'s and resolves once it is committed. Rejects if it was not:
   * 409 with `closedTextProblem` if the document is closed (checked first, and again by the
   * journal's commit itself), otherwise the journal's error. A process that stops meanwhile
   * answers nothing, so with `claim`, a client id new to the document that is registered to
   * the author in the edit's own commit, the registry tells whether it was committed.
   */
  applyServerEdit(
    documentId: string,
    author: EditAuthor,
    build: (doc: Y.Doc) => Uint8Array,
    sources: TextSource[],
    claim?: number,
  ): Promise<void>;
  /**
   * Forgets a document about to be erased: closes its connections (4403) and drops its
   * room without writing anything of it again (no snapshot, no version).
   */
  discard(documentId: string): Promise<void>;
  /**
   * Tells everyone following the document, on every process, that something kept beside it
   * changed (see `SyncServer.notify` and `DocumentNotices`).
   */
  notify(documentId: string, topic: NoticeTopic): void;
}

/** The sync server, which every request that reads or edits a live document needs. */
export function liveDocuments(live: LiveDocuments | null): LiveDocuments {
  if (!live)
    throw new AppError(ErrorId.internal, 'The document service is not running. Try again.');
  return live;
}

/** Everything the HTTP routes and the sync server share. They meet only through these. */
export interface Services {
  config: Config;
  storage: Storage;
  sessions: SessionService;
  /** Replaced by counts in Redis when processes are joined (see server.ts). */
  signInThrottle: { byIp: Throttle; byAccount: Throttle };
  /** Sign-ups per IP address (each may send a confirmation email); Redis-shared too. */
  signUpThrottle: Throttle;
  accessEvents: AccessEvents;
  /** Notices about documents for pages that follow them without a socket (see server.ts). */
  notices: DocumentNotices;
  /** Notices for a person's notification streams (mentions); see server.ts for Redis. */
  people: PersonNotices;
  logger: Logger;
  /** Sends email through the configured mail server; null when there is none. */
  mailTransport: MailTransport | null;
  /** Confirmation links for email addresses (sent only when `mailTransport` is set). */
  emailConfirmations: EmailConfirmations;
  /** Set once the sync server exists (see server.ts). */
  live: LiveDocuments | null;
  /** Whether Redis joins this process to the others, when there are others (server.ts). */
  clusterConnected: (() => boolean) | null;
}

export function createServices(config: Config, storage: Storage, logger: Logger): Services {
  // nodemailer connects only when it first sends, so this costs nothing until then.
  const mailTransport = config.mail ? smtpTransport(config.mail) : null;
  return {
    config,
    storage,
    logger,
    mailTransport,
    emailConfirmations: new EmailConfirmations(storage, config.mail, mailTransport, logger),
    accessEvents: new AccessEvents(),
    notices: new DocumentNotices(),
    people: new PersonNotices(),
    live: null,
    clusterConnected: null,
    sessions: new SessionService(storage.sessions, storage.users, {
      idleMs: config.sessionIdleMs,
      maxMs: config.sessionMaxMs,
      // A minute (any idle limit allowed in production is an hour or more); a tenth of
      // the idle limit when a test sets one of seconds.
      touchEveryMs: Math.min(60_000, Math.floor(config.sessionIdleMs / 10)),
    }),
    signInThrottle: {
      // Per IP allows more failures: several people may share one hospital's address.
      byIp: new FailureThrottle(config.signInMaxFailures * 4, config.signInWindowMs),
      byAccount: new FailureThrottle(config.signInMaxFailures, config.signInWindowMs),
    },
    signUpThrottle: new FailureThrottle(config.signUpMaxPerIp, config.signUpWindowMs),
  };
}
