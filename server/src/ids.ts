import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A random id with 120 bits of CSPRNG randomness, lower-case base32 (24 characters). */
export function newId(): string {
  const bytes = new Uint8Array(15);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}
