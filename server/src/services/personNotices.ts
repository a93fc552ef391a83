import { NoticeBoard } from './noticeBoard.ts';

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
  readonly #board: NoticeBoard<void>;

  constructor(private readonly elsewhere: PersonNoticesElsewhere | null = null) {
    this.#board = new NoticeBoard<void>(
      elsewhere ? (personId, listener) => elsewhere.follow(personId, () => listener()) : null,
    );
  }

  /** Tells these people's streams here and on every other process. */
  publish(personIds: Iterable<string>): void {
    for (const personId of new Set(personIds)) {
      this.#board.hear(personId);
      this.elsewhere?.announce(personId);
    }
  }

  /**
   * Hears the person's notices from every process until the returned function is called.
   * Resolves once the other processes' notices are heard too.
   */
  listen(personId: string, listener: () => void): Promise<() => void> {
    return this.#board.listen(personId, listener);
  }

  /** How many of this process's listeners are a person's (each is one open stream). */
  listenersOf(personId: string): number {
    return this.#board.count(personId);
  }

  /** Redis was away, so notices may have been lost: every stream's page fetches again. */
  lookAgain(): void {
    for (const personId of [...this.#board.keys()]) this.#board.hear(personId);
  }

  /** Refuses new listeners; the streams that listen end on their own (see `onClose`). */
  close(): void {
    this.#board.close();
  }

  /** Called once when the server stops, so long-lived streams can end cleanly first. */
  onClose(listener: () => void): () => void {
    return this.#board.onClose(listener);
  }
}
