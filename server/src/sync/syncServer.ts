import { AuthorshipIndex, CloseCode, type NoticeTopic } from '@chorus/shared';
import * as Y from 'yjs';
import type { TextSource } from '../attribution/recordTransaction.ts';
import type { Logger } from '../logger.ts';
import type { AccessChange } from '../services/accessEvents.ts';
import { CommitRefused } from '../storage/errors.ts';
import type { JournalStore } from '../storage/types.ts';
import { SyncLatency } from './latency.ts';
import { TrafficLimiter } from './limits.ts';
import { Peer } from './peer.ts';
import { LoadError, Room, type RoomBatch, readJournal, ServerEdit } from './room.ts';
import { SendBudget } from './sendBudget.ts';
import type {
  EditAuthor,
  IdentityResolver,
  PeerIdentity,
  SyncCluster,
  SyncConnection,
  SyncOptions,
} from './types.ts';

/**
 * How often the cumulative `sync.latency` line is logged (and once more at shutdown): often
 * enough for an operator to see a slow disk, rarely enough not to fill the log.
 */
const LATENCY_LOG_MS = 10 * 60_000;

/** How often the whole-server cap on queued bytes is checked (see SendBudget). */
const SEND_BUDGET_CHECK_MS = 250;

/** Rooms reading the journal at once when catching up with other processes. */
/** Connections whose access is re-checked at the same time (each one reads storage). */
const RECHECKS_AT_ONCE = 8;
const CATCH_UP_AT_ONCE = 4;

/** How often, with other processes, open documents' journal heads are compared (see #checkHeads). */
const HEAD_CHECK_MS = 5_000;

/** How long shutdown waits for documents still loading before it closes their connections. */
const SHUTDOWN_LOAD_GRACE_MS = 1_000;

/** What the transport calls for each connection: frames in, and the end. */
export interface PeerHandle {
  receive(frame: Uint8Array): void;
  /** A frame the transport rejected before decoding (for example a text frame). */
  reject(code: number, reason: string): void;
  closed(): void;
}

/**
 * The y-websocket protocol server: rooms by document id, one journal flush per
 * event-loop turn across all rooms (group commit), idle unloading and shutdown.
 * It knows nothing about HTTP; `upgrade.ts` hands it authenticated connections.
 */
export class SyncServer {
  readonly rooms = new Map<string, Room>();
  /**
   * Every open connection with its document id, whether it has joined its room or is
   * still waiting for the document to load.
   */
  readonly #connections = new Map<Peer, string>();
  readonly #loading = new Map<string, { room: Room; ready: Promise<Room> }>();
  readonly #dirty = new Set<Room>();
  #flushScheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  #closing = false;
  /** Shutdown is over: a load that finishes now is dropped. */
  #stopped = false;
  readonly #traffic: TrafficLimiter | null;
  /** The server's own share of each edit's latency, logged as `sync.latency`. */
  readonly latency = new SyncLatency();
  readonly #latencyLog: NodeJS.Timeout;
  readonly #sendBudget: SendBudget | null;
  readonly #sendBudgetCheck: NodeJS.Timeout | null = null;
  #headCheck: NodeJS.Timeout | null = null;
  #checkingHeads: Promise<void> | null = null;
  /** How each open connection joins its document's room again (see `#moveOn`). */
  readonly #rejoin = new Map<Peer, () => void>();
  /**
   * Called when the journal refused a commit because the document is closed: this
   * process's connections to it are re-checked at once (set by the server; the status
   * change's own re-check may still be on its way, from another process).
   */
  onClosedFound: ((change: { workspaceId: string; documentId: string }) => void) | null = null;

  constructor(
    private readonly journal: JournalStore,
    private readonly options: SyncOptions,
    private readonly logger: Logger,
    /** Other server processes sharing the documents, if any. */
    private readonly cluster: SyncCluster | null = null,
  ) {
    this.#traffic = options.rate ? new TrafficLimiter(options.rate) : null;
    this.#latencyLog = setInterval(() => this.#logLatency(), LATENCY_LOG_MS);
    this.#latencyLog.unref();
    this.#sendBudget = options.maxBufferedTotalBytes
      ? new SendBudget(options.maxBufferedTotalBytes)
      : null;
    if (this.#sendBudget) {
      this.#sendBudgetCheck = setInterval(() => this.#enforceSendBudget(), SEND_BUDGET_CHECK_MS);
      this.#sendBudgetCheck.unref();
    }
    if (cluster) {
      this.#headCheck = setInterval(() => {
        if (!this.#checkingHeads) {
          this.#checkingHeads = this.#checkHeads().finally(() => {
            this.#checkingHeads = null;
          });
        }
      }, HEAD_CHECK_MS);
      this.#headCheck.unref();
    }
  }

  #enforceSendBudget(): void {
    const cut = this.#sendBudget?.enforce() ?? [];
    if (cut.length === 0) return;
    this.logger.log('warn', 'sync.send_budget_exceeded', {
      cutOff: cut.length,
      accounts: [...new Set(cut.map((p) => p.identity.userId))],
      limitBytes: this.#sendBudget?.maxTotalBytes,
    });
  }

  #logLatency(): void {
    if (this.latency.held.count === 0 && this.latency.commit.count === 0) return;
    this.logger.log('info', 'sync.latency', { ...this.latency.report() });
  }

  /** Registers an authenticated connection to a document; frames may arrive at once. */
  connect(conn: SyncConnection, identity: PeerIdentity, documentId: string): PeerHandle {
    const peer = new Peer(conn, identity, this.options.maxBufferedBytes, this.#sendBudget);
    const budget = this.#traffic?.open(identity.userId) ?? null;
    this.#connections.set(peer, documentId);
    let room: Room | null = null;
    const attach = (): void => {
      const ready = this.#room(documentId);
      // A room still loading may answer a new client from its snapshot before it is ready.
      this.#loading.get(documentId)?.room.waiting.add(peer);
      ready.then(
        (loaded) => {
          loaded.waiting.delete(peer);
          admit(loaded);
        },
        (err: unknown) => {
          this.logger.log('error', 'sync.load_failed', {
            documentId,
            accountId: identity.userId,
            error: String(err),
          });
          peer.close(CloseCode.loadFailed, 'document could not be loaded');
        },
      );
    };
    const admit = (loaded: Room): void => {
      // Its session may have ended, or its access changed, while the document loaded:
      // those close it (closeSessions, recheckAccess); one still being re-checked waits.
      if (peer.checking && !peer.closed) {
        void peer.checking.then(() => admit(loaded));
        return;
      }
      if (peer.closed) {
        // Everyone may have left while it loaded (a new client served from the snapshot
        // can be done before the load is): unload it in time as for any empty room.
        if (loaded.peers.size === 0 && loaded.state === 'ready') this.#scheduleUnload(loaded);
        return;
      }
      if (loaded.state !== 'ready') {
        // Unloaded while a re-check held this connection back: load it again.
        attach();
        return;
      }
      room = loaded;
      loaded.join(peer);
    };
    this.#rejoin.set(peer, () => {
      room = null;
      // Shutting down: told to come back, as a new connection would be.
      if (this.#closing) peer.close(CloseCode.serviceRestart, 'server restarting');
      else attach();
    });
    // Shutting down: no document is loaded for a connection that is told to come back.
    if (this.#closing) peer.close(CloseCode.serviceRestart, 'server restarting');
    else attach();
    // Frames that came while the connection's access was being re-checked, handed to its
    // room once the answer is in (a room it joins later takes them itself, see `join`).
    const release = (): void => {
      const held = peer.queue;
      peer.queue = [];
      for (let i = 0; i < held.length; i++) {
        if (peer.closed) return;
        if (!room) {
          // Moved meanwhile: the room it joins takes the rest, in order.
          peer.queue = [...held.slice(i), ...peer.queue];
          return;
        }
        room.handleFrame(peer, held[i] as Uint8Array);
      }
    };
    let releaseScheduled = false;
    const releaseAfterCheck = (): void => {
      if (releaseScheduled || !peer.checking) return;
      releaseScheduled = true;
      void peer.checking.then(() => {
        releaseScheduled = false;
        if (peer.closed || !room) return;
        // Checked again meanwhile: wait for that answer too.
        if (peer.checking) releaseAfterCheck();
        else release();
      });
    };
    return {
      receive: (frame) => {
        // Shutting down: what arrived before is committed; clients resend the rest.
        if (peer.closed || this.#closing) return;
        if (budget && !budget.allow(frame.byteLength)) {
          this.logger.log('warn', 'sync.rate_limited', { documentId, accountId: identity.userId });
          peer.close(CloseCode.rateLimited, 'too many messages; slow down');
          return;
        }
        // Being re-checked (its access changed, or the document was closed or reopened):
        // what it sends waits for the answer, so an edit typed just after a reopening is
        // judged by what its person may do now, not refused as if it were still closed.
        if (room && !peer.checking) {
          if (peer.queue.length > 0) release(); // held ones first, in order
          if (!peer.closed) room.handleFrame(peer, frame);
          return;
        }
        // Still loading, or being re-checked: a bounded queue, never answered before.
        if (peer.queue.length >= this.options.maxQueuedFrames) {
          peer.close(
            CloseCode.rateLimited,
            room
              ? 'too many messages while access was being checked'
              : 'too many messages before the document loaded',
          );
          return;
        }
        peer.queue.push(frame);
        if (room) releaseAfterCheck();
      },
      reject: (code, reason) => {
        this.logger.log('warn', 'sync.bad_message', {
          documentId,
          accountId: identity.userId,
          reason,
        });
        peer.close(code, reason);
      },
      closed: () => {
        peer.closed = true;
        this.#connections.delete(peer);
        this.#rejoin.delete(peer);
        this.#sendBudget?.forget(peer);
        budget?.release();
        this.#loading.get(documentId)?.room.waiting.delete(peer);
        if (!room) return;
        room.leave(peer);
        if (room.peers.size === 0) this.#scheduleUnload(room);
      },
    };
  }

  /**
   * Closes every connection of the given sessions (sign-out, password change, expiry),
   * whether it has joined its document or is still waiting for it to load.
   */
  closeSessions(sessionIds: readonly string[], code: number, reason: string): void {
    const ids = new Set(sessionIds);
    for (const peer of this.#connections.keys()) {
      if (ids.has(peer.identity.sessionId)) peer.close(code, reason);
    }
  }

  /**
   * The sessions that have open connections, each with when an edit over one of them last
   * changed a document (0: none yet). For the session-expiry check, which decides what
   * that means for the session; the sync server knows nothing of session policy.
   */
  openSessions(): Map<string, number> {
    const open = new Map<string, number>();
    for (const peer of this.#connections.keys()) {
      if (peer.closed) continue;
      const id = peer.identity.sessionId;
      open.set(id, Math.max(open.get(id) ?? 0, peer.lastEditAt));
    }
    return open;
  }

  /**
   * Re-checks open connections after access changed, including those still waiting for
   * their document to load (which join only after their re-check): a connection whose
   * access is gone or whose permission changed is closed with 4403 (the client explains
   * and reconnects with what it may now do); a new credited name or role, and the text
   * locking or unlocking as the document is closed or reopened, are taken over in place. A
   * connection whose access cannot be re-checked is closed too.
   */
  async recheckAccess(change: AccessChange, resolve: IdentityResolver): Promise<void> {
    const affected: { peer: Peer; documentId: string; done: () => void }[] = [];
    for (const [peer, documentId] of this.#connections) {
      if (peer.closed) continue;
      if (change.documentId && documentId !== change.documentId) continue;
      if (peer.identity.workspaceId !== change.workspaceId) continue;
      if (change.userId && peer.identity.userId !== change.userId) continue;
      affected.push({ peer, documentId, done: this.#holdWhileChecking(peer) });
    }
    // A few at a time: each held connection waits for its own answer only, not for every
    // answer before it (a workspace-wide change may re-check many).
    const checkOne = async ({ peer, documentId, done }: (typeof affected)[number]) => {
      try {
        const moves = peer.moves;
        const next = await resolve(peer.identity.userId, peer.identity.sessionId, documentId);
        if (peer.closed) return;
        // Its room was refused by the journal meanwhile (the document was closed): this
        // answer may predate that closing, and the re-check asked for then decides.
        if (peer.moves !== moves) return;
        if (!next || next.permission !== peer.identity.permission) {
          this.logger.log('info', 'sync.access_changed', {
            documentId,
            accountId: peer.identity.userId,
            from: peer.identity.permission,
            to: next?.permission ?? null,
          });
          peer.close(CloseCode.forbidden, next ? 'access changed' : 'access removed');
          return;
        }
        if (next.textLocked !== peer.identity.textLocked) {
          this.logger.log('info', 'sync.text_lock_changed', {
            documentId,
            accountId: peer.identity.userId,
            locked: next.textLocked,
          });
          // Reopened, a connection whose changes were refused while it was closed would
          // build new edits on content the document never got (Yjs would park them as
          // waiting for it): it reconnects with a fresh copy, as after an access change.
          if (next.canEdit && peer.refusedChanges) {
            peer.close(CloseCode.forbidden, 'document reopened');
            return;
          }
        }
        // Closing or reopening otherwise changes what is accepted from it, in place: the
        // socket stays open, so presence and everyone else's view go on.
        peer.identity = next;
      } catch (err) {
        this.logger.log('error', 'sync.recheck_failed', {
          documentId,
          accountId: peer.identity.userId,
          error: String(err),
        });
        peer.close(CloseCode.forbidden, 'access could not be checked');
      } finally {
        done();
      }
    };
    let taken = 0;
    const worker = async () => {
      while (taken < affected.length) {
        await checkOne(affected[taken++] as (typeof affected)[number]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(RECHECKS_AT_ONCE, affected.length) }, worker));
  }

  /** The workspaces of every open connection. */
  openWorkspaces(): Set<string> {
    const ids = new Set<string>();
    for (const peer of this.#connections.keys())
      if (!peer.closed) ids.add(peer.identity.workspaceId);
    return ids;
  }

  /**
   * Every open room reads what other processes committed that it may have missed, a few at
   * a time so that journal commits do not queue behind the reads.
   */
  async catchUp(rooms: readonly Room[] = [...this.rooms.values()]): Promise<void> {
    for (let i = 0; i < rooms.length; i += CATCH_UP_AT_ONCE) {
      await Promise.all(rooms.slice(i, i + CATCH_UP_AT_ONCE).map((room) => room.catchUp()));
    }
  }

  /**
   * Notices rows another process committed but never announced (it crashed between its
   * commit and its announcement, or its connection to Redis failed while ours stayed up):
   * one query for the journal heads of every open document, then a read where one is behind.
   */
  async #checkHeads(): Promise<void> {
    const rooms = [...this.rooms.values()].filter((r) => r.state === 'ready');
    if (rooms.length === 0) return;
    try {
      const heads = await this.journal.heads(rooms.map((r) => r.documentId));
      await this.catchUp(rooms.filter((r) => (heads.get(r.documentId) ?? 0) > r.journalUpto));
    } catch (err) {
      this.logger.log('error', 'cluster.head_check_failed', { error: String(err) });
    }
  }

  /** Holds a connection back from joining its document until `done` is called. */
  #holdWhileChecking(peer: Peer): () => void {
    let done = (): void => {};
    const check = new Promise<void>((resolve) => {
      done = resolve;
    });
    const all = peer.checking ? Promise.all([peer.checking, check]).then(() => {}) : check;
    peer.checking = all;
    void all.then(() => {
      if (peer.checking === all) peer.checking = null;
    });
    return done;
  }

  #room(documentId: string): Promise<Room> {
    const existing = this.rooms.get(documentId);
    if (existing && existing.state === 'ready') return Promise.resolve(existing);
    let loading = this.#loading.get(documentId);
    if (!loading) {
      const room = new Room(
        documentId,
        this.journal,
        this.options,
        this.logger,
        (r) => this.#requestFlush(r),
        this.latency,
      );
      const ready = this.#follow(room)
        .then(() => room.load())
        .then(() => {
          this.#announceToCluster(room);
          // Finished after shutdown gave up waiting: its connections were told to come back.
          if (this.#stopped) room.destroy();
          else this.rooms.set(documentId, room);
          return room;
        })
        .catch((err: unknown) => {
          room.destroy();
          throw err instanceof LoadError ? err : new LoadError(String(err));
        })
        .finally(() => this.#loading.delete(documentId));
      loading = { room, ready };
      this.#loading.set(documentId, loading);
    }
    return loading.ready;
  }

  #requestFlush(room: Room): void {
    this.#dirty.add(room);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // One commit per event-loop turn for every room: group commit keeps fsync cheap.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flushing = this.#flushing.then(() => this.#flush()).catch(this.#flushFailed);
    });
  }

  /**
   * A flush that throws after its commit (relaying, confirming) must not stop every later
   * flush of every document, as a rejected chain would.
   */
  readonly #flushFailed = (err: unknown): void => {
    this.logger.log('error', 'sync.flush_failed', { error: String(err) });
  };

  async #flush(): Promise<void> {
    let batches: RoomBatch[] = [];
    for (const room of this.#dirty) {
      if (room.state === 'ready') batches.push(room.takeBatch());
    }
    this.#dirty.clear();
    if (batches.length === 0) return;
    let stored: readonly number[] | null = null;
    while (stored === null) {
      try {
        stored = await this.#commit(batches);
      } catch (err) {
        // Another process registered one of these client ids to someone else just before,
        // or erased one of these documents: only those rooms fail (their people reconnect
        // and are refused or resend).
        const named =
          err instanceof CommitRefused
            ? batches.filter((b) => err.documentIds.has(b.room.documentId))
            : [];
        const refused = named.length > 0 ? named : batches;
        for (const batch of refused) {
          const moving = batch.room.failCommit(batch, err);
          this.#unload(batch.room);
          this.#moveOn(batch.room.documentId, moving);
        }
        batches = batches.filter((b) => !refused.includes(b));
        if (batches.length === 0) return;
      }
    }
    let at = 0;
    for (const batch of batches) {
      const seqs = stored.slice(at, at + batch.rows.length);
      at += batch.rows.length;
      // One room's failure to relay must not leave the others' batches unreleased.
      try {
        batch.room.afterCommit(batch, seqs);
      } catch (err) {
        this.#flushFailed(err);
      }
      if (this.cluster && (batch.rows.length > 0 || batch.clientIds.length > 0)) {
        this.cluster.announceCommitted(batch.room.documentId, {
          rows: batch.rows.map((p, i) => ({
            seq: seqs[i] ?? p.row.seq,
            update: p.row.update,
            accountId: p.row.accountId,
          })),
          owners: batch.clientIds.map((c) => [c.clientId, c.accountId]),
          inserts: batch.ledger.inserts,
          carried: batch.ledger.carried,
        });
      }
    }
  }

  /**
   * Connections of a room the journal refused because its document was closed: they join
   * the room loaded again from the journal, on the same socket (frames that arrive
   * meanwhile wait, as while any room loads), after their access is re-checked.
   */
  #moveOn(documentId: string, moving: readonly Peer[]): void {
    const first = moving[0];
    if (!first) return;
    for (const peer of moving) this.#rejoin.get(peer)?.();
    this.onClosedFound?.({ workspaceId: first.identity.workspaceId, documentId });
  }

  /** Commits the batches' rows, client ids and ledger in one transaction; their stored numbers. */
  async #commit(batches: readonly RoomBatch[]): Promise<readonly number[]> {
    const rows = batches.flatMap((b) => b.rows.map((p) => p.row));
    const started = performance.now();
    const stored = await this.journal.append(
      rows,
      batches.flatMap((b) => b.clientIds),
      {
        inserts: batches.flatMap((b) => b.ledger.inserts),
        carried: batches.flatMap((b) => b.ledger.carried),
        deletes: batches.flatMap((b) => b.ledger.deletes),
      },
    );
    // A flush with no rows only confirms or answers: no write, not a commit to time.
    if (rows.length > 0) this.latency.committed(performance.now() - started, rows.length);
    return stored;
  }

  /**
   * Starts hearing what other server processes commit to a room's document, before the
   * room reads the journal, so nothing committed in between is missed.
   */
  async #follow(room: Room): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) return;
    const { documentId } = room;
    room.unfollow = await cluster.follow(documentId, {
      committed: (committed) => room.applyCommittedElsewhere(committed),
      presence: (update) => room.applyPresenceFromElsewhere(update),
      presenceWanted: () => {
        const presence = room.localPresence();
        if (presence) cluster.announcePresence(documentId, presence);
      },
      readJournal: () => void room.catchUp(),
      notice: (topic) => room.notice(topic),
    });
  }

  /** A room just loaded: it announces its people's presence and asks for everyone else's. */
  #announceToCluster(room: Room): void {
    const cluster = this.cluster;
    if (!cluster) return;
    const { documentId } = room;
    room.announcePresence = (update) => cluster.announcePresence(documentId, update);
    cluster.askPresence(documentId);
  }

  /**
   * The committed content of a document and who wrote it: from memory if it is open
   * (after committing what is pending), otherwise from the journal.
   */
  async committedDocument(documentId: string): Promise<{ doc: Y.Doc; index: AuthorshipIndex }> {
    await this.flushed();
    const room = this.rooms.get(documentId);
    const doc = new Y.Doc();
    if (room && room.state === 'ready') {
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
      return { doc, index: room.index };
    }
    const { loaded } = await readJournal(this.journal, documentId, this.logger);
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
    for (const row of loaded.rows) {
      try {
        Y.applyUpdate(doc, row.update);
      } catch {
        // Quarantined when the room next loads; a report skips it meanwhile.
      }
    }
    return { doc, index: AuthorshipIndex.from(await this.journal.loadLedger(documentId)) };
  }

  /**
   * Makes an edit on someone's behalf (restoring a version, accepting a suggestion) through
   * the same gate, journal and relay as an edit from a connection, and waits until it is
   * committed; throws the journal's refusal (a `CommitRefused`, or the error of a failed
   * commit) if it was not. With `claim`, see `Room.applyServerEdit`.
   */
  async applyServerEdit(
    documentId: string,
    author: EditAuthor,
    build: (doc: Y.Doc) => Uint8Array,
    sources: TextSource[],
    claim?: number,
  ): Promise<void> {
    const room = await this.#room(documentId);
    const edit = new ServerEdit(author.accountId, author.participantRole, sources);
    room.applyServerEdit(build(room.doc), edit, claim);
    await this.flushed();
    // Refused by the journal (for example, the document was closed since it was checked):
    // nothing of it was written, and the room that held it is gone.
    if (edit.refused) throw edit.refused;
  }

  /** Resolves when every update received so far is committed. */
  async flushed(): Promise<void> {
    while (this.#dirty.size > 0 || this.#flushScheduled) {
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          this.#flushing = this.#flushing.then(() => this.#flush()).catch(this.#flushFailed);
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
      await this.#flushing;
    }
    await this.#flushing;
  }

  #scheduleUnload(room: Room): void {
    // Shutdown saves and closes every room itself, before the storage closes.
    if (this.#closing) return;
    if (room.idleTimer) clearTimeout(room.idleTimer);
    room.idleTimer = setTimeout(() => {
      room.idleTimer = null;
      if (room.peers.size === 0) void this.#unloadWhenSaved(room);
    }, this.options.idleUnloadMs);
    room.idleTimer.unref();
  }

  async #unloadWhenSaved(room: Room): Promise<void> {
    await this.flushed();
    if (room.peers.size > 0 || room.state !== 'ready') return;
    await room.saveAutoVersion();
    await room.snapshot();
    // Someone may have joined (and edited) while the snapshot was written.
    if (room.peers.size > 0 || !room.settled) return;
    this.#unload(room);
  }

  #unload(room: Room): void {
    if (this.rooms.get(room.documentId) === room) this.rooms.delete(room.documentId);
    room.destroy();
  }

  /**
   * Tells everyone with the document open, on every process, that something kept beside
   * it (its comments) changed, so their pages fetch it again.
   */
  notify(documentId: string, topic: NoticeTopic): void {
    this.rooms.get(documentId)?.notice(topic);
    this.cluster?.announceNotice(documentId, topic);
  }

  async discard(documentId: string): Promise<void> {
    await this.#loading.get(documentId)?.ready.catch(() => {});
    // What is pending commits first, so no later write lands after the erasure.
    await this.flushed();
    for (const [peer, id] of this.#connections) {
      if (id === documentId) peer.close(CloseCode.forbidden, 'document deleted');
    }
    const room = this.rooms.get(documentId);
    if (room) this.#unload(room);
  }

  /** Stops accepting, commits everything, snapshots, and closes sockets with "restarting". */
  async shutdown(): Promise<void> {
    this.#closing = true;
    // A document still loading becomes a room when it is done: wait for it (a little), so
    // that it is saved and closed with the others. A load that takes longer holds nothing
    // unsaved; its connections are told below, and it is never unloaded onto closed storage.
    const loads = [...this.#loading.values()].map((l) => l.ready.catch(() => {}));
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(loads),
      new Promise((resolve) => {
        graceTimer = setTimeout(resolve, SHUTDOWN_LOAD_GRACE_MS);
      }),
    ]);
    clearTimeout(graceTimer);
    await this.flushed();
    for (const room of this.rooms.values()) {
      await room.saveAutoVersion();
      await room.snapshot();
      for (const peer of room.peers) peer.close(CloseCode.serviceRestart, 'server restarting');
      room.destroy();
    }
    this.rooms.clear();
    this.#stopped = true;
    clearInterval(this.#latencyLog);
    if (this.#sendBudgetCheck) clearInterval(this.#sendBudgetCheck);
    if (this.#headCheck) clearInterval(this.#headCheck);
    await this.#checkingHeads;
    this.#logLatency();
    // Connections still waiting for a document to load hold nothing unsaved: tell them
    // too, so they reconnect as the others do rather than see a dropped socket.
    for (const peer of this.#connections.keys()) {
      if (!peer.closed) peer.close(CloseCode.serviceRestart, 'server restarting');
    }
  }

  get peerCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.peers.size;
    return n;
  }
}
