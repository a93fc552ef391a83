/** Something about who may open which document changed. */
export interface AccessChange {
  workspaceId: string;
  /** Only this person is affected; absent: anyone in the workspace may be. */
  userId?: string;
  /** Only this document is affected; absent: every document of the workspace. */
  documentId?: string;
  /**
   * Only whether the text may be changed (a document closed or reopened): who may open
   * what, and so whose mentions are listed, is as it was.
   */
  textOnly?: boolean;
}

export type AccessListener = (change: AccessChange) => void;

/**
 * Tells the sync server when access changed, so open connections are re-checked at once.
 * In one process this is a plain emitter; across nodes it will travel over Redis.
 */
export class AccessEvents {
  readonly #listeners = new Set<AccessListener>();
  readonly #anywhere = new Set<AccessListener>();

  /** Changes made through this process (the sync server re-checks, the cluster tells on). */
  onChange(listener: AccessListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes made through this process or heard from another (see `changedElsewhere`). */
  onChangeAnywhere(listener: AccessListener): () => void {
    this.#anywhere.add(listener);
    return () => this.#anywhere.delete(listener);
  }

  changed(change: AccessChange): void {
    for (const listener of this.#listeners) listener(change);
    for (const listener of this.#anywhere) listener(change);
  }

  /** A change another process made and announced: never told on again from here. */
  changedElsewhere(change: AccessChange): void {
    for (const listener of this.#anywhere) listener(change);
  }
}
