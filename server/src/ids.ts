import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type * as Y from 'yjs';

/** A random id with 120 bits of CSPRNG randomness, lower-case base32 (24 characters). */
export function newId(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * A Yjs client id nobody has used in the document (for an edit the server makes), nor
 * claimed in `taken` (ids registered to someone before their content arrived).
 */
export function freshClientId(doc: Y.Doc, taken: ReadonlyMap<number, unknown> = new Map()): number {
  for (;;) {
    const id = crypto.getRandomValues(new Uint32Array(1))[0] ?? 1;
    if (id !== 0 && !doc.store.clients.has(id) && !taken.has(id)) return id;
  }
}
