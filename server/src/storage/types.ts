/**
 * The storage contract. Every backend (SQLite now, PostgreSQL later) implements these
 * few async functions and passes the one contract suite in `contract.test.ts`.
 */
import type {
  AgreedScore,
  AuditAction,
  BidDocumentKind,
  CreditMode,
  Declaration,
  DeclarationMade,
  DocumentKind,
  DocumentPermission,
  EvaluationSetup,
  EvaluationState,
  LeadRole,
  PanelMember,
  ParticipantRole,
  Permission,
  ScoreEntry,
  ScoringRole,
} from '@chorus/shared';

export type { Permission };

/** A declaration as written: the lots its conflict concerns, null for all of them. */
export interface DeclarationWrite {
  /** Kept with each declaration made; none is accepted without it. */
  confidential: true;
  conflict: boolean;
  details: string;
  lots: readonly string[] | null;
}

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  createdAt: number;
  creditMode: CreditMode;
  displayName: string | null;
  /** Set when the person deleted their account: it can never be signed in to again. */
  deletedAt?: number | null;
  /**
   * When the person proved, with a link sent to it, that `email` is theirs; null until
   * then (accounts made before addresses were confirmed start unconfirmed). Chorus emails
   * notifications only to a confirmed address. Nothing changes `email` but deletion (which
   * clears this too); a change of address must clear it in the same write.
   */
  emailConfirmedAt?: number | null;
}

export interface SessionRecord {
  /** The public half of the token, used to look the session up. */
  id: string;
  /** SHA-256 of the secret half of the token. The secret itself is never stored. */
  secretHash: Uint8Array;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  /** Absolute end of the session, whatever the activity. */
  expiresAt: number;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: number;
}

export interface MembershipRecord {
  workspaceId: string;
  userId: string;
  permission: Permission;
  participantRole: ParticipantRole;
  createdAt: number;
  /**
   * Which person colour is theirs in this workspace (`colorForSlot`). The store gives a
   * new member the slot fewest members hold, so people who work together differ.
   */
  colorSlot: number;
}

/** A membership as it is added: the store chooses its colour slot. */
export type NewMembership = Omit<MembershipRecord, 'colorSlot'>;

export interface MemberView extends MembershipRecord {
  name: string;
  email: string;
  creditMode: CreditMode;
  displayName: string | null;
}

export interface DocumentRecord {
  id: string;
  workspaceId: string;
  title: string;
  kind: DocumentKind;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** Closed to workspace members without an explicit per-document permission. */
  restricted: boolean;
}

export interface InviteRecord {
  id: string;
  secretHash: Uint8Array;
  workspaceId: string;
  permission: Permission;
  participantRole: ParticipantRole;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  maxUses: number | null;
  uses: number;
  revokedAt: number | null;
}

export interface AuditEntry {
  at: number;
  actorId: string | null;
  workspaceId: string | null;
  action: AuditAction;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
}

export interface AuditRow extends AuditEntry {
  id: number;
}

/**
 * The audit entries a write records with its change. They are written in the same
 * transaction as the change and only if the change is made: a refused write ('closed',
 * 'stale', false, null...) writes none, and an entry the log refuses fails the write whole,
 * taking the change back. A change is never on record without its entry, nor an entry
 * without its change.
 */
export interface Audited {
  audit?: readonly AuditEntry[];
}

/** One accepted Yjs update: the unit of durability and of attribution. */
export interface JournalRow {
  documentId: string;
  seq: number;
  createdAt: number;
  /** The account whose connection sent it; null for content the server wrote (templates). */
  accountId: string | null;
  /** That account's participant role when it sent it (absent: the server's own). */
  participantRole?: ParticipantRole | null;
  update: Uint8Array;
}

/** A Yjs client id claimed by an account in one document (null: the server's own). */
export interface ClientIdOwner {
  documentId: string;
  clientId: number;
  accountId: string | null;
  firstSeen: number;
  /** The owner's participant role when it first wrote under this id. */
  participantRole?: ParticipantRole | null;
}

/** A run of Yjs items: `len` clocks of `clientId` from `clock`. */
export interface ItemRange {
  documentId: string;
  clientId: number;
  clock: number;
  len: number;
}

export interface LedgerInsert extends ItemRange {
  at: number;
}

/** Text reinserted in one transaction, credited to whoever wrote it first. */
export interface LedgerCarried extends ItemRange {
  authorId: string | null;
  originalAt: number;
}

export interface LedgerDelete extends ItemRange {
  deletedBy: string | null;
  authorId: string | null;
  at: number;
  words: number;
  /** Reinserted in the same transaction: moved, not removed. */
  carried: boolean;
  /** Not a deletion: words of `authorId` brought back by restoring a version. */
  restored?: boolean;
}

export interface LedgerEntries {
  inserts: LedgerInsert[];
  carried: LedgerCarried[];
  deletes: LedgerDelete[];
}

export interface VersionRecord {
  id: string;
  documentId: string;
  kind: 'auto' | 'named' | 'backup';
  label: string | null;
  createdBy: string | null;
  createdAt: number;
  state: Uint8Array;
}

export interface LoadedJournal {
  snapshot: { state: Uint8Array; uptoSeq: number } | null;
  /** Rows after the snapshot, in order. */
  rows: { seq: number; update: Uint8Array }[];
  /**
   * The highest sequence number ever stored for the document (quarantined rows count), if
   * the backend assigns them itself (PostgreSQL); rows read are every one up to it.
   */
  headSeq?: number;
  /** Every client id registered in the document. */
  clientOwners: { clientId: number; accountId: string | null }[];
}

export interface UserStore {
  create(user: UserRecord): Promise<void>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  update(
    id: string,
    changes: Partial<Pick<UserRecord, 'name' | 'creditMode' | 'displayName' | 'passwordHash'>>,
  ): Promise<void>;
  /**
   * Marks the account deleted and removes what identifies it (name, email, password) in
   * one write: from then on no sign-in matches it and no session of it is valid.
   */
  markDeleted(id: string, at: number): Promise<void>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(id: string): Promise<SessionRecord | null>;
  touch(id: string, lastUsedAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: string): Promise<string[]>;
  listForUser(userId: string): Promise<SessionRecord[]>;
}

export interface WorkspaceStore {
  /** Creates the workspace with its first owner, atomically. */
  create(workspace: WorkspaceRecord, ownerId: string): Promise<void>;
  get(id: string): Promise<WorkspaceRecord | null>;
  listForUser(userId: string): Promise<(WorkspaceRecord & { permission: Permission })[]>;
  addMember(member: NewMembership): Promise<void>;
  getMembership(workspaceId: string, userId: string): Promise<MembershipRecord | null>;
  listMembers(workspaceId: string): Promise<MemberView[]>;
  updateMember(
    workspaceId: string,
    userId: string,
    changes: Partial<Pick<MembershipRecord, 'permission' | 'participantRole'>>,
  ): Promise<void>;
  removeMember(workspaceId: string, userId: string): Promise<void>;
  countOwners(workspaceId: string): Promise<number>;
  /**
   * Erases a workspace and everything in it, in one transaction: its documents with their
   * journal, snapshots, ledger, versions and quarantine, its memberships and invites. Its
   * audit entries stay (the log is append-only). Returns the erased documents' ids.
   */
  erase(workspaceId: string): Promise<string[]>;
}

export interface InviteStore {
  create(invite: InviteRecord): Promise<void>;
  get(id: string): Promise<InviteRecord | null>;
  listForWorkspace(workspaceId: string): Promise<InviteRecord[]>;
  revoke(id: string, at: number): Promise<void>;
  /**
   * Uses one place on the invite and adds the membership in one transaction; false if
   * the invite was used up, revoked or expired in the meantime.
   */
  redeem(id: string, membership: NewMembership, now: number): Promise<boolean>;
}

export interface VersionStore {
  create(version: VersionRecord): Promise<void>;
  list(documentId: string): Promise<Omit<VersionRecord, 'state'>[]>;
  get(documentId: string, id: string): Promise<VersionRecord | null>;
  latest(
    documentId: string,
    kind: VersionRecord['kind'],
  ): Promise<Omit<VersionRecord, 'state'> | null>;
  /** Removes one version (the backup of a restore that was refused); unknown ids are ignored. */
  remove(documentId: string, id: string): Promise<void>;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  query(
    workspaceId: string,
    filter: { action?: AuditAction; actorId?: string; before?: number; limit: number },
  ): Promise<AuditRow[]>;
  /** Entries about one account across workspaces (sign-ins), newest first. */
  forActor(actorId: string, limit: number): Promise<AuditRow[]>;
}

export interface DocumentStore {
  /** Creates the document and its first journal row (the server-seeded template) atomically. */
  create(
    document: DocumentRecord,
    seed: JournalRow,
    seedClients: readonly ClientIdOwner[],
  ): Promise<void>;
  get(id: string): Promise<DocumentRecord | null>;
  listForWorkspace(workspaceId: string): Promise<DocumentRecord[]>;
  rename(id: string, title: string, updatedAt: number): Promise<void>;
  touch(id: string, updatedAt: number): Promise<void>;
  delete(id: string, at: number): Promise<void>;
  setAccess(
    id: string,
    restricted: boolean,
    overrides: readonly { userId: string; permission: DocumentPermission }[],
  ): Promise<void>;
  getOverride(id: string, userId: string): Promise<DocumentPermission | null>;
  listOverrides(id: string): Promise<{ userId: string; permission: DocumentPermission }[]>;
}

export interface JournalStore {
  /**
   * Appends rows and registers new client ids in one transaction; resolves only once
   * both are durably committed, with the sequence number each row was stored under, in
   * order. SQLite stores the caller's `seq`. PostgreSQL, which several server processes
   * may write to, numbers each document's rows itself, in commit order (a document's
   * rows commit one transaction after another), so a reader always sees a gapless prefix.
   * Nothing is written, and `DocumentLocked` names them, when a document of the batch is
   * closed by its stored status, read in the same transaction (serialised against the
   * status change), so no edit lands after a closing whatever the sync server knew.
   */
  append(
    rows: readonly JournalRow[],
    clientIds?: readonly ClientIdOwner[],
    ledger?: LedgerEntries,
  ): Promise<readonly number[]>;
  /** The whole attribution ledger of a document, plus its client id owners. */
  loadLedger(documentId: string): Promise<LedgerEntries & { owners: Map<number, string | null> }>;
  /**
   * Each author's participant role when they last started writing in the document (their
   * newest client id), from the server's records at the time; for someone who only ever
   * deleted, the role of their newest edit. How to credit someone who has since left.
   */
  authorRoles(documentId: string): Promise<Map<string, ParticipantRole>>;
  /**
   * The latest snapshot and the rows after it; with `withoutSnapshot`, every row from the
   * first (to rebuild a document whose snapshot is damaged: rows are never deleted).
   */
  load(documentId: string, options?: { withoutSnapshot?: boolean }): Promise<LoadedJournal>;
  /**
   * The highest sequence number stored for each of the documents (quarantined rows count
   * where the backend numbers rows itself): how a process notices rows it never heard of.
   */
  heads(documentIds: readonly string[]): Promise<Map<string, number>>;
  /** Rows stored after `afterSeq`, in order (to catch up with what other processes wrote). */
  rowsAfter(
    documentId: string,
    afterSeq: number,
  ): Promise<{ seq: number; update: Uint8Array; accountId: string | null }[]>;
  /** Stores a compacted state (replacing one that covers no more rows) covering every row up to and including `uptoSeq`. */
  writeSnapshot(documentId: string, state: Uint8Array, uptoSeq: number): Promise<void>;
  /** Moves a row that cannot be applied out of the journal, keeping it for inspection. */
  quarantine(documentId: string, seq: number, reason: string): Promise<void>;
  countRows(documentId: string): Promise<number>;
}

/** A procurement evaluation's set-up, panel and stage (its scores are kept apart). */
export interface EvaluationRecord {
  documentId: string;
  state: EvaluationState;
  setup: EvaluationSetup;
  panel: PanelMember[];
  updatedAt: number;
  /** Why the chair opened moderation before everyone had submitted, if they did. */
  overrideReason: string | null;
  /** The moderation round under way (1 until the chair starts another). */
  round: number;
  /** When the chair revealed the bidders' names (an evaluation scored without them); else null. */
  namesRevealedAt: number | null;
}

/** A moderation round after the first: why, by whom, and whether it corrects a sign-off. */
export interface ModerationRound {
  round: number;
  reason: string;
  startedBy: string;
  startedAt: number;
  afterSignOff: boolean;
}

/**
 * Procurement evaluations. Each write that the rules forbid in some stage checks the stage
 * in the same transaction, so a score can never land after moderation has opened. Checks
 * that read more than the stage (the set-up is complete, everyone has submitted) happen in
 * the service before the write; `transition`'s `ifUpdatedAt` lets a backend whose calls
 * interleave refuse a move made on a set-up that changed meanwhile. Every write takes the
 * audit entries of its change and writes them in the same transaction (`Audited`).
 */
export interface EvaluationStore {
  get(documentId: string): Promise<EvaluationRecord | null>;
  /**
   * Creates or replaces the set-up and panel; false unless the evaluation is being set up.
   * The files of a bid the new set-up no longer has are deleted in the same transaction.
   */
  saveSetup(
    documentId: string,
    setup: EvaluationSetup,
    panel: readonly PanelMember[],
    at: number,
    options?: Audited,
  ): Promise<boolean>;
  /**
   * Replaces the panel after scoring has started (only to appoint a new chair, also after
   * sign-off so a correction can be made); false while setting up or if never set up.
   */
  changePanel(
    documentId: string,
    panel: readonly PanelMember[],
    at: number,
    options?: Audited,
  ): Promise<boolean>;
  /**
   * Records that the bidders' names are revealed: only once, and only while scoring or
   * moderating; false otherwise.
   */
  revealNames(documentId: string, at: number, options?: Audited): Promise<boolean>;
  /**
   * Moves from one stage to the next; false if it was no longer in `from` (or, with
   * `ifUpdatedAt`, if the set-up changed since it was read). An `overrideReason` is kept
   * through later moves.
   */
  transition(
    documentId: string,
    from: EvaluationState,
    to: EvaluationState,
    at: number,
    options?: Audited & { overrideReason?: string | null; ifUpdatedAt?: number },
  ): Promise<boolean>;
  /**
   * Saves one evaluator's entry (replacing their earlier one for the same bid and
   * criterion): 'closed' unless scoring is under way, 'submitted' once they submitted.
   */
  putEntry(
    documentId: string,
    userId: string,
    entry: ScoreEntry,
    at: number,
  ): Promise<'saved' | 'closed' | 'submitted'>;
  /**
   * Marks an evaluator's scores submitted; false unless scoring is under way. Submitting
   * again keeps the first time and changes nothing, so its audit entries are not written.
   */
  submit(documentId: string, userId: string, at: number, options?: Audited): Promise<boolean>;
  /** Entries of one evaluator, or of everyone when `userId` is omitted. */
  entries(documentId: string, userId?: string): Promise<(ScoreEntry & { userId: string })[]>;
  submissions(documentId: string): Promise<{ userId: string; submittedAt: number }[]>;
  /**
   * Records the panel's agreed score for a bid and criterion: 'closed' unless in moderation,
   * 'stale' unless the one it replaces was saved at `basedOn` (null: there was none).
   */
  putAgreed(
    documentId: string,
    agreed: AgreedScore,
    userId: string,
    at: number,
    basedOn: number | null,
    options?: Audited,
  ): Promise<'saved' | 'closed' | 'stale'>;
  /** The current round's agreed scores; with `earlierRounds`, those of the rounds before. */
  agreedScores(
    documentId: string,
    options?: { earlierRounds?: boolean },
  ): Promise<(AgreedScore & { agreedBy: string; agreedAt: number; round: number })[]>;
  /**
   * Starts another moderation round (from moderation, or from sign-off to correct it: the
   * evaluation returns to moderation). Returns the new round, or null from another stage
   * (or, with `ifUpdatedAt`, if the evaluation changed since it was read).
   */
  startRound(
    documentId: string,
    reason: string,
    by: string,
    at: number,
    options?: {
      ifUpdatedAt?: number;
      /**
       * The audit entries of the round, made from what only the write knows (the round's
       * number, and whether it reopens a signed-off evaluation); written as `Audited`'s.
       */
      audit?: (started: { round: number; afterSignOff: boolean }) => readonly AuditEntry[];
    },
  ): Promise<number | null>;
  rounds(documentId: string): Promise<ModerationRound[]>;
  /**
   * Records a member's declaration: it becomes their current one (replacing the one before
   * and clearing any exception, which stays with the one it was recorded for) and is kept
   * as made in their history. Only once the bidders are fixed (scoring) and before
   * sign-off: 'closed' otherwise.
   */
  declare(
    documentId: string,
    userId: string,
    declaration: DeclarationWrite,
    at: number,
    options?: Audited,
  ): Promise<'saved' | 'closed'>;
  /**
   * The chair's exception for a member's current declaration, kept with it in the history
   * too; false unless that declaration is of a conflict.
   */
  allowConflict(
    documentId: string,
    userId: string,
    mitigation: string,
    by: string,
    at: number,
    /** With `declaredAt`, only if the member's current declaration was made then. */
    options?: Audited & { declaredAt?: number },
  ): Promise<boolean>;
  /** Each member's current declaration: the one that governs. */
  declarations(documentId: string): Promise<Declaration[]>;
  /** Every declaration made, as made, in the order made (each member's last is their current one). */
  declarationHistory(documentId: string): Promise<DeclarationMade[]>;
}

/** A file of a bid, as listed: its bytes are read only to download it. */
export interface BidDocumentRecord {
  id: string;
  documentId: string;
  bidId: string;
  /** The name as tidied and checked on upload (`checkBidDocumentName`). */
  name: string;
  /** The format its bytes were checked to be; what it is served as. */
  kind: BidDocumentKind;
  size: number;
  /** SHA-256 of the bytes, hex: the record of exactly which file the panel had. */
  sha256: string;
  uploadedBy: string;
  uploadedAt: number;
  /** The scoring groups who may open it; null for every group (and everyone else on the panel). */
  seenBy: readonly ScoringRole[] | null;
}

/** A panel member's clarification question to a bidder. */
export interface ClarificationRecord {
  id: string;
  documentId: string;
  bidId: string;
  question: string;
  askedBy: string;
  askedAt: number;
}

/**
 * A bidder's answer as the chair recorded it. A correction is a new row naming why; rows
 * are never changed, so the earlier text stays on record.
 */
export interface ClarificationAnswerRecord {
  id: string;
  clarificationId: string;
  documentId: string;
  answer: string;
  /** The day the bidder's answer came (YYYY-MM-DD). */
  receivedOn: string;
  /** Why it replaced the answer before it; '' for the first. */
  reason: string;
  recordedBy: string;
  recordedAt: number;
}

/**
 * A procurement evaluation's bids: their documents and clarifications, kept in their own
 * tables, apart from the shared Yjs document and the sync path. Each write checks the
 * evaluation's stage and that the bid is in its set-up in the same transaction, so nothing
 * lands after the stage has moved on or on a bid the set-up no longer has. Every write
 * takes the audit entries of its change and writes them in the same transaction (`Audited`).
 */
export interface BidStore {
  /**
   * Stores a bid's file: 'closed' unless the evaluation is being set up, 'no_bid' unless
   * the set-up has the bid, 'full' if the bid already has `maxFiles`.
   */
  addDocument(
    record: BidDocumentRecord,
    bytes: Uint8Array,
    maxFiles: number,
    options?: Audited,
  ): Promise<'saved' | 'closed' | 'no_bid' | 'full'>;
  /** The evaluation's files (without their bytes), oldest first. */
  documents(documentId: string): Promise<BidDocumentRecord[]>;
  /** One file with its bytes, or null. */
  documentBytes(
    documentId: string,
    id: string,
  ): Promise<{ record: BidDocumentRecord; bytes: Uint8Array<ArrayBuffer> } | null>;
  /** Deletes a file: 'closed' unless the evaluation is being set up, 'missing' if there is none. */
  removeDocument(
    documentId: string,
    id: string,
    options?: Audited,
  ): Promise<'removed' | 'closed' | 'missing'>;
  /** Records a question: 'closed' unless scoring or moderating, 'no_bid' unless the bid is in the set-up. */
  ask(record: ClarificationRecord, options?: Audited): Promise<'saved' | 'closed' | 'no_bid'>;
  /**
   * Records an answer to a question, or a correction of the answer `replaces`: 'closed'
   * unless scoring or moderating, 'missing' without such a question, 'stale' unless the
   * current answer is the one it replaces (null: none yet).
   */
  answer(
    record: ClarificationAnswerRecord,
    replaces: string | null,
    options?: Audited,
  ): Promise<'saved' | 'closed' | 'missing' | 'stale'>;
  /** Questions, oldest first. */
  clarifications(documentId: string): Promise<ClarificationRecord[]>;
  /** Every answer recorded, corrections included, oldest first. */
  answers(documentId: string): Promise<ClarificationAnswerRecord[]>;
}

/**
 * A comment thread, anchored to a stretch of the document's text by two Yjs relative
 * positions (so the anchor follows the text through everyone's edits).
 */
export interface CommentThreadRecord {
  id: string;
  documentId: string;
  /** `Y.encodeRelativePosition` of where the commented text starts and ends. */
  anchorStart: Uint8Array;
  anchorEnd: Uint8Array;
  /** The commented text as it read when the thread was opened (shown if it is deleted). */
  quote: string;
  createdBy: string;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  /** Set when the thread proposes a change to the text it is anchored to. */
  suggestion: SuggestionRecord | null;
}

/**
 * A suggested edit: the text proposed in place of the thread's quote, and what an editor
 * decided. Accepted text is written by the server under the suggester's name.
 */
export interface SuggestionRecord {
  /** What the quoted words would become ('' suggests deleting them). */
  text: string;
  /**
   * Null while open. 'accepting' from the editor's decision until the journal is known to
   * hold the words or not (`settleAcceptance`); then 'accepted', or null again.
   */
  outcome: SuggestionState | null;
  decidedBy: string | null;
  decidedAt: number | null;
  /**
   * From 'accepting' on: the Yjs client id the accepted words are written under, new to
   * the document, registered to the suggester in the commit that writes the words.
   */
  clientId: number | null;
}

export type SuggestionOutcome = 'accepted' | 'rejected';

/** A decided suggestion, or one whose acceptance is being written. */
export type SuggestionState = SuggestionOutcome | 'accepting';

/**
 * An editor's decision as first recorded: a rejection is final at once; an acceptance is
 * pending ('accepting') until `settleAcceptance` finds whether its words were committed.
 */
/**
 * What a suggestion proposes, as someone read it: where, the words there, and the new
 * words. A decision or a revision names the one it was made on, so it changes nothing if
 * the suggester revised it meanwhile (see `reviseSuggestion`).
 */
export interface SuggestionShape {
  anchorStart: Uint8Array;
  anchorEnd: Uint8Array;
  quote: string;
  text: string;
}

export type SuggestionDecision = (
  | { outcome: 'rejected'; by: string; at: number }
  | { outcome: 'accepting'; by: string; at: number; clientId: number }
) & {
  /** The suggestion as the decider read it; without it, whatever it is now. */
  as?: SuggestionShape;
};

/** A suggestion recorded as being accepted (see `CommentStore.listAccepting`). */
export interface PendingAcceptance {
  documentId: string;
  threadId: string;
  clientId: number;
  decidedAt: number;
}

/** One comment in a thread: the first opens it, the others are replies. */
export interface CommentRecord {
  id: string;
  threadId: string;
  documentId: string;
  authorId: string;
  /** The author's participant role when they wrote it, as edits are credited. */
  participantRole: ParticipantRole;
  body: string;
  /** Members mentioned in the body (account ids). */
  mentions: string[];
  createdAt: number;
  editedAt: number | null;
  /** A deleted comment keeps its place in the thread with its body and mentions cleared. */
  deletedAt: number | null;
}

/**
 * Comments. Only a comment's author may change or delete it: the store checks the author
 * in the same statement as the write, so the rule holds whatever else happens meanwhile.
 */
export interface CommentStore {
  /** Opens a thread with its first comment, in one transaction. */
  createThread(thread: CommentThreadRecord, first: CommentRecord): Promise<void>;
  /** Adds a reply; false if the thread does not exist in that document. */
  addReply(comment: CommentRecord): Promise<boolean>;
  getThread(documentId: string, threadId: string): Promise<CommentThreadRecord | null>;
  getComment(documentId: string, commentId: string): Promise<CommentRecord | null>;
  /** Every thread of the document, oldest first. */
  listThreads(documentId: string): Promise<CommentThreadRecord[]>;
  /** Every comment of the document (deleted ones included), oldest first. */
  listComments(documentId: string): Promise<CommentRecord[]>;
  /**
   * Replaces a comment's body and mentions; false unless the comment exists in that
   * document, was written by `authorId` and is not deleted.
   */
  editComment(
    documentId: string,
    commentId: string,
    authorId: string,
    change: { body: string; mentions: readonly string[] },
    at: number,
  ): Promise<boolean>;
  /** Marks a comment deleted and clears its body and mentions; same conditions as `editComment`. */
  deleteComment(
    documentId: string,
    commentId: string,
    authorId: string,
    at: number,
  ): Promise<boolean>;
  /** Resolves (with who and when) or reopens (null) a thread; false if there is no such thread. */
  setResolved(
    documentId: string,
    threadId: string,
    resolved: { by: string; at: number } | null,
  ): Promise<boolean>;
  /**
   * Records an editor's decision on a suggestion, only if the thread is a suggestion not
   * yet decided nor being accepted (so two editors cannot both accept it, whichever process
   * they reach) and not withdrawn (its opening comment deleted by its author). A rejection
   * resolves the thread; an acceptance is recorded as pending, with the client id its
   * words will be written under. False if nothing changed.
   */
  decideSuggestion(
    documentId: string,
    threadId: string,
    decision: SuggestionDecision,
  ): Promise<boolean>;
  /**
   * Its suggester's revision of an open suggestion (more words typed at the same place in
   * suggesting mode, as Google Docs merges them): only by who made it, only while it is not
   * decided, being accepted or withdrawn, and only if it is still as they read it (`from`),
   * so a decision or another revision made meanwhile is never overwritten. False if
   * nothing changed.
   */
  reviseSuggestion(
    documentId: string,
    threadId: string,
    by: string,
    from: SuggestionShape,
    to: SuggestionShape,
  ): Promise<boolean>;
  /**
   * Its suggester withdraws an open suggestion (its opening comment is deleted, as
   * `deleteComment` does), only while it is not decided or being accepted and still as
   * they read it (`as`), so a suggestion accepted or revised meanwhile is not withdrawn
   * unseen. False if nothing changed.
   */
  withdrawSuggestion(
    documentId: string,
    threadId: string,
    by: string,
    as: SuggestionShape,
    at: number,
  ): Promise<boolean>;
  /**
   * Ends a pending acceptance by what the journal holds, in one transaction. The client id
   * is registered in the same transaction as the journal row that writes the words, so if
   * it is registered to the suggester the words are committed: 'accepted' (the thread is
   * resolved by whoever accepted). Otherwise the id is registered to no one first, so the
   * words can never be committed after (the journal refuses the id), and the suggestion is
   * open again: 'reopened'. Null if it is not being accepted under that id (settled
   * already, by this process or another).
   */
  settleAcceptance(
    documentId: string,
    threadId: string,
    clientId: number,
    at: number,
  ): Promise<'accepted' | 'reopened' | null>;
  /** Every suggestion being accepted, in every document, oldest decision first. */
  listAccepting(): Promise<PendingAcceptance[]>;
}

/** Where a service design or improvement plan stands (see `domain/lifecycle.ts`). */
export interface LifecycleRecord {
  documentId: string;
  status: string;
  /** The account named for each lead role. */
  leads: Partial<Record<LeadRole, string>>;
  /** When each lead approved (ms), for the approval being gathered or given. */
  approvals: Partial<Record<LeadRole, number>>;
  /** 1 for the first write, one more for each write after it. */
  version: number;
  changedAt: number;
  changedBy: string;
}

export interface LifecycleStore {
  /** The stored record, or null while the document has never left its first status. */
  get(documentId: string): Promise<LifecycleRecord | null>;
  /**
   * Writes the record if the stored version is still the one before `record.version`
   * (none stored, for version 1): false if someone else wrote first. The audit entries are
   * written in the same transaction: a status change is never on record without its entry,
   * nor an entry without its change.
   */
  save(record: LifecycleRecord, audit?: readonly AuditEntry[]): Promise<boolean>;
}

/**
 * Which mentions each person has read: one row per person and mentioning comment. Per
 * mention rather than one "read up to" time per person, because a comment edited to add
 * someone keeps its old date (a "read up to" time would hide it), and opening one mention
 * must not mark older ones read.
 */
export interface MentionReadStore {
  /** Records these comments' mentions as read by `userId`; marking one again changes nothing. */
  markRead(
    userId: string,
    reads: readonly { commentId: string; documentId: string }[],
    at: number,
  ): Promise<void>;
  /** Which of these comments' mentions `userId` has read. */
  readOf(userId: string, commentIds: readonly string[]): Promise<Set<string>>;
  /** Forgets what `userId` has read (their account is deleted). */
  eraseForUser(userId: string): Promise<void>;
}

/** One mention waiting in the outbox (or done with), as `MentionEmailStore` keeps it. */
export interface MentionEmailRecord {
  userId: string;
  commentId: string;
  documentId: string;
  /** When it may be sent; moved later for a retry. */
  dueAt: number;
  /** Claims so far, each a try to send it (a claim whose process stopped counts too). */
  attempts: number;
}

/** How a claimed outbox mention ended: sent, passed over (read, gone, no access), or given up. */
export type MentionEmailOutcome =
  | { state: 'sent' | 'dropped' | 'failed'; at: number }
  | { state: 'pending'; retryAt: number };

/**
 * The outbox of mention emails: one row per person and mentioning comment, due a little
 * after the mention, so nothing is sent for a mention read in Chorus meanwhile. Kept in the
 * database so a restart loses none; claimed with a conditional update so two processes
 * sharing the database never both send one.
 */
export interface MentionEmailStore {
  /**
   * Puts each mention in the outbox, due at `dueAt`. A mention of that person by that comment
   * already there (waiting, or done with) is left as it is: an edit never sends it again.
   */
  schedule(
    mentions: readonly { userId: string; commentId: string; documentId: string }[],
    dueAt: number,
  ): Promise<void>;
  /**
   * Claims, for `token` until `until`, every waiting mention of up to `limit` people who have
   * one due at `now` (so one person's mentions due together go in one email). A mention
   * claimed by someone else whose claim has not run out is never claimed; each claim counts
   * an attempt. Only people whose email address is confirmed are claimed: the mentions of
   * anyone else wait (see `dropUnconfirmed`). Returns what this call claimed.
   */
  claimDue(
    now: number,
    claim: { token: string; until: number },
    limit: number,
  ): Promise<MentionEmailRecord[]>;
  /**
   * Records how claimed mentions ended, only while `token` still holds them (a claim that
   * ran out and was taken by another process is theirs). Returns how many were changed.
   */
  settle(
    userId: string,
    commentIds: readonly string[],
    token: string,
    outcome: MentionEmailOutcome,
  ): Promise<number>;
  /**
   * Passes over (as 'dropped', at `at`) the waiting, unclaimed mentions due before `dueBefore`
   * of people whose address is not confirmed: they waited for a confirmation that did not
   * come. Returns how many.
   */
  dropUnconfirmed(dueBefore: number, at: number): Promise<number>;
  /** The state of one mention's email ('pending', 'sent', 'dropped', 'failed'), or null. */
  stateOf(userId: string, commentId: string): Promise<string | null>;
  /** Forgets a person's outbox (their account is deleted). */
  eraseForUser(userId: string): Promise<void>;
}

/** One confirmation link's token, as stored: only its hash, never the token itself. */
export interface EmailConfirmationRecord {
  /** SHA-256 of the token in the link. */
  tokenHash: Uint8Array;
  userId: string;
  /** The address the link was sent to: it confirms that address only. */
  email: string;
  createdAt: number;
  expiresAt: number;
}

/** At most `max` confirmation emails to one account within any `windowMs`. */
export interface SendLimit {
  windowMs: number;
  max: number;
}

/**
 * Tokens of the links that confirm an email address (see `services/emailConfirmations.ts`).
 * Each is tied to the account and the address it was sent to, used once, and expires.
 */
export interface EmailConfirmationStore {
  /**
   * Stores a new token unless the account, or its address, was sent too many lately: for
   * each limit, fewer than `max` tokens made in the `windowMs` before `record.createdAt`,
   * counted per account and per address (the address's count outlives deleted accounts).
   * Checked and written under one lock per account and per address, so two requests at
   * once cannot both pass a limit. When
   * refused, `retryAt` is the earliest time another would be allowed.
   */
  issue(
    record: EmailConfirmationRecord,
    limits: readonly SendLimit[],
  ): Promise<{ issued: true } | { issued: false; retryAt: number }>;
  /**
   * Uses the token with this hash, if it is unused, unexpired at `now`, and its address is
   * still the account's (and the account not deleted): marks it used and confirms the
   * account's address in one conditional write, so of two uses at once only one succeeds.
   * The account's other unused tokens are spent with it. Returns whose address was
   * confirmed, or null (unknown, used, expired, or for another address).
   */
  consume(tokenHash: Uint8Array, now: number): Promise<{ userId: string; email: string } | null>;
  /**
   * Whose address this token already confirmed, when it is a used (or spent) token of an
   * account, not deleted, whose address is still the token's and is confirmed: a link
   * opened again (or by a mail scanner) after it did its work. Null otherwise.
   */
  alreadyConfirmed(tokenHash: Uint8Array): Promise<{ userId: string; email: string } | null>;
  /** Forgets a person's tokens (their account is deleted). */
  eraseForUser(userId: string): Promise<void>;
}

/** A person's own choices. */
export interface Preferences {
  /** Email me when someone mentions me (on unless turned off). */
  emailMentions: boolean;
}

export interface PreferenceStore {
  /** The person's choices; the defaults for someone who never changed them. */
  get(userId: string): Promise<Preferences>;
  set(userId: string, preferences: Preferences, at: number): Promise<void>;
  /** Forgets them (their account is deleted). */
  eraseForUser(userId: string): Promise<void>;
}

export interface Storage {
  users: UserStore;
  sessions: SessionStore;
  workspaces: WorkspaceStore;
  documents: DocumentStore;
  journal: JournalStore;
  invites: InviteStore;
  audit: AuditStore;
  versions: VersionStore;
  evaluations: EvaluationStore;
  bids: BidStore;
  comments: CommentStore;
  lifecycles: LifecycleStore;
  mentionReads: MentionReadStore;
  mentionEmails: MentionEmailStore;
  preferences: PreferenceStore;
  emailConfirmations: EmailConfirmationStore;
  /** Runs a health check (for SQLite: `PRAGMA integrity_check`); returns 'ok' or the problem. */
  integrityCheck(): Promise<string>;
  /**
   * A cheap check that the storage answers and may be written to, for `GET /api/health`
   * (a load balancer asks it often); 'ok' or the problem.
   */
  ping(): Promise<string>;
  close(): Promise<void>;
}
