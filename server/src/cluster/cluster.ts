import type { NoticeTopic } from '@chorus/shared';
import type { SessionEndReason } from '../auth/sessions.ts';
import type { Logger } from '../logger.ts';
import type { AccessChange } from '../services/accessEvents.ts';
import type { SyncCluster } from '../sync/types.ts';
import {
  type ControlMessage,
  controlMessageSchema,
  documentMessageSchema,
  encodeCommitted,
  encodeNotice,
  encodePresence,
  encodeSignal,
  parseMessage,
  personMessageSchema,
  toCommittedElsewhere,
} from './messages.ts';
import { RedisBus } from './redisBus.ts';

const CONTROL_CHANNEL = 'chorus:control';
/**
 * Commits larger than this are announced without their content, and read from the journal
 * by the others: Redis disconnects a subscriber whose unread messages pile up past a few
 * megabytes, and one backlog should not cost every other process that.
 */
const MAX_ANNOUNCED_BYTES = 1024 * 1024;
const documentChannel = (documentId: string) => `chorus:document:${documentId}`;
const personChannel = (personId: string) => `chorus:person:${personId}`;

/** What other processes tell this one about sessions, access and erased documents. */
export interface ControlHandlers {
  accessChanged(change: AccessChange): void;
  sessionsEnded(sessionIds: readonly string[], reason: SessionEndReason): void;
  discard(documentId: string): void;
}

/**
 * This process's membership of a group of Chorus processes that share one PostgreSQL
 * database, joined through Redis: each document's committed edits and presence go to the
 * other processes that have it open, and so do the events that must reach every open
 * connection (access changed, sessions ended, documents erased).
 */
export class Cluster {
  private constructor(
    readonly bus: RedisBus,
    private readonly logger: Logger,
  ) {}

  static async join(url: string, logger: Logger): Promise<Cluster> {
    return new Cluster(await RedisBus.connect(url, logger), logger);
  }

  #drop(channel: string, problem: string): void {
    this.logger.log('warn', 'cluster.bad_message', { channel, problem });
  }

  /** The sync server's side: documents' edits and presence. */
  readonly documents: SyncCluster = {
    follow: (documentId, handlers) => {
      const channel = documentChannel(documentId);
      return this.bus.subscribe(channel, (payload) => {
        const parsed = parseMessage(documentMessageSchema, payload);
        if (!parsed.ok) return this.#drop(channel, parsed.problem);
        const m = parsed.message;
        if (m.from === this.bus.nodeId) return;
        if (m.t === 'committed') handlers.committed(toCommittedElsewhere(m));
        else if (m.t === 'committedLarge') handlers.readJournal();
        else if (m.t === 'presence') handlers.presence(m.update);
        else if (m.t === 'notice') handlers.notice(m.topic);
        else handlers.presenceWanted();
      });
    },
    announceCommitted: (documentId, committed) => {
      const bytes = committed.rows.reduce((n, r) => n + r.update.byteLength, 0);
      this.bus.publish(
        documentChannel(documentId),
        bytes > MAX_ANNOUNCED_BYTES
          ? encodeSignal('committedLarge', this.bus.nodeId)
          : encodeCommitted(this.bus.nodeId, committed),
      );
    },
    announcePresence: (documentId, update) => {
      this.bus.publish(documentChannel(documentId), encodePresence(this.bus.nodeId, update));
    },
    announceNotice: (documentId, topic) => {
      this.bus.publish(documentChannel(documentId), encodeNotice(this.bus.nodeId, topic));
    },
    askPresence: (documentId) => {
      this.bus.publish(
        documentChannel(documentId),
        encodeSignal('presenceWanted', this.bus.nodeId),
      );
    },
  };

  /**
   * The other processes' notices about one document (`SyncServer.notify` announces them),
   * for pages here that follow the document without its socket (`DocumentNotices`).
   */
  followNotices(documentId: string, listener: (topic: NoticeTopic) => void): Promise<() => void> {
    const channel = documentChannel(documentId);
    return this.bus.subscribe(channel, (payload) => {
      const parsed = parseMessage(documentMessageSchema, payload);
      if (!parsed.ok) return this.#drop(channel, parsed.problem);
      if (parsed.message.from === this.bus.nodeId) return;
      if (parsed.message.t === 'notice') listener(parsed.message.topic);
    });
  }

  /**
   * The other processes' notices for one person (`PersonNotices`): someone mentioned them,
   * or a mention of them went. Like a document's notices, they say nothing of what changed.
   */
  readonly people = {
    follow: (personId: string, listener: () => void): Promise<() => void> => {
      const channel = personChannel(personId);
      return this.bus.subscribe(channel, (payload) => {
        const parsed = parseMessage(personMessageSchema, payload);
        if (!parsed.ok) return this.#drop(channel, parsed.problem);
        if (parsed.message.from !== this.bus.nodeId) listener();
      });
    },
    announce: (personId: string): void => {
      this.bus.publish(
        personChannel(personId),
        JSON.stringify({ t: 'notice', from: this.bus.nodeId }),
      );
    },
  };

  /** Starts hearing the other processes' events. */
  async listen(handlers: ControlHandlers): Promise<void> {
    await this.bus.subscribe(CONTROL_CHANNEL, (payload) => {
      const parsed = parseMessage(controlMessageSchema, payload);
      if (!parsed.ok) return this.#drop(CONTROL_CHANNEL, parsed.problem);
      const m = parsed.message;
      if (m.from === this.bus.nodeId) return;
      if (m.t === 'access') handlers.accessChanged(m.change);
      else if (m.t === 'sessionsEnded') handlers.sessionsEnded(m.sessionIds, m.reason);
      else handlers.discard(m.documentId);
    });
  }

  #tell(message: ControlMessage): void {
    this.bus.publish(CONTROL_CHANNEL, JSON.stringify(message));
  }

  accessChanged(change: AccessChange): void {
    this.#tell({ t: 'access', from: this.bus.nodeId, change });
  }

  sessionsEnded(sessionIds: readonly string[], reason: SessionEndReason): void {
    this.#tell({ t: 'sessionsEnded', from: this.bus.nodeId, sessionIds: [...sessionIds], reason });
  }

  discarded(documentId: string): void {
    this.#tell({ t: 'discard', from: this.bus.nodeId, documentId });
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
