/**
 * A journal commit refused for some of its documents only. Names them, so the others of
 * the same group commit can be committed without them. Nothing of the refused commit was
 * stored.
 */
export class CommitRefused extends Error {
  constructor(
    readonly documentIds: ReadonlySet<string>,
    reason: string,
  ) {
    super(`${reason} (${[...documentIds].join(', ')})`);
  }
}

/**
 * A client id the commit registers is another account's: another server process
 * registered it first and its announcement had not arrived.
 */
export class ClientIdTaken extends CommitRefused {
  constructor(documentIds: ReadonlySet<string>) {
    super(documentIds, 'client id already registered to another account');
  }
}

/** A document of the commit was erased (through another server process) meanwhile. */
export class DocumentGone extends CommitRefused {
  constructor(documentIds: ReadonlySet<string>) {
    super(documentIds, 'document erased meanwhile');
  }
}

/**
 * A document of the commit is closed (its stored status locks its text, `locksText`): the
 * commit checked it in its own transaction, after the status change or before it, never
 * between. Edits that reached the server before it heard of the closing end here.
 */
export class DocumentLocked extends CommitRefused {
  constructor(documentIds: ReadonlySet<string>) {
    super(documentIds, 'document closed meanwhile: its text is read-only');
  }
}
