/** Wakes a waiting loop once; a wake with nobody waiting is kept for the next wait. */
export class Wakeup {
  #resolve: (() => void) | null = null;
  #pending = false;

  wake(): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    if (resolve) resolve();
    else this.#pending = true;
  }

  /** Resolves at the next wake, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = null;
        resolve();
      }, ms);
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
