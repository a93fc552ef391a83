import { type NoticeTopic, noticeTopics } from '@chorus/shared';
import { NoticeBoard } from './noticeBoard.ts';

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
  readonly #board: NoticeBoard<NoticeTopic>;
  /** Listeners per person, so one account cannot hold open any number of streams. */
  readonly #byPerson = new Map<string, number>();

  constructor(followElsewhere: FollowNotices | null = null) {
    this.#board = new NoticeBoard(followElsewhere);
  }

  /** A notice made in this process (the other processes hear it from `SyncServer.notify`). */
  publish(documentId: string, topic: NoticeTopic): void {
    this.#board.hear(documentId, topic);
  }

  /**
   * Hears the document's notices from every process, for a person, until the returned
   * function is called. Resolves once the other processes' notices are heard too.
   */
  async listen(documentId: string, person: string, listener: NoticeListener): Promise<() => void> {
    this.#byPerson.set(person, this.listenersOf(person) + 1);
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      const left = this.listenersOf(person) - 1;
      if (left > 0) this.#byPerson.set(person, left);
      else this.#byPerson.delete(person);
    };
    try {
      const forget = await this.#board.listen(documentId, listener);
      return () => {
        uncount();
        forget();
      };
    } catch (err) {
      uncount();
      throw err;
    }
  }

  /**
   * Tells every listener that anything may have changed (Redis was away, so the other
   * processes' notices may have been lost): their pages fetch what they follow again.
   */
  lookAgain(): void {
    for (const documentId of [...this.#board.keys()]) {
      for (const topic of noticeTopics) this.publish(documentId, topic);
    }
  }

  /** How many of this process's listeners are a person's. */
  listenersOf(person: string): number {
    return this.#byPerson.get(person) ?? 0;
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
