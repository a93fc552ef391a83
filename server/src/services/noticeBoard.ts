/**
 * Listeners by key (a document, a person) for notices made in this process and, when
 * processes are joined, heard from the others: the part `DocumentNotices` and
 * `PersonNotices` share. While a key has listeners here, the other processes' notices
 * about it are followed; when its last listener goes, they no longer are.
 */
export class NoticeBoard<M> {
  readonly #listeners = new Map<string, Set<(message: M) => void>>();
  /** Per key with listeners here, stops hearing the other processes about it. */
  readonly #following = new Map<string, Promise<() => void>>();
  readonly #closeListeners = new Set<() => void>();
  #closed = false;

  constructor(
    private readonly followElsewhere:
      | ((key: string, listener: (message: M) => void) => Promise<() => void>)
      | null = null,
  ) {}

  /** Tells this process's listeners of `key`. */
  hear(key: string, message: M): void {
    for (const listener of this.#listeners.get(key) ?? []) listener(message);
  }

  /** The keys with listeners here. */
  keys(): IterableIterator<string> {
    return this.#listeners.keys();
  }

  /** How many listeners `key` has here. */
  count(key: string): number {
    return this.#listeners.get(key)?.size ?? 0;
  }

  /**
   * Hears `key`'s notices from every process until the returned function is called.
   * Resolves once the other processes' notices are heard too.
   */
  async listen(key: string, listener: (message: M) => void): Promise<() => void> {
    if (this.#closed) throw new Error('The server is stopping.');
    let listeners = this.#listeners.get(key);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(key, listeners);
      if (this.followElsewhere) {
        this.#following.set(
          key,
          this.followElsewhere(key, (message) => this.hear(key, message)),
        );
      }
    }
    // A Set would keep one of two listeners that share a function; each has its own.
    const own = (message: M) => listener(message);
    listeners.add(own);
    let forgotten = false;
    const forget = () => {
      if (forgotten) return;
      forgotten = true;
      this.#forget(key, own);
    };
    try {
      await this.#following.get(key);
    } catch (err) {
      forget();
      throw err;
    }
    return forget;
  }

  #forget(key: string, listener: (message: M) => void): void {
    const listeners = this.#listeners.get(key);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(key);
    const following = this.#following.get(key);
    this.#following.delete(key);
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
