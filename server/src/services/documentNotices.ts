import { type NoticeTopic, noticeTopics } from '@chorus/shared';

export type NoticeListener = (topic: NoticeTopic) => void;

/**
 * Hears the notices other server processes send about one document (through Redis), until
 * the returned function is called. Resolves once they will be heard.
 */
export type FollowNotices = (documentId: string, listener: NoticeListener) => Promise<() => void>;

/**
 * Notices about documents ("its comments changed", "its scoring changed") for pages that
 * follow them without the document's WebSocket: the scoring page keeps an event stream
 * open instead (`routes/documents/evaluationEvents.ts`). Open sockets hear notices from
 * their room (`SyncServer.notify`); this hears the same notices for everyone else, from
 * this process and, when processes are joined, from the others. A notice says what changed,
 * never how: listeners fetch it again through the routes that check who may see it.
 */
export class DocumentNotices {
  readonly #listeners = new Map<string, Set<NoticeListener>>();
  /** Per document with listeners here, stops hearing the other processes about it. */
  readonly #following = new Map<string, Promise<() => void>>();
  readonly #closeListeners = new Set<() => void>();
  /** Listeners per person, so one account cannot hold open any number of streams. */
  readonly #byPerson = new Map<string, number>();
  #closed = false;

  constructor(private readonly followElsewhere: FollowNotices | null = null) {}

  /** A notice made in this process (the other processes hear it from `SyncServer.notify`). */
  publish(documentId: string, topic: NoticeTopic): void {
    for (const listener of this.#listeners.get(documentId) ?? []) listener(topic);
  }

  /**
   * Hears the document's notices from every process, for a person, until the returned
   * function is called. Resolves once the other processes' notices are heard too.
   */
  async listen(documentId: string, person: string, listener: NoticeListener): Promise<() => void> {
    if (this.#closed) throw new Error('The server is stopping.');
    this.#byPerson.set(person, this.listenersOf(person) + 1);
    let forgotten = false;
    const forget = () => {
      if (forgotten) return;
      forgotten = true;
      const left = this.listenersOf(person) - 1;
      if (left > 0) this.#byPerson.set(person, left);
      else this.#byPerson.delete(person);
      this.#forget(documentId, listener);
    };
    let listeners = this.#listeners.get(documentId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(documentId, listeners);
      if (this.followElsewhere) {
        this.#following.set(
          documentId,
          this.followElsewhere(documentId, (topic) => this.publish(documentId, topic)),
        );
      }
    }
    listeners.add(listener);
    try {
      await this.#following.get(documentId);
    } catch (err) {
      forget();
      throw err;
    }
    return forget;
  }

  /**
   * Tells every listener that anything may have changed (Redis was away, so the other
   * processes' notices may have been lost): their pages fetch what they follow again.
   */
  lookAgain(): void {
    for (const documentId of this.#listeners.keys()) {
      for (const topic of noticeTopics) this.publish(documentId, topic);
    }
  }

  /** How many of this process's listeners are a person's. */
  listenersOf(person: string): number {
    return this.#byPerson.get(person) ?? 0;
  }

  #forget(documentId: string, listener: NoticeListener): void {
    const listeners = this.#listeners.get(documentId);
    if (!listeners?.delete(listener) || listeners.size > 0) return;
    this.#listeners.delete(documentId);
    const following = this.#following.get(documentId);
    this.#following.delete(documentId);
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
