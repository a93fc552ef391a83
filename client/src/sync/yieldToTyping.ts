import { afterPaint } from './afterPaint.ts';

/** Input this recent means the person is typing. */
export const TYPING_MS = 1_000;

/** One message from the server, and whether it is a document update (sync) message. */
export interface Incoming {
  apply(): void;
  sync: boolean;
}

/**
 * Holds other people's messages (edits, carets) while this person is typing, and hands
 * them over together right after the frame that shows the keystroke.
 *
 * In a long document with others typing, applying a remote edit costs the page a
 * ProseMirror update and a layout (several milliseconds each). One that arrives between a
 * key and the frame that shows it delays that frame; with five people typing one arrives
 * every 30 ms or so, so most keystrokes met one. Held until the frame is on screen, they
 * run in the gap before the next key instead, and the edits among them are applied in one
 * Yjs transaction, so the editor redraws once for all of them. Others' words reach the
 * screen at most a frame later than they would have; when the person is not typing,
 * messages are handed over at once, one by one, as before.
 */
export class YieldToTyping {
  #held: Incoming[] = [];
  #lastInputAt = Number.NEGATIVE_INFINITY;
  #queued = false;
  #stopped = false;

  constructor(
    private readonly deliver: (batch: Incoming[]) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly later: (task: () => void) => void = afterPaint,
  ) {}

  /** A key or other input from this person. */
  noteInput(): void {
    this.#lastInputAt = this.now();
  }

  receive(message: Incoming): void {
    if (this.#stopped) return;
    // Order is kept: once one message is held, the ones after it wait with it.
    if (this.#held.length === 0 && this.now() - this.#lastInputAt > TYPING_MS) {
      this.deliver([message]);
      return;
    }
    this.#held.push(message);
    if (this.#queued) return;
    this.#queued = true;
    this.later(() => this.flush());
  }

  /** Hands over everything held (also when the socket closes: what came is applied). */
  flush(): void {
    this.#queued = false;
    if (this.#held.length === 0) return;
    const batch = this.#held;
    this.#held = [];
    this.deliver(batch);
  }

  /** The document is closing: nothing more is handed over. */
  stop(): void {
    this.#held = [];
    this.#stopped = true;
  }
}
