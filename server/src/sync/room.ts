import { createHash } from 'node:crypto';
import {
  AuthorshipIndex,
  type CarriedRange,
  CloseCode,
  type InsertRange,
  type NoticeTopic,
  type ParticipantRole,
  socketNoticeTopics,
} from '@chorus/shared';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { recordTransaction, type TextSource } from '../attribution/recordTransaction.ts';
import { freshClientId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { DocumentLocked } from '../storage/errors.ts';
import type {
  ClientIdOwner,
  JournalRow,
  JournalStore,
  LedgerEntries,
  LoadedJournal,
} from '../storage/types.ts';
import { rewriteAwarenessUpdate } from './awareness.ts';
import type { SyncLatency } from './latency.ts';
import { type PdsaFix, pdsaFixes } from './pdsaLock.ts';
import { Peer } from './peer.ts';
import { checkPlacement } from './placement.ts';
import {
  type ClientMessage,
  decodeClientMessage,
  encodeAttribution,
  encodeAwareness,
  encodeNotice,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  ProtocolError,
} from './protocol.ts';
import type { EditAuthor, SyncOptions } from './types.ts';
import { validateUpdate } from './validateUpdate.ts';

const MAX_AWARENESS_IDS_PER_PEER = 4;
/** Content waiting for missing dependencies that a document may hold. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** New Yjs client ids one connection may register: a browser tab uses one per Y.Doc. */
const MAX_NEW_CLIENT_IDS_PER_PEER = 16;
/**
 * Yjs client ids one account may own in one document: one per page load, so thousands
 * means a script reconnecting to grow every state vector (and every sync) without end.
 */
const MAX_CLIENT_IDS_PER_ACCOUNT = 2_000;
/**
 * Edits of one connection the server sets back for breaking a PDSA cycle's rules before it
 * closes the connection: an honest client's edit only crosses someone's start of "Do" now
 * and then, so many are a client that ignores the lock.
 */
const MAX_CORRECTIONS_PER_PEER = 20;
/**
 * How long a loading room waits for its connecting clients' sync step 1 before it starts
 * integrating the snapshot (which blocks the event loop for as long as Yjs takes).
 */
const SNAPSHOT_FIRST_GRACE_MS = 20;
/**
 * The server's own snapshot is checked for shape, not for the limits of one edit: counts
 * beyond the bytes left (what hangs Yjs) are refused by the check itself, so no cap on
 * clients or structs could lock out a large but sound document.
 */
const SNAPSHOT_LIMITS = {
  maxClients: Number.MAX_SAFE_INTEGER,
  maxStructs: Number.MAX_SAFE_INTEGER,
  maxDepth: 16,
};
/**
 * Committed edits merged into one relay frame at most. `Y.mergeUpdates` grows with the
 * square of the number of updates (PRODUCT.md), so a large batch goes out in runs.
 */
const MAX_RELAY_MERGE = 32;
/** A row this large goes out as stored: merging would decode and re-encode it. */
const MAX_MERGED_ROW_BYTES = 64 * 1024;
/** How long a loading room lets the snapshot it sent early drain before integrating. */
const SNAPSHOT_FIRST_DRAIN_MS = 200;

/** Thrown by `Room.load` when a document cannot be loaded; the room is never served empty. */
export class LoadError extends Error {}

/** An edit the server makes on someone's behalf (restoring a version). */
export class ServerEdit {
  /**
   * Why the journal refused its commit (the room then drops it from memory), for the
   * request that asked for it; null while it is pending or once it is committed.
   */
  refused: unknown = null;

  constructor(
    readonly accountId: string,
    /** The participant role of the person it is made for, recorded with the edit. */
    readonly participantRole: ParticipantRole | null,
    /** Text the edit reinserts, with its original authors, so their credit is kept. */
    readonly sources: TextSource[] = [],
  ) {}
}

type EditOrigin = Peer | ServerEdit;

/**
 * Edits another server process committed to the shared journal, as it announced them
 * (see `cluster/`): applied here without being journaled again, relayed to this process's
 * connections, and added to the attribution index.
 */
export interface CommittedElsewhere {
  /** Each row with whose edit it is (null: a server's own; absent: not said). */
  rows: { seq: number; update: Uint8Array; accountId?: string | null }[];
  /** Client ids the rows introduced, with their accounts (null: the server's own). */
  owners: [clientId: number, accountId: string | null][];
  inserts: InsertRange[];
  carried: CarriedRange[];
}

/** The origin of what another server process committed or announced (never journaled). */
const ELSEWHERE = Symbol('committed elsewhere');

/**
 * How long rows may stay applied beyond a gap in the journal (rows another process
 * committed and has not announced here yet) before they are read from the journal: an
 * announcement was lost, or the gap would keep snapshots from advancing.
 */
const CATCH_UP_AFTER_MS = 1_000;
/** A gap that reading does not fill (a row that cannot be applied) is read again at most this often. */
const CATCH_UP_MAX_MS = 60_000;
/** Presence another process announces is refused beyond this size (a client's is far smaller). */
const MAX_PRESENCE_FROM_ELSEWHERE_BYTES = 256 * 1024;

interface PendingRow {
  row: JournalRow;
  origin: EditOrigin | typeof ELSEWHERE;
  /** When the room applied it (`performance.now()`), for the server's own latency. */
  appliedAt: number;
}

/** What one flush took from a room: the rows it commits and the acks it may then send. */
export interface RoomBatch {
  room: Room;
  rows: PendingRow[];
  clientIds: ClientIdOwner[];
  ledger: LedgerEntries;
  acks: Map<Peer, number>;
}

/** Merges runs of one client written within a minute of each other: fewer ledger rows. */
function compactInserts(ledger: LedgerEntries): LedgerEntries {
  const inserts: LedgerEntries['inserts'] = [];
  for (const e of ledger.inserts) {
    const last = inserts[inserts.length - 1];
    if (
      last &&
      last.clientId === e.clientId &&
      last.clock + last.len === e.clock &&
      e.at - last.at < 60_000
    ) {
      last.len += e.len;
    } else {
      inserts.push({ ...e });
    }
  }
  return { ...ledger, inserts };
}

/** Whether a frame is a sync step 1, read from its first two bytes without decoding it. */
const isSyncStep1 = (frame: Uint8Array) => frame[0] === 0 && frame[1] === 0;

/** A state vector of no clients: a client that holds nothing of the document yet. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  try {
    return Y.decodeStateVector(stateVector).size === 0;
  } catch {
    return false;
  }
}

/** Whether an update carries any struct or deletion at all. */
function carriesAnything(update: Uint8Array): boolean {
  try {
    const { structs, ds } = Y.decodeUpdate(update);
    return structs.length > 0 || ds.clients.size > 0;
  } catch {
    return true;
  }
}

/** Whether an update would add or delete anything in `doc` (checked without applying it). */
function changesDocument(doc: Y.Doc, update: Uint8Array): boolean {
  let meta: { to: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    return true;
  }
  for (const [clientId, to] of meta.to) if (to > Y.getState(doc.store, clientId)) return true;
  try {
    return Y.decodeUpdate(update).ds.clients.size > 0;
  } catch {
    return true;
  }
}

/**
 * An update without the structs the doc already holds. Yjs skips content it has and
 * integrates the rest of a struct that starts below its clock "with an offset", placing it
 * after its own item at the clock before, yet in the parent the sender's struct named: a
 * sender who reuses its client id with other content (honest clients never do) thereby
 * makes an item whose parent and neighbours disagree, which no replica reproduces from
 * the server's own encoding of it. Cut at the doc's state vector, the struct names its
 * left neighbour as its origin and takes that item's parent, as it does everywhere.
 */
function withoutKnownStructs(
  doc: Y.Doc,
  update: Uint8Array,
): { update: Uint8Array; to: Map<number, number> } {
  let meta: { from: Map<number, number>; to: Map<number, number> };
  try {
    meta = Y.parseUpdateMeta(update);
  } catch {
    throw new ProtocolError('update could not be decoded');
  }
  for (const [clientId, clock] of meta.from) {
    if (clock < Y.getState(doc.store, clientId)) {
      try {
        // Cutting changes where each client's structs start, not where they end.
        return { update: Y.diffUpdate(update, Y.encodeStateVector(doc)), to: meta.to };
      } catch {
        throw new ProtocolError('update could not be decoded');
      }
    }
  }
  return { update, to: meta.to };
}

/** The clock ranges of each client's content the doc holds parked, in order, merged. */
function parkedRanges(doc: Y.Doc): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>();
  const pending = doc.store.pendingStructs;
  if (!pending) return out;
  for (const struct of Y.decodeUpdate(pending.update).structs) {
    const list = out.get(struct.id.client) ?? [];
    list.push([struct.id.clock, struct.id.clock + struct.length]);
    out.set(struct.id.client, list);
  }
  for (const list of out.values()) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = list.length - 1; i > 0; i--) {
      const prev = list[i - 1] as [number, number];
      const cur = list[i] as [number, number];
      if (cur[0] <= prev[1]) {
        prev[1] = Math.max(prev[1], cur[1]);
        list.splice(i, 1);
      }
    }
  }
  return out;
}

/** Whether the merged ranges cover every clock from `from` up to `to`. */
function covered(ranges: readonly [number, number][], from: number, to: number): boolean {
  let at = from;
  for (const [start, end] of ranges) {
    if (start > at) break;
    if (end > at) at = end;
    if (at >= to) return true;
  }
  return at >= to;
}

const pendingSize = (doc: {
  store: { pendingStructs: { update: Uint8Array } | null; pendingDs: Uint8Array | null };
}) => (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);

export const hashUpdate = (update: Uint8Array) =>
  createHash('sha256').update(update).digest('hex').slice(0, 16);

/**
 * Reads a document's snapshot and the rows after it. The snapshot is checked for shape
 * like any update: damaged bytes must neither hang Yjs nor reach a client. The journal
 * keeps every row, so a document whose snapshot is damaged is read from all its rows
 * instead (`rebuilt`), and nothing committed is lost.
 */
export async function readJournal(
  journal: JournalStore,
  documentId: string,
  logger: Logger,
): Promise<{ loaded: LoadedJournal; rebuilt: boolean }> {
  const read = async (options?: { withoutSnapshot: boolean }) => {
    try {
      return await journal.load(documentId, options);
    } catch (err) {
      throw new LoadError(`journal could not be read: ${String(err)}`);
    }
  };
  const loaded = await read();
  if (!loaded.snapshot && loaded.rows.length === 0) {
    throw new LoadError('journal has no rows for this document');
  }
  if (!loaded.snapshot) return { loaded, rebuilt: false };
  try {
    validateUpdate(loaded.snapshot.state, SNAPSHOT_LIMITS);
    return { loaded, rebuilt: false };
  } catch (err) {
    logger.log('error', 'journal.snapshot_damaged', {
      documentId,
      uptoSeq: loaded.snapshot.uptoSeq,
      hash: hashUpdate(loaded.snapshot.state),
      error: String(err),
    });
  }
  const everyRow = await read({ withoutSnapshot: true });
  if (everyRow.rows.length === 0) throw new LoadError('snapshot is damaged and no rows remain');
  return { loaded: everyRow, rebuilt: true };
}

/**
 * One document in memory: its Y.Doc, awareness and connected peers. Updates are applied
 * to the doc at once, journaled in the next flush, and relayed to others only after the
 * journal commit, so no client ever holds content the server could lose.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly peers = new Set<Peer>();
  state: 'loading' | 'ready' | 'failed' | 'unloaded' = 'loading';
  pending: PendingRow[] = [];
  /** Sync step 2 replies, each held until every edit it contains is committed. */
  #waitingForCommit: {
    upto: number;
    send: () => void;
    /** For a sync step 2 reply: whom it answers and what they said they had. */
    answers?: { peer: Peer; stateVector: Uint8Array };
  }[] = [];
  /**
   * Batches taken for a commit that has not finished. Their edits are in the doc but not
   * yet durable, so the doc holds only committed content when this is 0 and nothing is
   * pending.
   */
  #committing = 0;
  #nextSeq = 1;
  #lastCommittedSeq = 0;
  /**
   * How far the doc holds the journal without a gap, in the journal's own sequence
   * numbers: a snapshot may claim to cover only this far. With one process it follows
   * `#lastCommittedSeq`; with several writing one document it waits for their rows.
   */
  #journalUpto = 0;
  /** Journal rows the doc holds beyond a gap. */
  readonly #journalAhead = new Set<number>();
  #catchUp: NodeJS.Timeout | null = null;
  /** How long the next gap read waits: doubles while reading does not fill the gap. */
  #catchUpDelay = CATCH_UP_AFTER_MS;
  /** A read of the journal was asked for while the room was loading. */
  #catchUpAfterLoad = false;
  /** What other processes announced while this room was loading, applied once it is ready. */
  #backlog: CommittedElsewhere[] = [];
  /** Presence states announced by other processes: no connection here may take them. */
  readonly #elsewherePresence = new Set<number>();
  /** Presence changes of this process's connections, announced to other processes. */
  #presenceToAnnounce = new Set<number>();
  /** Set by the sync server when other processes share the documents (see `cluster/`). */
  announcePresence: ((update: Uint8Array) => void) | null = null;
  /** Stops hearing from other processes about this document (set with `announcePresence`). */
  unfollow: (() => void) | null = null;
  #rowsSinceSnapshot = 0;
  #storedBytes = 0;
  #awarenessOwner = new Map<number, Peer>();
  /** Presence changes of this event-loop turn, relayed together at its end. */
  #awarenessChanged = new Set<number>();
  #awarenessRelay: NodeJS.Immediate | null = null;
  /** Who wrote what: client id owners (the attribution gate's registry) and the ledger. */
  index = new AuthorshipIndex();
  #ledger: LedgerEntries = { inserts: [], carried: [], deletes: [] };
  #newClientIds: ClientIdOwner[] = [];
  #idsPerAccount = new Map<string | null, number>();
  #snapshotting: Promise<void> | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  #editedSinceVersion = false;
  #lastVersionAt = Date.now();
  /** Connections that arrived while the room was loading; they join once it is ready. */
  readonly waiting = new Set<Peer>();

  constructor(
    readonly documentId: string,
    private readonly journal: JournalStore,
    private readonly options: SyncOptions,
    private readonly logger: Logger,
    private readonly requestFlush: (room: Room) => void,
    private readonly latency: SyncLatency,
  ) {
    // The server publishes no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        const elsewhere = origin === ELSEWHERE;
        for (const id of [...added, ...updated, ...removed]) {
          this.#awarenessChanged.add(id);
          // A state that timed out here times out in every process by itself.
          if (!elsewhere && origin !== 'timeout') this.#presenceToAnnounce.add(id);
        }
        if (elsewhere) {
          for (const id of [...added, ...updated]) this.#elsewherePresence.add(id);
        }
        for (const id of removed) this.#elsewherePresence.delete(id);
        if (this.#awarenessChanged.size > 0)
          this.#awarenessRelay ??= setImmediate(this.#relayAwareness);
      },
    );
  }

  /**
   * Relays every presence change of one event-loop turn as one frame, as Hocuspocus does.
   * Every y-websocket client renews its presence each 15 s, so a big room's renewals
   * arrive in bursts: relayed one by one, 150 people made 22,500 writes (one system call
   * each), which stalled the event loop for 100 ms and more and every edit behind it.
   */
  readonly #relayAwareness = (): void => {
    this.#awarenessRelay = null;
    const changed = [...this.#awarenessChanged];
    this.#awarenessChanged.clear();
    if (changed.length === 0 || this.state === 'unloaded') return;
    const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const peer of this.peers) peer.send(frame);
    const announce = [...this.#presenceToAnnounce];
    this.#presenceToAnnounce.clear();
    if (this.announcePresence && announce.length > 0) {
      this.announcePresence(awarenessProtocol.encodeAwarenessUpdate(this.awareness, announce));
    }
  };

  /** Tells other processes that this process's people are gone (the room is ending). */
  withdrawPresence(): void {
    const ids = [...this.#awarenessOwner.keys()];
    if (!this.announcePresence || ids.length === 0) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, ids, ELSEWHERE);
    this.announcePresence(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }

  /** The presence of this process's connections, for a process that just opened the room. */
  localPresence(): Uint8Array | null {
    const ids = [...this.#awarenessOwner.keys()].filter((id) => this.awareness.getStates().has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Presence another process announced (already rewritten with its people's identities). */
  applyPresenceFromElsewhere(update: Uint8Array): void {
    if (this.state !== 'ready') return;
    if (update.byteLength > MAX_PRESENCE_FROM_ELSEWHERE_BYTES) {
      throw new Error(`presence of ${update.byteLength} bytes from another process`);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, ELSEWHERE);
  }

  /**
   * Edits another process committed: applied and relayed here (they are durable already),
   * never journaled again. Rows this room has are skipped; a gap before them is read from
   * the journal if it is not announced soon.
   */
  applyCommittedElsewhere(committed: CommittedElsewhere): void {
    if (this.state === 'loading') {
      this.#backlog.push(committed);
      return;
    }
    if (this.state !== 'ready') return;
    for (const [clientId, accountId] of committed.owners) {
      if (this.index.owners.has(clientId)) continue;
      this.index.owners.set(clientId, accountId);
      this.#idsPerAccount.set(accountId, (this.#idsPerAccount.get(accountId) ?? 0) + 1);
    }
    // What the load (or an earlier read) already had is not added, or told, twice.
    const carried = committed.carried.filter(
      (c) => this.index.authorOf(c.clientId, c.clock) !== c.authorId,
    );
    this.index.add({
      inserts: committed.inserts.filter(
        (e) => this.index.writtenAt(e.clientId, e.clock) === undefined,
      ),
      carried,
    });
    const fresh = committed.rows.filter(
      (r) => r.seq > this.#journalUpto && !this.#journalAhead.has(r.seq),
    );
    this.#applyRows(fresh);
    if (committed.owners.length > 0 || carried.length > 0) {
      const frame = encodeAttribution({
        owners: committed.owners,
        carried: carried.map((c) => [c.clientId, c.clock, c.len, c.authorId, c.originalAt]),
      });
      for (const peer of this.peers) if (peer.chorusClient) peer.send(frame);
    }
  }

  /** Tells the Chorus clients here that something kept beside the document changed. */
  notice(topic: NoticeTopic): void {
    // A scoring notice is for the scoring page's stream only (see `socketNoticeTopics`).
    if (!socketNoticeTopics.includes(topic)) return;
    const frame = encodeNotice(topic);
    for (const peer of this.peers) if (peer.chorusClient) peer.send(frame);
  }

  /** Applies and relays committed rows from elsewhere, and notes their place in the journal. */
  #applyRows(rows: CommittedElsewhere['rows']): void {
    if (rows.length === 0) return;
    const pending: PendingRow[] = [];
    const applied: number[] = [];
    const fixes: { fix: PdsaFix; author: EditAuthor | null }[] = [];
    for (const row of rows) {
      this.#pdsaFixes = [];
      try {
        // Checked for shape as a loaded row is: a damaged one must not hang Yjs.
        validateUpdate(row.update, SNAPSHOT_LIMITS);
        Y.applyUpdate(this.doc, row.update, ELSEWHERE);
      } catch (err) {
        // Committed by a process that applied it, so this is not expected. It stays a gap
        // (a snapshot never claims it), and the next load quarantines it if it really
        // cannot be applied.
        this.logger.log('error', 'cluster.row_not_applied', {
          documentId: this.documentId,
          seq: row.seq,
          error: String(err),
        });
        continue;
      }
      applied.push(row.seq);
      if (this.#pdsaFixes.length > 0) {
        const author = this.#authorOfRow(row);
        for (const fix of this.#pdsaFixes) fixes.push({ fix, author });
      }
      this.#storedBytes += row.update.byteLength;
      this.#rowsSinceSnapshot++;
      pending.push({
        origin: ELSEWHERE,
        appliedAt: performance.now(),
        row: {
          documentId: this.documentId,
          seq: row.seq,
          createdAt: 0,
          accountId: null,
          update: row.update,
        },
      });
    }
    const peers = [...this.peers];
    for (const peer of peers) peer.conn.cork?.();
    try {
      this.#relayRuns(pending);
    } finally {
      for (const peer of peers) peer.conn.uncork?.();
    }
    this.#noteJournal(applied);
    this.#pdsaFixes = [];
    if (fixes.length > 0) this.#correctElsewhere(fixes);
  }

  /**
   * Sets back what other processes' edits did against PDSA rules, once all the rows that
   * came together are applied: a correction the other process made (it comes with the
   * edit, in the same commit) has then set the value back already, and nothing more is
   * written. What is still wrong is corrected here, credited to the edit's author.
   */
  #correctElsewhere(fixes: readonly { fix: PdsaFix; author: EditAuthor | null }[]): void {
    const byAuthor = new Map<string, { author: EditAuthor; fixes: PdsaFix[] }>();
    for (const { fix, author } of fixes) {
      const now: unknown = fix.cycle.getAttribute(fix.key);
      if (fix.cycle._item?.deleted || (typeof now === 'string' ? now : '') === fix.value) {
        continue;
      }
      if (!author) {
        this.logger.log('warn', 'sync.pdsa_uncorrected', {
          documentId: this.documentId,
          field: fix.key,
          reason: 'no author known for the edit',
        });
        continue;
      }
      const entry = byAuthor.get(author.accountId) ?? { author, fixes: [] };
      entry.fixes.push(fix);
      byAuthor.set(author.accountId, entry);
    }
    for (const { author, fixes: theirs } of byAuthor.values()) {
      this.#pdsaFixes = theirs;
      this.#correct(author);
    }
    this.#pdsaFixes = [];
    // The corrections are this process's own edits: journaled, then relayed.
    if (byAuthor.size > 0) this.requestFlush(this);
  }

  /** Records rows the doc now holds; reads a gap from the journal if it lasts. */
  #noteJournal(seqs: readonly number[]): void {
    for (const seq of seqs) if (seq > this.#journalUpto) this.#journalAhead.add(seq);
    while (this.#journalAhead.delete(this.#journalUpto + 1)) this.#journalUpto++;
    if (this.#journalAhead.size === 0) {
      this.#catchUpDelay = CATCH_UP_AFTER_MS;
      return;
    }
    if (this.#catchUp) return;
    this.#catchUp = setTimeout(() => {
      this.#catchUp = null;
      void this.#readGap();
    }, this.#catchUpDelay);
    this.#catchUp.unref();
  }

  /** How far the doc holds the journal without a gap. */
  get journalUpto(): number {
    return this.#journalUpto;
  }

  /**
   * Reads what other processes committed after the rows this room holds without a gap:
   * after Redis was away, when announcements may have been lost unnoticed.
   */
  catchUp(): Promise<void> {
    if (this.state === 'loading') {
      this.#catchUpAfterLoad = true;
      return Promise.resolve();
    }
    return this.#readGap(true);
  }

  /** Reads rows another process committed but whose announcement never came. */
  async #readGap(always = false): Promise<void> {
    if (this.state !== 'ready' || (this.#journalAhead.size === 0 && !always)) return;
    try {
      const rows = await this.journal.rowsAfter(this.documentId, this.#journalUpto);
      const ledger = await this.journal.loadLedger(this.documentId);
      if (this.state !== 'ready') return;
      const missing = rows.filter((r) => !this.#journalAhead.has(r.seq));
      // The read sees a gapless prefix of what was committed, so a number below its last
      // row that it lacks was quarantined by the process that loaded it: nothing to wait for.
      const last = rows[rows.length - 1]?.seq ?? this.#journalUpto;
      const stored = new Set(rows.map((r) => r.seq));
      const gone: number[] = [];
      for (let seq = this.#journalUpto + 1; seq < last; seq++) if (!stored.has(seq)) gone.push(seq);
      // If this read does not close the gap, the next waits longer.
      this.#catchUpDelay = Math.min(this.#catchUpDelay * 2, CATCH_UP_MAX_MS);
      this.#noteJournal(gone);
      if (missing.length === 0) return;
      this.logger.log('warn', 'cluster.caught_up', {
        documentId: this.documentId,
        from: this.#journalUpto,
        rows: missing.length,
      });
      // applyCommittedElsewhere adds (and tells) only the ledger entries the index lacks;
      // owners are narrowed here so that clients are told only of new ones.
      this.applyCommittedElsewhere({
        rows: missing,
        owners: [...ledger.owners].filter(([clientId]) => !this.index.owners.has(clientId)),
        inserts: ledger.inserts,
        carried: ledger.carried,
      });
      // Rows still beyond reach (committed after the read) come announced, or next time.
      if (this.#journalAhead.size > 0) this.#noteJournal([]);
    } catch (err) {
      this.logger.log('error', 'cluster.catch_up_failed', {
        documentId: this.documentId,
        error: String(err),
      });
      this.#noteJournal([]);
    }
  }

  /** Loads snapshot plus later journal rows. A row that cannot be applied is quarantined. */
  async load(): Promise<void> {
    const started = performance.now();
    const { loaded, rebuilt } = await readJournal(this.journal, this.documentId, this.logger);
    const read = performance.now();
    let servedMs: number | null = null;
    if (loaded.snapshot && loaded.rows.length === 0 && this.waiting.size > 0) {
      if (await this.#serveSnapshotFirst(loaded.snapshot.state)) {
        servedMs = Math.round((performance.now() - started) * 10) / 10;
      }
    }
    const integrating = performance.now();
    if (loaded.snapshot) {
      try {
        Y.applyUpdate(this.doc, loaded.snapshot.state);
      } catch (err) {
        throw new LoadError(`snapshot could not be applied: ${String(err)}`);
      }
      this.#lastCommittedSeq = loaded.snapshot.uptoSeq;
      this.#storedBytes += loaded.snapshot.state.byteLength;
    }
    for (const row of loaded.rows) {
      this.#lastCommittedSeq = Math.max(this.#lastCommittedSeq, row.seq);
      try {
        // A damaged row is checked like a client's update first: counts beyond its bytes
        // would keep Yjs busy for seconds before it threw (a 7-byte row: 0.9 s).
        validateUpdate(row.update, SNAPSHOT_LIMITS);
        Y.applyUpdate(this.doc, row.update);
        this.#storedBytes += row.update.byteLength;
        this.#rowsSinceSnapshot++;
      } catch (err) {
        this.logger.log('error', 'journal.row_quarantined', {
          documentId: this.documentId,
          seq: row.seq,
          hash: hashUpdate(row.update),
          error: String(err),
        });
        await this.journal.quarantine(this.documentId, row.seq, String(err));
      }
    }
    const applied = performance.now();
    try {
      this.index = AuthorshipIndex.from(await this.journal.loadLedger(this.documentId));
    } catch (err) {
      throw new LoadError(`attribution ledger could not be read: ${String(err)}`);
    }
    for (const account of this.index.owners.values()) {
      this.#idsPerAccount.set(account, (this.#idsPerAccount.get(account) ?? 0) + 1);
    }
    this.#nextSeq = this.#lastCommittedSeq + 1;
    // Every row up to the journal's head was read (the read is one consistent view).
    this.#journalUpto = Math.max(this.#lastCommittedSeq, loaded.headSeq ?? 0);
    // Journal and attribute only what people send from now on.
    this.doc.on('update', (update: Uint8Array, origin: unknown) =>
      this.#onDocUpdate(update, origin),
    );
    this.doc.on('afterTransaction', (tr: Y.Transaction) => {
      this.#attribute(tr);
      // Values with rules are checked here too: content that waited (parked) for edits
      // the server lacked is applied without the arrival check (see `valueFixes`).
      const values = this.options.content?.values;
      if (tr.origin instanceof Peer) this.#pdsaFixes.push(...pdsaFixes(tr, values));
      else if (tr.origin === ELSEWHERE) {
        // Cheap first: nearly every transaction touches no cycle.
        const fixes = pdsaFixes(tr, values);
        if (fixes.length > 0 && !this.#serverOnly(tr)) this.#pdsaFixes.push(...fixes);
      }
    });
    this.state = 'ready';
    // Everyone still waiting joins next (or has left); none may be held past the load.
    this.waiting.clear();
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const committed of backlog) this.applyCommittedElsewhere(committed);
    if (this.#catchUpAfterLoad) {
      this.#catchUpAfterLoad = false;
      void this.#readGap(true);
    }
    if (rebuilt) void this.snapshot();
    // Operators (and `pnpm bench`'s cold-load scenario) read how long loading took.
    this.logger.log('info', 'document.loaded', {
      documentId: this.documentId,
      ms: Math.round((performance.now() - started) * 10) / 10,
      readMs: Math.round((read - started) * 10) / 10,
      servedMs,
      applyMs: Math.round((applied - integrating) * 10) / 10,
      ledgerMs: Math.round((performance.now() - applied) * 10) / 10,
      snapshot: loaded.snapshot !== null,
      rebuiltFromRows: rebuilt,
      rows: loaded.rows.length,
      bytes: this.#storedBytes,
    });
  }

  /**
   * Answers brand-new clients (an empty state vector) with the stored snapshot before the
   * server integrates it. Yjs takes about as long to integrate a large document on the
   * server as on the client, so a new client would otherwise wait for both in turn. Only
   * when the snapshot is the whole document (no journal rows after it, the usual case
   * after an idle unload); `load` has checked its shape. Returns whether anyone was
   * answered.
   */
  async #serveSnapshotFirst(state: Uint8Array): Promise<boolean> {
    let frame: Uint8Array | null = null;
    const decided = new Set<Peer>();
    const deadline = performance.now() + SNAPSHOT_FIRST_GRACE_MS;
    for (;;) {
      let undecided = 0;
      for (const peer of this.waiting) {
        if (decided.has(peer)) continue;
        // A connection whose access is being re-checked is sent nothing before it joins.
        if (peer.closed || peer.checking) {
          decided.add(peer);
          continue;
        }
        const at = peer.queue.findIndex((f) => isSyncStep1(f));
        if (at === -1) {
          undecided++;
          continue;
        }
        decided.add(peer);
        let message: ClientMessage;
        try {
          message = decodeClientMessage(peer.queue[at] as Uint8Array);
        } catch {
          continue; // refused, with the reason, when the queue is handled after loading
        }
        if (message.kind !== 'syncStep1' || !isEmptyStateVector(message.stateVector)) continue;
        peer.queue.splice(at, 1);
        frame ??= encodeSyncStep2(state);
        peer.send(frame);
      }
      if (undecided === 0 || performance.now() >= deadline) break;
      // Let the sockets' frames in: a client sends its step 1 as soon as it is upgraded.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    if (frame === null) return false;
    // Integrating blocks the event loop, so let the bytes leave first: the time a new
    // client waits is until the snapshot is on the wire, not until send() was called.
    const drainBy = performance.now() + SNAPSHOT_FIRST_DRAIN_MS;
    const pending = () => [...this.waiting].some((p) => !p.closed && p.conn.bufferedAmount > 0);
    while (pending() && performance.now() < drainBy) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return true;
  }

  /** Who made an edit, and in what role, from the server's records: never from the client. */
  #author(origin: unknown): EditAuthor | null {
    if (origin instanceof ServerEdit) return origin;
    if (origin instanceof Object && this.peers.has(origin as Peer)) {
      const { identity } = origin as Peer;
      return { accountId: identity.userId, participantRole: identity.participantRole };
    }
    return null;
  }

  #onDocUpdate(update: Uint8Array, origin: unknown): void {
    const author = this.#author(origin);
    if (!author) return;
    const createdAt = Date.now();
    // An edit that changed the document is use of the sender's session (see Peer.lastEditAt).
    if (origin instanceof Peer) origin.lastEditAt = createdAt;
    this.pending.push({
      origin: origin as EditOrigin,
      appliedAt: performance.now(),
      row: {
        documentId: this.documentId,
        seq: this.#nextSeq++,
        createdAt,
        accountId: author.accountId,
        participantRole: author.participantRole,
        update,
      },
    });
    this.#storedBytes += update.byteLength;
  }

  /** Records who inserted and deleted what in one applied transaction (the ledger). */
  #attribute(tr: Y.Transaction): void {
    const accountId = this.#author(tr.origin)?.accountId;
    if (!accountId) return;
    const entries = recordTransaction(
      tr,
      this.documentId,
      this.index,
      accountId,
      Date.now(),
      tr.origin instanceof ServerEdit ? tr.origin.sources : [],
    );
    this.#ledger.inserts.push(...entries.inserts);
    this.#ledger.carried.push(...entries.carried);
    this.#ledger.deletes.push(...entries.deletes);
  }

  /**
   * Applies an edit made by the server on someone's behalf (a version restore, an accepted
   * suggestion) through the same gate, journal and relay as an edit from a connection.
   * With `claim`, a client id new to the document is registered to the author in the
   * edit's own commit, even if the edit only deletes: whether that commit happened can
   * then be read from the registry (see `CommentStore.settleAcceptance`).
   */
  applyServerEdit(update: Uint8Array, edit: ServerEdit, claim?: number): void {
    if (
      claim !== undefined &&
      (this.index.owners.has(claim) || Y.getState(this.doc.store, claim) > 0)
    ) {
      throw new Error('server edit claims a client id already in use');
    }
    const meta = Y.parseUpdateMeta(update);
    for (const [clientId, to] of meta.to) {
      if (to <= Y.getState(this.doc.store, clientId)) continue;
      const owner = this.index.owners.get(clientId);
      if (owner !== undefined && owner !== edit.accountId) {
        throw new Error('server edit uses a client id of another account');
      }
    }
    for (const [clientId, to] of meta.to) {
      if (to > Y.getState(this.doc.store, clientId) && !this.index.owners.has(clientId)) {
        this.#register(clientId, edit);
      }
    }
    // An edit that only deletes writes no content under the id it claims.
    if (claim !== undefined && !this.index.owners.has(claim)) this.#register(claim, edit);
    Y.applyUpdate(this.doc, update, edit);
    this.requestFlush(this);
  }

  #register(clientId: number, author: EditAuthor): void {
    this.index.owners.set(clientId, author.accountId);
    this.#newClientIds.push({
      documentId: this.documentId,
      clientId,
      accountId: author.accountId,
      firstSeen: Date.now(),
      participantRole: author.participantRole,
    });
  }

  /** What the update being applied did against PDSA cycles' rules (see pdsaLock.ts). */
  #pdsaFixes: PdsaFix[] = [];
  /** The server's own client id for its corrections in this document, once it made one. */
  #correctionClientId: number | null = null;

  /**
   * Whether a transaction wrote only under the servers' own client ids: another process's
   * PDSA corrections, which are not checked again here. Two processes that each saw the
   * edits in a different order may set a prediction back to different values; checking
   * each other's corrections would set them back and forth for ever. A transaction that
   * only deletes (an attribute removed) wrote under no id, so it is someone's and checked.
   */
  #serverOnly(tr: Y.Transaction): boolean {
    let wrote = false;
    for (const [clientId, clock] of tr.afterState) {
      if (clock <= (tr.beforeState.get(clientId) ?? 0)) continue;
      if (this.index.owners.get(clientId) !== null) return false;
      wrote = true;
    }
    return wrote;
  }

  /**
   * The author of a row another process committed, for a correction of it: the account
   * the journal records for it, or else the account owning the first client id it wrote
   * under that is not a server's.
   */
  #authorOfRow(row: CommittedElsewhere['rows'][number]): EditAuthor | null {
    if (row.accountId) return { accountId: row.accountId, participantRole: null };
    for (const clientId of Y.parseUpdateMeta(row.update).to.keys()) {
      const accountId = this.index.owners.get(clientId);
      if (accountId) return { accountId, participantRole: null };
    }
    return null;
  }

  /**
   * Sets back what an edit changed against a PDSA cycle's rules, as an edit journaled and
   * relayed like any other (credited to its author, whose change it undoes), so every
   * client ends with the locked prediction. It is written under a client id of the
   * server's own, which no connection may write under. A connection that keeps doing it
   * is closed (see #handleMessage).
   *
   * An edit another process committed is checked here too: that process may have taken it
   * before it heard that Do had started here (people on two processes at the same moment,
   * or someone reconnecting to the other process), and then neither process would have
   * set it back. Each process sets back what breaks the rules in the order it applied the
   * edits, so every copy ends with a prediction that was current when Do started.
   */
  #correct(author: EditAuthor): void {
    const fixes = this.#pdsaFixes;
    this.#pdsaFixes = [];
    if (this.#correctionClientId === null) {
      const id = freshClientId(this.doc, this.index.owners);
      this.#correctionClientId = id;
      this.index.owners.set(id, null);
      this.#newClientIds.push({
        documentId: this.documentId,
        clientId: id,
        accountId: null,
        firstSeen: Date.now(),
        participantRole: null,
      });
    }
    const own = this.doc.clientID;
    this.doc.clientID = this.#correctionClientId;
    try {
      this.doc.transact(() => {
        for (const { cycle, key, value } of fixes) {
          if (!cycle._item?.deleted) cycle.setAttribute(key, value);
        }
      }, new ServerEdit(author.accountId, author.participantRole));
    } finally {
      this.doc.clientID = own;
    }
    this.logger.log('info', 'sync.pdsa_corrected', {
      documentId: this.documentId,
      accountId: author.accountId,
      fields: fixes.map((f) => f.key).join(','),
    });
  }

  /**
   * Refuses deletions of content the server does not have under a client id that is not
   * the sender's. Yjs keeps them waiting, and applies them to whatever later arrives under
   * those clocks: someone's next words (or the server's next correction) would be deleted
   * as they are written. An honest client only deletes what it has seen, and it has seen
   * only its own content and what the server sent it: the server's content, or content
   * the server holds parked (relayed as it was journaled) until what it waits for arrives.
   */
  #checkParkedDeletions(peer: Peer, update: Uint8Array, pendingDsBefore: Uint8Array | null) {
    let ds: ReturnType<typeof Y.decodeUpdate>['ds'];
    try {
      ds = Y.decodeUpdate(update).ds;
    } catch {
      throw new ProtocolError('update could not be decoded');
    }
    const parked = parkedRanges(this.doc);
    const claims: number[] = [];
    for (const [clientId, ranges] of ds.clients) {
      const state = Y.getState(this.doc.store, clientId);
      const held = parked.get(clientId) ?? [];
      const beyond = (r: { clock: number; len: number }) =>
        r.clock + r.len > state && !covered(held, Math.max(r.clock, state), r.clock + r.len);
      if (!ranges.some(beyond)) continue;
      const owner = this.index.owners.get(clientId);
      if (owner === peer.identity.userId) continue;
      // An id nobody has written under yet may be the sender's own, whose content follows
      // in the same sync; unless someone else is present under it, the deletion claims it
      // for the sender (as content would), so nobody else's words can be written under it
      // and deleted. Presence shows ids to every reader: an id in use elsewhere is refused.
      const present = this.#awarenessOwner.get(clientId);
      if (
        owner !== undefined ||
        (present !== undefined && present !== peer) ||
        this.#elsewherePresence.has(clientId)
      ) {
        this.doc.store.pendingDs = pendingDsBefore;
        throw new ProtocolError('update deletes content the server does not have');
      }
      claims.push(clientId);
    }
    if (claims.length > 0) this.#claim(peer, claims);
  }

  /** Adds a peer to a loaded room: the server's sync step 1 first, then current presence. */
  join(peer: Peer): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.peers.add(peer);
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    const moving = peer.moving;
    peer.moving = null;
    if (moving) this.#takeOver(peer, moving);
    const states = this.awareness.getStates();
    if (states.size > 0) {
      peer.send(
        encodeAwareness(
          awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]),
        ),
      );
    }
    const queued = peer.queue;
    peer.queue = [];
    for (const frame of queued) {
      if (peer.closed) break;
      this.handleFrame(peer, frame);
    }
  }

  /**
   * A connection that comes from a room dropped in this one's place (see `failCommit`): it
   * gets what this room holds beyond that room's copy (rows another process committed that
   * the old room had not heard of yet; a client does not ask again without reconnecting),
   * its presence is taken over as it was, and its page is told to read the status again.
   */
  #takeOver(peer: Peer, moving: NonNullable<Peer['moving']>): void {
    // Its client was joining: the answer it waits for comes from here (it never asks again).
    if (moving.asked) this.#answerSyncStep1(peer, moving.asked);
    let missing: Uint8Array;
    try {
      missing = Y.encodeStateAsUpdate(this.doc, moving.stateVector);
    } catch {
      return;
    }
    if (carriesAnything(missing)) {
      const frame = encodeUpdate(missing);
      this.#whenCommitted(() => peer.send(frame));
    }
    if (moving.presence) this.handleFrame(peer, encodeAwareness(moving.presence));
    // The status changed (that is why it moved), and the status change's own notice may
    // have come while no room held this connection: its page reads the status again.
    if (peer.chorusClient) peer.send(encodeNotice('status'));
  }

  leave(peer: Peer): void {
    this.peers.delete(peer);
    const ids = [...peer.awarenessIds].filter((id) => this.#awarenessOwner.get(id) === peer);
    for (const id of ids) this.#awarenessOwner.delete(id);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  /** Decodes and acts on one frame; a bad frame closes only this peer. */
  handleFrame(peer: Peer, frame: Uint8Array): void {
    let message: ClientMessage;
    try {
      message = decodeClientMessage(frame);
    } catch (err) {
      this.#reject(peer, err, frame);
      return;
    }
    try {
      this.#handleMessage(peer, message);
    } catch (err) {
      this.#reject(peer, err, frame);
    }
  }

  #handleMessage(peer: Peer, message: ClientMessage): void {
    switch (message.kind) {
      case 'chorusHello':
        peer.chorusClient = true;
        // Confirm anything already committed, so a reconnect starts from a known count.
        if (peer.received > 0) this.requestFlush(this);
        return;
      case 'syncStep1': {
        try {
          this.#answerSyncStep1(peer, message.stateVector);
        } catch (err) {
          this.#reject(peer, new ProtocolError('malformed state vector'), message.stateVector, err);
        }
        return;
      }
      case 'syncStep2':
      case 'update': {
        if (!peer.identity.canEdit) {
          // A reader's changes are never applied, stored or relayed. A reader's client
          // still answers the server's sync step 1 (usually with nothing new): confirm
          // those, so its status can say it is up to date; never confirm real changes.
          if (!changesDocument(this.doc, message.update)) {
            peer.received++;
            this.requestFlush(this);
          } else if (peer.identity.textLocked) {
            // Its copy now holds content the document lacks: see `recheckAccess` on reopening.
            if (!peer.refusedChanges) {
              this.logger.log('info', 'sync.refused_locked', {
                documentId: this.documentId,
                accountId: peer.identity.userId,
                type: message.kind,
                bytes: message.update.byteLength,
              });
            }
            peer.refusedChanges = true;
          }
          return;
        }
        const size = message.update.byteLength;
        if (this.#storedBytes + size > this.options.maxDocumentBytes) {
          this.logger.log('warn', 'sync.document_too_large', {
            documentId: this.documentId,
            accountId: peer.identity.userId,
          });
          peer.close(CloseCode.documentTooLarge, 'document size limit reached');
          return;
        }
        validateUpdate(message.update, undefined, this.options.content);
        if (this.options.content) {
          checkPlacement(this.doc, message.update, this.options.content.values);
        }
        const { update, to } = withoutKnownStructs(this.doc, message.update);
        if (!this.#checkClientIds(peer, update, to)) return;
        // Yjs merges newly parked content into its pending record in place (`pending.update`
        // and `pending.missing`), so compare with, and restore, a copy of it.
        const parkedStructs = this.doc.store.pendingStructs;
        const pendingBefore = {
          pendingStructs: parkedStructs && {
            missing: new Map(parkedStructs.missing),
            update: parkedStructs.update,
          },
          pendingDs: this.doc.store.pendingDs,
        };
        this.#pdsaFixes = [];
        try {
          Y.applyUpdate(this.doc, update, peer);
        } catch (err) {
          throw new ProtocolError(`update could not be applied: ${String(err)}`);
        } finally {
          // Also after a partly applied update: what was applied stays, and is journaled.
          if (this.#pdsaFixes.length > 0) {
            this.#correct({
              accountId: peer.identity.userId,
              participantRole: peer.identity.participantRole,
            });
            peer.corrected += 1;
          }
        }
        // Yjs re-encodes what it parks; a crafted update can park content whose encoding does
        // not decode again. Kept, it would break the next honest edit that reads what is
        // parked (found by the fuzz test, CHORUS_FUZZ_SEED=341173328): refuse it here.
        const nowParked = this.doc.store.pendingStructs;
        if (nowParked && nowParked.update !== pendingBefore.pendingStructs?.update) {
          try {
            Y.decodeUpdate(nowParked.update);
          } catch {
            this.doc.store.pendingStructs = pendingBefore.pendingStructs;
            this.doc.store.pendingDs = pendingBefore.pendingDs;
            throw new ProtocolError('update leaves content waiting that cannot be read back');
          }
        }
        if (this.doc.store.pendingDs !== pendingBefore.pendingDs) {
          this.#checkParkedDeletions(peer, update, pendingBefore.pendingDs);
        }
        const parked = pendingSize(this.doc);
        const grew = parked > pendingSize({ store: pendingBefore });
        // A client that reconnects may send a new edit before the offline edits it
        // depends on (they follow in its sync step 2), so some waiting is normal; a
        // pile of content whose dependencies never come is not, and would slow every
        // later edit.
        if (grew && parked > MAX_PENDING_BYTES) {
          this.doc.store.pendingStructs = pendingBefore.pendingStructs;
          this.doc.store.pendingDs = pendingBefore.pendingDs;
          throw new ProtocolError('too much content waiting for edits the server does not have');
        }
        // Parked content emits no doc update: journal the update as sent, so a confirmed
        // edit is never held only in memory. That the total grew is not enough to tell:
        // one update can release earlier parked content and park some of its own. When
        // part of it was applied, that part is journaled twice; loading skips what it has.
        if (grew || (parked > 0 && this.#leftParked(update, pendingBefore.pendingDs))) {
          this.#onDocUpdate(update, peer);
        }
        peer.received++;
        this.requestFlush(this);
        // Closed only now, so the checks on parked content above have run.
        if (peer.corrected > MAX_CORRECTIONS_PER_PEER) {
          throw new ProtocolError('PDSA cycles changed against their rules too often');
        }
        return;
      }
      case 'awareness': {
        // Viewers read without appearing; stock clients send presence anyway, so drop it.
        if (!peer.identity.publishPresence) return;
        const claiming = new Set<number>();
        const { update, clientIds } = rewriteAwarenessUpdate(
          message.update,
          { name: peer.identity.name, role: peer.identity.role, color: peer.identity.color },
          (id, live) => {
            // Presence only for ids that are not another account's in the document.
            const registered = this.index.owners.get(id);
            if (registered !== undefined && registered !== peer.identity.userId) return false;
            const owner = this.#awarenessOwner.get(id);
            if (owner !== undefined) return owner === peer;
            // Someone connected to another server process.
            if (this.#elsewherePresence.has(id)) return false;
            // An unowned id is claimed only by publishing a live state, and a connection
            // may hold only a few ids (one per Y.Doc it runs), counted within this message too.
            if (!live) return false;
            if (claiming.has(id)) return true;
            if (peer.awarenessIds.size + claiming.size >= MAX_AWARENESS_IDS_PER_PEER) return false;
            claiming.add(id);
            return true;
          },
        );
        if (!update) return;
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
        for (const id of clientIds) {
          if (this.#awarenessOwner.has(id)) continue;
          // Claimed only if the state was taken: a stock client's late echo of someone who
          // just left carries an old clock, is ignored, and must not take their id.
          if (!this.awareness.getStates().has(id)) continue;
          this.#awarenessOwner.set(id, peer);
          peer.awarenessIds.add(id);
        }
        return;
      }
      case 'queryAwareness': {
        const ids = [...this.awareness.getStates().keys()];
        peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
        return;
      }
    }
  }

  /**
   * The attribution gate (Etherpad's model): new content may only come under Yjs client
   * ids that belong to the sender's account. An unknown id is registered to the sender on
   * first use; an id owned by anyone else rejects the whole update and closes the socket.
   * `ends` is where each client's structs in the update end (read once, with the cut).
   */
  #checkClientIds(peer: Peer, update: Uint8Array, ends: Map<number, number>): boolean {
    const fresh: number[] = [];
    for (const [clientId, to] of ends) {
      if (to <= Y.getState(this.doc.store, clientId)) continue; // nothing new under this id
      if (!this.index.owners.has(clientId)) {
        fresh.push(clientId);
        continue;
      }
      const owner = this.index.owners.get(clientId);
      if (owner !== peer.identity.userId) {
        this.logger.log('warn', 'security.forged_client_id', {
          documentId: this.documentId,
          accountId: peer.identity.userId,
          clientId,
          ownerAccountId: owner ?? 'server',
          hash: hashUpdate(update),
        });
        peer.close(CloseCode.clientIdTaken, 'update carries another account’s client id');
        return false;
      }
    }
    if (fresh.length > 0) this.#claim(peer, fresh);
    return true;
  }

  /** Registers client ids to the sender's account, within the caps per connection and account. */
  #claim(peer: Peer, fresh: readonly number[]): void {
    if (peer.newClientIds + fresh.length > MAX_NEW_CLIENT_IDS_PER_PEER) {
      throw new ProtocolError('too many new client ids on one connection');
    }
    const owned = this.#idsPerAccount.get(peer.identity.userId) ?? 0;
    if (owned + fresh.length > MAX_CLIENT_IDS_PER_ACCOUNT) {
      throw new ProtocolError('this account has opened this document too many times');
    }
    this.#idsPerAccount.set(peer.identity.userId, owned + fresh.length);
    peer.newClientIds += fresh.length;
    const now = Date.now();
    for (const clientId of fresh) {
      this.index.owners.set(clientId, peer.identity.userId);
      this.#newClientIds.push({
        documentId: this.documentId,
        clientId,
        accountId: peer.identity.userId,
        firstSeen: now,
        participantRole: peer.identity.participantRole,
      });
    }
  }

  /** Whether some of `update` waits in the pending record after it was applied. */
  #leftParked(update: Uint8Array, pendingDsBefore: Uint8Array | null): boolean {
    for (const [client, to] of Y.parseUpdateMeta(update).to) {
      if (Y.getState(this.doc.store, client) < to) return true;
    }
    // Deletions of items the server does not have yet wait as a delete set of their own.
    return this.doc.store.pendingDs !== pendingDsBefore;
  }

  #reject(peer: Peer, err: unknown, frame: Uint8Array, cause?: unknown): void {
    const reason = err instanceof ProtocolError ? err.message : 'message could not be handled';
    this.logger.log('warn', 'sync.bad_message', {
      documentId: this.documentId,
      accountId: peer.identity.userId,
      reason,
      bytes: frame.byteLength,
      hash: hashUpdate(frame),
      ...(cause || !(err instanceof ProtocolError) ? { error: String(cause ?? err) } : {}),
    });
    peer.close(CloseCode.badMessage, reason.slice(0, 120));
  }

  /** Whether every edit applied to the doc is committed (none pending, none committing). */
  get settled(): boolean {
    return this.pending.length === 0 && this.#newClientIds.length === 0 && this.#committing === 0;
  }

  /**
   * Runs `send` once every edit the doc holds now is committed: at once if it is, else
   * after the commit of the last of them, even if people keep typing meanwhile (the reply
   * was made from the doc as it is now, so later edits need not wait with it).
   */
  #whenCommitted(send: () => void, answers?: { peer: Peer; stateVector: Uint8Array }): void {
    const upto = this.#nextSeq - 1;
    if (this.#lastCommittedSeq >= upto && this.#newClientIds.length === 0) send();
    else {
      this.#waitingForCommit.push({ upto, send, answers });
      this.requestFlush(this);
    }
  }

  /** Answers a client's sync step 1 from the doc as it is, once that is committed. */
  #answerSyncStep1(peer: Peer, stateVector: Uint8Array): void {
    const reply = encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector));
    this.#whenCommitted(
      () => {
        if (!peer.closed) peer.send(reply);
      },
      { peer, stateVector },
    );
  }

  /** Takes the rows to commit now and the confirmation each peer may get afterwards. */
  takeBatch(): RoomBatch {
    const rows = this.pending;
    this.pending = [];
    const clientIds = this.#newClientIds;
    this.#newClientIds = [];
    const ledger = this.#ledger;
    this.#ledger = { inserts: [], carried: [], deletes: [] };
    const acks = new Map<Peer, number>();
    for (const peer of this.peers) {
      if (peer.chorusClient && peer.received > peer.acked) acks.set(peer, peer.received);
    }
    this.#committing++;
    return { room: this, rows, clientIds, ledger: compactInserts(ledger), acks };
  }

  /**
   * After the batch is durable: relay its updates merged, confirm, answer waiters.
   * `stored` is the journal's sequence number of each of its rows.
   */
  afterCommit(batch: RoomBatch, stored: readonly number[]): void {
    this.#committing--;
    // A room unloaded meanwhile has no one left to tell.
    if (this.state !== 'ready') return;
    this.#noteJournal(stored);
    // Everything this commit releases to a peer (edits, attribution, its confirmation)
    // leaves in one write per socket rather than one per frame: with many people in a
    // room, system calls are the largest cost of relaying.
    const peers = [...this.peers];
    for (const peer of peers) peer.conn.cork?.();
    try {
      this.#release(batch);
    } finally {
      for (const peer of peers) peer.conn.uncork?.();
    }
    const relayedAt = performance.now();
    for (const row of batch.rows) this.latency.held.record(relayedAt - row.appliedAt);
    this.#afterRelease(batch);
  }

  #release(batch: RoomBatch): void {
    this.#relayRuns(batch.rows);
    for (const { row } of batch.rows) {
      this.#lastCommittedSeq = row.seq;
      this.#rowsSinceSnapshot++;
    }
    // Tell Chorus clients about new authors and carried credit, for the live author view.
    if (batch.clientIds.length > 0 || batch.ledger.carried.length > 0) {
      const frame = encodeAttribution({
        owners: batch.clientIds.map((c) => [c.clientId, c.accountId]),
        carried: batch.ledger.carried.map((c) => [
          c.clientId,
          c.clock,
          c.len,
          c.authorId,
          c.originalAt,
        ]),
      });
      for (const peer of this.peers) if (peer.chorusClient) peer.send(frame);
    }
    for (const [peer, count] of batch.acks) {
      if (count <= peer.acked) continue;
      peer.acked = count;
      peer.send(encodeSaved(count));
    }
  }

  /** Relays committed edits in runs of at most MAX_RELAY_MERGE, a large row on its own. */
  #relayRuns(rows: readonly PendingRow[]): void {
    let run: PendingRow[] = [];
    for (const row of rows) {
      if (row.row.update.byteLength > MAX_MERGED_ROW_BYTES) {
        this.#relay(run);
        this.#relay([row]);
        run = [];
        continue;
      }
      run.push(row);
      if (run.length === MAX_RELAY_MERGE) {
        this.#relay(run);
        run = [];
      }
    }
    this.#relay(run);
  }

  /**
   * Relays a run of committed edits as one frame, as Hocuspocus does for each event-loop
   * turn. In a busy room most of a client's work is applying updates, one per frame, so
   * one merged update per commit instead of one per edit is what keeps its queue short.
   * Everyone gets the merged frame, its senders too (Yjs skips what a client already
   * has, and the reference server echoes every edit), except that a run from one sender
   * alone is not sent back to it.
   */
  #relay(run: PendingRow[]): void {
    const first = run[0];
    if (!first) return;
    const oneSender = run.every((r) => r.origin === first.origin);
    let update = first.row.update;
    if (run.length > 1) {
      try {
        update = Y.mergeUpdates(run.map((r) => r.row.update));
      } catch (err) {
        // Every row was checked before it was applied, so this is not expected; if it
        // happens, the edits still go out, one frame each.
        this.logger.log('error', 'sync.relay_merge_failed', {
          documentId: this.documentId,
          rows: run.length,
          error: String(err),
        });
        for (const row of run) this.#relay([row]);
        return;
      }
    }
    const frame = encodeUpdate(update);
    for (const peer of this.peers) if (!oneSender || peer !== first.origin) peer.send(frame);
  }

  #afterRelease(batch: RoomBatch): void {
    if (batch.rows.length > 0) this.#editedSinceVersion = true;
    if (this.settled) {
      const interval = this.options.autoVersionMs ?? 0;
      if (
        interval > 0 &&
        this.#editedSinceVersion &&
        Date.now() - this.#lastVersionAt >= interval
      ) {
        void this.saveAutoVersion();
      }
      if (this.#rowsSinceSnapshot >= this.options.snapshotEvery) void this.snapshot();
    }
    const committed = this.#lastCommittedSeq;
    const waiting = this.#waitingForCommit;
    this.#waitingForCommit = waiting.filter((w) => w.upto > committed);
    for (const waiter of waiting) if (waiter.upto <= committed) waiter.send();
  }

  /**
   * The journal could not commit, or refused to: nothing of the batch was stored or
   * relayed, and no one was told it was saved. The doc holds those edits, so the room is
   * dropped (the caller unloads it) and the next load reads only what the journal has.
   * Server edits waiting for this commit are told why.
   *
   * Refused because the document was closed meanwhile (`DocumentLocked`: the edits came
   * after the closing was written, before this process re-checked its connections), the
   * connections stay open and are returned, to join the room loaded in this one's place:
   * each is made read-only at once (as the re-check would), and those whose edits were in
   * what is dropped are refused as if their edits had come after the re-check (never
   * confirmed; sent away to start afresh when the document is reopened). Everyone else
   * keeps their document and socket. On any other failure, its connections are closed with
   * 1011 and reconnect by themselves; clients keep their edits and resend them.
   */
  failCommit(batch: RoomBatch, err: unknown): Peer[] {
    this.#committing--;
    const lost = [...batch.rows, ...this.pending];
    for (const { origin } of lost) {
      if (origin instanceof ServerEdit) origin.refused ??= err;
    }
    if (this.state !== 'ready') return [];
    this.state = 'failed';
    if (!(err instanceof DocumentLocked)) {
      this.logger.log('error', 'journal.commit_failed', {
        documentId: this.documentId,
        rows: batch.rows.length,
        error: String(err),
      });
      for (const peer of this.peers) peer.close(CloseCode.storageFailed, 'could not save');
      return [];
    }
    const senders = new Set<Peer>();
    for (const { origin } of lost) if (origin instanceof Peer) senders.add(origin);
    this.logger.log('info', 'sync.refused_closed', {
      documentId: this.documentId,
      rows: lost.length,
      accounts: [...new Set([...senders].map((p) => p.identity.userId))].join(','),
    });
    const stateVector = Y.encodeStateVector(this.doc);
    // Answers to joining clients dropped with this room: the new room gives them.
    const asked = new Map<Peer, Uint8Array>();
    for (const { answers } of this.#waitingForCommit) {
      if (answers) asked.set(answers.peer, answers.stateVector);
    }
    const moving = [...this.peers].filter((peer) => !peer.closed);
    for (const peer of moving) {
      const ids = [...peer.awarenessIds].filter(
        (id) => this.#awarenessOwner.get(id) === peer && this.awareness.getStates().has(id),
      );
      peer.moves++;
      peer.moving = {
        stateVector,
        presence:
          ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null,
        asked: asked.get(peer) ?? null,
      };
      // No longer this room's to withdraw when it is dropped (see `withdrawPresence`).
      for (const id of ids) this.#awarenessOwner.delete(id);
      peer.awarenessIds.clear();
      // Read-only now, as the re-check (asked for by the caller) will confirm.
      peer.identity = { ...peer.identity, canEdit: false, textLocked: true };
      if (senders.has(peer)) {
        peer.refusedChanges = true;
        // What it sent since its last confirmation is never confirmed: the counts it and
        // its client keep stay apart by those frames, so its page keeps saying so.
        peer.received = peer.acked;
      }
    }
    // Its people move on: they are not withdrawn from other processes' view.
    for (const peer of moving) this.leave(peer);
    return moving;
  }

  /** Saves an automatic version of committed content, if anything changed since the last. */
  async saveAutoVersion(): Promise<void> {
    const save = this.options.saveAutoVersion;
    if (!save || !this.#editedSinceVersion || !this.settled) return;
    this.#editedSinceVersion = false;
    this.#lastVersionAt = Date.now();
    try {
      await save(this.documentId, Y.encodeStateAsUpdate(this.doc));
    } catch (err) {
      this.logger.log('error', 'versions.auto_failed', {
        documentId: this.documentId,
        error: String(err),
      });
    }
  }

  /** Writes a snapshot of committed state so the next load replays few rows. */
  snapshot(): Promise<void> {
    if (this.#snapshotting) return this.#snapshotting;
    if (!this.settled || this.#rowsSinceSnapshot === 0 || this.state !== 'ready') {
      return Promise.resolve();
    }
    const state = Y.encodeStateAsUpdate(this.doc);
    const upto = this.#journalUpto;
    const rowsCovered = this.#rowsSinceSnapshot;
    this.#snapshotting = this.journal
      .writeSnapshot(this.documentId, state, upto)
      .then(() => {
        this.#rowsSinceSnapshot -= rowsCovered;
      })
      .catch((err: unknown) => {
        this.logger.log('error', 'journal.snapshot_failed', {
          documentId: this.documentId,
          error: String(err),
        });
      })
      .finally(() => {
        this.#snapshotting = null;
      });
    return this.#snapshotting;
  }

  get storedBytes(): number {
    return this.#storedBytes;
  }

  destroy(): void {
    // Whatever ends the room (idle, shutdown, a failed commit, an erased document), its
    // people are gone from every other process's view at once.
    if (this.state === 'ready' || this.state === 'failed') this.withdrawPresence();
    this.state = 'unloaded';
    this.waiting.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.#awarenessRelay) clearImmediate(this.#awarenessRelay);
    if (this.#catchUp) clearTimeout(this.#catchUp);
    this.#backlog = [];
    this.unfollow?.();
    this.unfollow = null;
    this.awareness.destroy();
    this.doc.destroy();
  }
}
