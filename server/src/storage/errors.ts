/**
 * A journal commit refused because a client id it registers is another account's: another
 * server process registered it first and its announcement had not arrived. Names the
 * documents concerned, so the others of the same group commit can be committed without
 * them. Nothing of the refused commit was stored.
 */
export class ClientIdTaken extends Error {
  constructor(readonly documentIds: ReadonlySet<string>) {
    super(`client id already registered to another account in ${[...documentIds].join(', ')}`);
  }
}
