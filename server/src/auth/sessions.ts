import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { SessionRecord, SessionStore, UserRecord, UserStore } from '../storage/types.ts';

/**
 * Sessions as the Lucia project now teaches: the token is `<id>.<secret>`, each half with
 * 120 bits of CSPRNG randomness; the server stores the id and SHA-256 of the secret, and
 * compares hashes in constant time. Sessions end after inactivity and at an absolute limit.
 */
export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
  /** Don't write `last_used_at` more often than this; it is only needed for the idle limit. */
  touchEveryMs: number;
}

/** Why sessions ended: ended by someone (sign-out, password change) or expired. */
export type SessionEndReason = 'ended' | 'expired';

export type SessionEndListener = (sessionIds: readonly string[], reason: SessionEndReason) => void;

/** Where a session stands for its open connections: last use and when it will end. */
export interface SessionStanding {
  lastUsedAt: number;
  /** When it ends unless used again: the idle limit or the absolute lifetime, if sooner. */
  endsAt: number;
}

export interface ValidSession {
  session: SessionRecord;
  user: UserRecord;
}

function randomSecret(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

export class SessionService {
  readonly #listeners = new Set<SessionEndListener>();

  constructor(
    private readonly sessions: SessionStore,
    private readonly users: UserStore,
    private readonly policy: SessionPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a new session for a user and returns the token to put in the cookie. */
  async create(userId: string): Promise<{ token: string; session: SessionRecord }> {
    const id = randomSecret();
    const secret = randomSecret();
    const t = this.now();
    const session: SessionRecord = {
      id,
      secretHash: hashSecret(secret),
      userId,
      createdAt: t,
      lastUsedAt: t,
      expiresAt: t + this.policy.maxMs,
    };
    await this.sessions.create(session);
    return { token: `${id}.${secret}`, session };
  }

  /** Returns the session and user for a token, or null if it is unknown, tampered or over. */
  async validate(token: string | undefined | null): Promise<ValidSession | null> {
    if (!token || token.length > 100) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [id, secret] = parts;
    if (!id || !secret) return null;
    const session = await this.sessions.find(id);
    if (!session) return null;
    if (!constantTimeEqual(hashSecret(secret), session.secretHash)) return null;
    const t = this.now();
    if (t >= this.#endsAt(session)) {
      await this.#expire(session.id);
      return null;
    }
    const user = await this.users.findById(session.userId);
    // A deleted account's sessions are ended, but one created by a sign-in that checked the
    // password as the account was being deleted must not work either.
    if (!user || user.deletedAt) return null;
    if (t - session.lastUsedAt >= this.policy.touchEveryMs) {
      await this.sessions.touch(session.id, t);
      session.lastUsedAt = t;
    }
    return { session, user };
  }

  /**
   * For a session with open connections, which `validate` saw only at their upgrade:
   * records their use (`usedAt`: when an edit over one last changed a document, 0 for
   * none) as `validate` records a request, and says when the session will end unless used
   * again. A session that is over is ended (listeners close its sockets) and null returned.
   * Use after the session had already expired does not revive it.
   */
  async renew(sessionId: string, usedAt: number): Promise<SessionStanding | null> {
    const session = await this.sessions.find(sessionId);
    if (!session) {
      // Ended elsewhere; its sockets were closed then, and this makes sure of it.
      this.#emit([sessionId], 'ended');
      return null;
    }
    const t = this.now();
    const used = Math.min(usedAt, t);
    if (used > session.lastUsedAt && used < this.#endsAt(session)) {
      // Written as often as for requests, and always when the edit is what keeps it alive,
      // so that a request never finds the stored session idle while its socket is in use.
      const needed = t >= this.#endsAt(session);
      if (needed || used - session.lastUsedAt >= this.policy.touchEveryMs) {
        await this.sessions.touch(session.id, used);
        session.lastUsedAt = used;
      }
    }
    const endsAt = this.#endsAt(session);
    if (t >= endsAt) {
      await this.#expire(session.id);
      return null;
    }
    return { lastUsedAt: session.lastUsedAt, endsAt };
  }

  /** How often a session's last use is written (at most); a smaller change is not stored. */
  get touchEveryMs(): number {
    return this.policy.touchEveryMs;
  }

  /** Ends one session and tells listeners (the sync server closes its sockets). */
  async end(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
    this.#emit([sessionId], 'ended');
  }

  /** Where a session stands now: for the expiry watch, when one of its sockets opens. */
  standingOf(session: SessionRecord): SessionStanding {
    return { lastUsedAt: session.lastUsedAt, endsAt: this.#endsAt(session) };
  }

  #endsAt(session: SessionRecord): number {
    return Math.min(session.expiresAt, session.lastUsedAt + this.policy.idleMs);
  }

  async #expire(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
    this.#emit([sessionId], 'expired');
  }

  /** Ends every session of a user (password change, account removal). */
  async endAllForUser(userId: string): Promise<void> {
    const ids = await this.sessions.deleteForUser(userId);
    this.#emit(ids, 'ended');
  }

  /** Ends every session of a user but one (a password change keeps the current one). */
  async endOthers(userId: string, keepSessionId: string): Promise<void> {
    const others = (await this.sessions.listForUser(userId)).filter((s) => s.id !== keepSessionId);
    for (const s of others) await this.sessions.delete(s.id);
    this.#emit(
      others.map((s) => s.id),
      'ended',
    );
  }

  onEnd(listener: SessionEndListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(ids: readonly string[], reason: SessionEndReason): void {
    if (ids.length === 0) return;
    for (const listener of this.#listeners) listener(ids, reason);
  }
}
