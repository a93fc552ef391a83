/** Something about who may open which document changed. */
export interface AccessChange {
  workspaceId: string;
  /** Only this person is affected; absent: anyone in the workspace may be. */
  userId?: string;
  /** Only this document is affected; absent: every document of the workspace. */
  documentId?: string;
}

export type AccessListener = (change: AccessChange) => void;

/**
 * Tells the sync server when access changed, so open connections are re-checked at once.
 * In one process this is a plain emitter; across nodes it will travel over Redis.
 */
export class AccessEvents {
  readonly #listeners = new Set<AccessListener>();

  onChange(listener: AccessListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(change: AccessChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
