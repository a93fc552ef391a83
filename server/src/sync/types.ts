import type { NoticeTopic, ParticipantRole, Permission } from '@chorus/shared';
import type { CommittedElsewhere } from './room.ts';
import type { ContentRules } from './validateUpdate.ts';

/** The transport seen by the sync core: anything that can send frames and be closed. */
export interface SyncConnection {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Bytes queued for sending and not yet written to the network. */
  readonly bufferedAmount: number;
  /**
   * Holds writes until `uncork`, so frames sent together leave in one system call (Node's
   * `socket.cork()`). Optional: in-memory connections have no socket.
   */
  cork?(): void;
  uncork?(): void;
  /** Destroys the socket now, dropping anything queued (no closing handshake). */
  terminate?(): void;
}

/** Who is on the other end, as established by the authenticated upgrade. */
export interface PeerIdentity {
  userId: string;
  sessionId: string;
  workspaceId: string;
  /** The name others see, as the person chose to be credited. */
  name: string;
  /** The participant role label shown with the name. */
  role: string;
  /** The participant role itself, recorded with each edit in the journal. */
  participantRole: ParticipantRole;
  color: string;
  permission: Permission;
  /** False for people who may read but not change the document, and while its text is locked. */
  canEdit: boolean;
  /** The document is closed: nobody's changes to its text are applied (see `locksText`). */
  textLocked: boolean;
  /** False for people whose presence is not shown (viewers, by default). */
  publishPresence: boolean;
}

/** Looks up a connection's identity again after access changed; null if access is gone. */
export type IdentityResolver = (
  userId: string,
  sessionId: string,
  documentId: string,
) => Promise<PeerIdentity | null>;

/** Who an edit is credited to, and in what participant role (null: the server's own). */
export interface EditAuthor {
  accountId: string;
  participantRole: ParticipantRole | null;
}

export interface SyncOptions {
  maxDocumentBytes: number;
  maxBufferedBytes: number;
  /** What may be queued for all connections together before the largest are cut off. */
  maxBufferedTotalBytes?: number;
  idleUnloadMs: number;
  snapshotEvery: number;
  /** Messages and bytes per second per connection (an account gets twice that in all). */
  rate?: { messagesPerSecond: number; bytesPerSecond: number; bytesBurst: number };
  /** Frames a connection may send while its document is still loading. */
  maxQueuedFrames: number;
  /** At most one automatic version per this many ms while a document is edited (0: off). */
  autoVersionMs?: number;
  /** Stores an automatic version; called with committed state only. */
  saveAutoVersion?: (documentId: string, state: Uint8Array) => Promise<void>;
  /**
   * The names a client's update may use (the editor's schema). The server sets it; some
   * protocol tests leave it out to send plain Yjs types.
   */
  content?: ContentRules;
}

/** What a document's room hears from the other server processes that have it open. */
export interface ElsewhereHandlers {
  committed(committed: CommittedElsewhere): void;
  presence(update: Uint8Array): void;
  /** A process that just opened the document asks for everyone's presence. */
  presenceWanted(): void;
  /** Another process committed more than is announced whole: read it from the journal. */
  readJournal(): void;
  /** Something kept beside the document changed through another process. */
  notice(topic: NoticeTopic): void;
}

/**
 * How a sync server shares documents with other server processes (Redis between nodes,
 * see `cluster/`). Absent with one process. What it carries was checked and committed by
 * the process that sends it.
 */
export interface SyncCluster {
  /** Starts hearing about a document; resolves once nothing announced from then on is missed. */
  follow(documentId: string, handlers: ElsewhereHandlers): Promise<() => void>;
  announceCommitted(documentId: string, committed: CommittedElsewhere): void;
  announcePresence(documentId: string, update: Uint8Array): void;
  askPresence(documentId: string): void;
  announceNotice(documentId: string, topic: NoticeTopic): void;
}
