/**
 * The storage contract. Every backend (SQLite now, PostgreSQL later) implements these
 * few async functions and passes the one contract suite in `contract.test.ts`.
 */
import type { DocumentKind, Permission } from '@chorus/shared';

export type { Permission };

export interface UserRecord {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  createdAt: number;
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
  createdAt: number;
}

export interface MemberView extends MembershipRecord {
  name: string;
  email: string;
}

export interface DocumentRecord {
  id: string;
  workspaceId: string;
  title: string;
  kind: DocumentKind;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** One accepted Yjs update: the unit of durability and of attribution. */
export interface JournalRow {
  documentId: string;
  seq: number;
  createdAt: number;
  /** The account whose connection sent it; null for content the server wrote (templates). */
  accountId: string | null;
  update: Uint8Array;
}

export interface LoadedJournal {
  snapshot: { state: Uint8Array; uptoSeq: number } | null;
  /** Rows after the snapshot, in order. */
  rows: { seq: number; update: Uint8Array }[];
}

export interface UserStore {
  create(user: UserRecord): Promise<void>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  find(id: string): Promise<SessionRecord | null>;
  touch(id: string, lastUsedAt: number): Promise<void>;
  delete(id: string): Promise<void>;
  deleteForUser(userId: string): Promise<string[]>;
}

export interface WorkspaceStore {
  /** Creates the workspace with its first owner, atomically. */
  create(workspace: WorkspaceRecord, ownerId: string): Promise<void>;
  get(id: string): Promise<WorkspaceRecord | null>;
  listForUser(userId: string): Promise<(WorkspaceRecord & { permission: Permission })[]>;
  addMember(member: MembershipRecord): Promise<void>;
  getMembership(workspaceId: string, userId: string): Promise<MembershipRecord | null>;
  listMembers(workspaceId: string): Promise<MemberView[]>;
}

export interface DocumentStore {
  /** Creates the document and its first journal row (the server-seeded template) atomically. */
  create(document: DocumentRecord, seed: JournalRow): Promise<void>;
  get(id: string): Promise<DocumentRecord | null>;
  listForWorkspace(workspaceId: string): Promise<DocumentRecord[]>;
  rename(id: string, title: string, updatedAt: number): Promise<void>;
  touch(id: string, updatedAt: number): Promise<void>;
}

export interface JournalStore {
  /** Appends rows in one transaction; resolves only once they are durably committed. */
  append(rows: readonly JournalRow[]): Promise<void>;
  load(documentId: string): Promise<LoadedJournal>;
  /** Stores a compacted state covering every row up to and including `uptoSeq`. */
  writeSnapshot(documentId: string, state: Uint8Array, uptoSeq: number): Promise<void>;
  /** Moves a row that cannot be applied out of the journal, keeping it for inspection. */
  quarantine(documentId: string, seq: number, reason: string): Promise<void>;
  countRows(documentId: string): Promise<number>;
}

export interface Storage {
  users: UserStore;
  sessions: SessionStore;
  workspaces: WorkspaceStore;
  documents: DocumentStore;
  journal: JournalStore;
  /** Runs a health check (for SQLite: `PRAGMA integrity_check`); returns 'ok' or the problem. */
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}
