/** How a process hears and tells the others that something changed for a person. */
export interface PersonNoticesElsewhere {
  /** Hears the other processes' notices for one person until the returned function is called. */
  follow(personId: string, listener: () => void): Promise<() => void>;
  /** Tells the other processes. */
  announce(personId: string): void;
}

/**
 * Notices for a person ("your notifications changed": someone mentioned you, or a mention
 * of you was deleted or resolved), for their pages' notification streams
 * (`routes/me/notificationRoutes.ts`). Like `DocumentNotices`, a notice says only that
 * something changed, never what: the page fetches the list through the route that checks
 * what this person may still read. When processes are joined, notices travel through Redis
 * on a channel per person, so a mention made on one process reaches streams on another.
 */
export class PersonNotices {
  readonly #listeners = new Map<string, Set<() => void>>();
  /** Per person with listeners here, stops hearing the other processes about them. */
  readonly #following = new Map<string, Promise<() => void>>();
  readonly #closeListeners = new Set<() => void>();
  #closed = false;

  constructor(private readonly elsewhere: PersonNoticesElsewhere | null = null) {}

  /** Tells these people's streams here and on every other process. */
  publish(personIds: Iterable<string>): void {
    for (const personId of new Set(personIds)) {
      this.#hear(personId);
      this.elsewhere?.announce(personId);
    }
  }

  #hear(personId: string): void {
    for (const listener of this.#listeners.get(personId) ?? []) listener();
  }

  /**
   * Hears the person's notices from every process until the returned function is called.
   * Resolves once the other processes' notices are heard too.
   */
  async listen(personId: string, listener: () => void): Promise<() => void> {
    if (this.#closed) throw new Error('The server is stopping.');
    let listeners = this.#listeners.get(personId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(personId, listeners);
      if (this.elsewhere) {
        this.#following.set(
          personId,
          this.elsewhere.follow(personId, () => this.#hear(personId)),
        );
      }
    }
    // A Set would keep one of two streams that share a function; each stream has its own.
    const own = () => listener();
    listeners.add(own);
    let forgotten = false;
    const forget = () => {
      if (forgotten) return;
      forgotten = true;
      this.#forget(personId, own);
    };
    try {
      await this.#following.get(personId);
    } catch (err) {
      forget();
      throw err;
    }
    return forget;
  }

  /** How many of this process's listeners are a person's (each is one open stream). */
  listenersOf(personId: string): number {
    return this.#listeners.get(personId)?.size ?? 0;
  }

  /** Redis was away, so notices may have been lost: every stream's page fetches again. */
  lookAgain(): void {
    for (const personId of this.#listeners.keys()) this.#hear(personId);
  }

  #forget(personId: string, listener: () => void): void {
    const listeners = this.#listeners.get(personId);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(personId);
    const following = this.#following.get(personId);
    this.#following.delete(personId);
    following?.then(
      (stop) => stop(),
      () => {},
    );
  }

  /** Refuses new listeners; the streams that listen end on their own (see `onClose`). */
  close(): void {
    this.#closed = true;
    for (const listener of this.#closeListeners) listener();
    this.#closeListeners.clear();
  }

  /** Called once when the server stops, so long-lived streams can end cleanly first. */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      listener();
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }
}
