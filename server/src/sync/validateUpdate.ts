import * as decoding from 'lib0/decoding';
import type { z } from 'zod';
import { ProtocolError } from './protocol.ts';

/**
 * Limits an untrusted Yjs update must respect before Yjs itself touches it. Yjs trusts
 * its input: counts far larger than the frame, clocks near 2^53, deeply nested JSON or
 * sub-documents have hung, crashed or poisoned stock servers (see SECURITY.md).
 */
export interface UpdateLimits {
  maxClients: number;
  maxStructs: number;
  maxDepth: number;
}

export const defaultUpdateLimits: UpdateLimits = {
  maxClients: 1_000,
  maxStructs: 500_000,
  maxDepth: 16,
};

/**
 * The names an update may use, when the server knows what the document holds (see
 * `editorContent` in the shared package). Without rules only the shape is checked.
 */
export interface ContentRules {
  roots: ReadonlySet<string>;
  elements: ReadonlySet<string>;
  attributes: ReadonlySet<string>;
  marks: ReadonlySet<string>;
  /** What the attributes that have a rule for their value may hold (see `checkPlacement`). */
  values: ReadonlyMap<string, z.ZodType>;
}

export function contentRules(names: {
  roots: readonly string[];
  elements: readonly string[];
  attributes: readonly string[];
  marks: readonly string[];
  values?: Readonly<Record<string, z.ZodType>>;
}): ContentRules {
  return {
    roots: new Set(names.roots),
    elements: new Set(names.elements),
    attributes: new Set(names.attributes),
    marks: new Set(names.marks),
    values: new Map(Object.entries(names.values ?? {})),
  };
}

const MAX_CLOCK = 2 ** 53 - 1;

// Content refs of Yjs update v1 (yjs/src/structs/Item.js contentRefs).
const GC = 0;
const SKIP = 10;
const DELETED = 1;
const JSON_CONTENT = 2;
const BINARY = 3;
const STRING = 4;
const EMBED = 5;
const FORMAT = 6;
const TYPE = 7;
const ANY = 8;
const DOC = 9;
const XML_ELEMENT = 3;
const XML_HOOK = 5;
const XML_TEXT = 6;
/** An overlapping mark's format key: its name, "--" and an 8-character hash (y-prosemirror). */
const HASHED_MARK = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

function fail(reason: string): never {
  throw new ProtocolError(`update refused: ${reason}`);
}

/** A name from the update, short enough for a close reason and a log line. */
const quoted = (name: string) => JSON.stringify(name.length > 32 ? `${name.slice(0, 32)}…` : name);

/** A client id or clock read from the update, refused beyond 2^53 - 1. */
function safeId(n: number): number {
  if (n > MAX_CLOCK) fail('id out of range');
  return n;
}

function notInSchema(what: string, name: string): never {
  fail(`${what} ${quoted(name)} is not in the editor's schema`);
}

function count(d: decoding.Decoder, what: string, max: number): number {
  const n = decoding.readVarUint(d);
  // Every counted element takes at least one byte, so a count beyond the bytes left lies.
  if (n > d.arr.length - d.pos + 1 || n > max)
    fail(`${what} count ${n} is impossible or over the limit`);
  return n;
}

/** JSON nesting depth without parsing (parsing very deep JSON is itself the attack). */
function jsonDepth(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash escape
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) fail('JSON nested too deeply');
    } else if (c === 125 || c === 93) depth--;
  }
}

/** lib0's "any" encoding, read with bounded depth and bounded element counts. */
function skipAny(d: decoding.Decoder, depth: number, limits: UpdateLimits): void {
  if (depth > limits.maxDepth) fail('value nested too deeply');
  const type = decoding.readUint8(d);
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125:
      decoding.readVarInt(d);
      return;
    case 124:
      decoding.readFloat32(d);
      return;
    case 123:
      decoding.readFloat64(d);
      return;
    case 122:
      decoding.readBigInt64(d);
      return;
    case 119:
      decoding.readVarString(d);
      return;
    case 118: {
      const n = count(d, 'object key', limits.maxStructs);
      for (let i = 0; i < n; i++) {
        decoding.readVarString(d);
        skipAny(d, depth + 1, limits);
      }
      return;
    }
    case 117: {
      const n = count(d, 'array element', limits.maxStructs);
      for (let i = 0; i < n; i++) skipAny(d, depth + 1, limits);
      return;
    }
    case 116:
      decoding.readVarUint8Array(d);
      return;
    default:
      fail(`unknown value type ${type}`);
  }
}

/** Reads one item's content and returns how many clocks it takes. */
function skipContent(
  d: decoding.Decoder,
  ref: number,
  limits: UpdateLimits,
  rules: ContentRules | undefined,
): number {
  switch (ref) {
    case DELETED: {
      const len = decoding.readVarUint(d);
      if (len > MAX_CLOCK) fail('deleted length out of range');
      return len;
    }
    case JSON_CONTENT: {
      if (rules) fail("JSON content is not in the editor's schema");
      const n = count(d, 'JSON item', limits.maxStructs);
      for (let i = 0; i < n; i++) jsonDepth(decoding.readVarString(d), limits.maxDepth);
      return n;
    }
    case STRING:
      return decoding.readVarString(d).length;
    case EMBED:
      if (rules) fail("embedded objects are not in the editor's schema");
      jsonDepth(decoding.readVarString(d), limits.maxDepth);
      return 1;
    case FORMAT: {
      const key = decoding.readVarString(d);
      if (rules && !rules.marks.has(HASHED_MARK.exec(key)?.[1] ?? key)) notInSchema('mark', key);
      jsonDepth(decoding.readVarString(d), limits.maxDepth);
      return 1;
    }
    case TYPE: {
      const typeRef = decoding.readVarUint(d);
      if (typeRef > 6) fail(`unknown type ${typeRef}`);
      if (rules && typeRef !== XML_ELEMENT && typeRef !== XML_TEXT) {
        fail("only elements and text belong in the editor's document");
      }
      if (typeRef === XML_ELEMENT || typeRef === XML_HOOK) {
        const name = decoding.readVarString(d);
        if (rules && !rules.elements.has(name)) notInSchema('element', name);
      }
      return 1;
    }
    case ANY: {
      const n = count(d, 'value', limits.maxStructs);
      for (let i = 0; i < n; i++) skipAny(d, 0, limits);
      return n;
    }
    // The editor never uses binary content or sub-documents; refusing them closes the
    // "hundreds of thousands of sub-documents" attack entirely.
    case BINARY:
      fail('binary content is not used by Chorus documents');
      break;
    case DOC:
      fail('sub-documents are not used by Chorus documents');
      break;
    default:
      fail(`unknown content type ${ref}`);
  }
  return 0;
}

/**
 * Walks a Yjs v1 update without building anything, checking every count against the
 * bytes that remain and every clock against 2^53. Throws ProtocolError when it would not
 * be safe to hand the update to Yjs. With `rules`, also refuses any name the editor's
 * schema does not have: a root other than the editor's, an unknown element, attribute or
 * mark, and content that is neither an element nor text directly under the root.
 */
export function validateUpdate(
  update: Uint8Array,
  limits: UpdateLimits = defaultUpdateLimits,
  rules?: ContentRules,
): void {
  const d = decoding.createDecoder(update);
  try {
    let structs = 0;
    const clients = count(d, 'client', limits.maxClients);
    const seen = new Set<number>();
    for (let c = 0; c < clients; c++) {
      const n = count(d, 'struct', limits.maxStructs);
      structs += n;
      if (structs > limits.maxStructs) fail('too many structs');
      // lib0 checks the range only of a number's leading bytes, so an id's last byte can
      // carry it past 2^53, where it no longer names one client.
      const client = safeId(decoding.readVarUint(d));
      // Yjs writes each client once. Applying keeps only a repeated client's last section
      // while merging (the relay) and the attribution gate read them all, so others could
      // be sent content the server never applied.
      if (seen.has(client)) fail('a client appears twice in the update');
      seen.add(client);
      let clock = decoding.readVarUint(d);
      for (let i = 0; i < n; i++) {
        const info = decoding.readUint8(d);
        const ref = info & 31;
        let len: number;
        if (ref === GC || ref === SKIP) {
          // Yjs writes these with no flag bits; with them, merging throws.
          if (info !== ref) fail('malformed struct');
          len = decoding.readVarUint(d);
        } else {
          if (info & 0x80) {
            safeId(decoding.readVarUint(d));
            safeId(decoding.readVarUint(d));
          }
          if (info & 0x40) {
            safeId(decoding.readVarUint(d));
            safeId(decoding.readVarUint(d));
          }
          // Without an origin the item names its parent: a root by name, or an item.
          let underRoot = false;
          let attribute = false;
          if ((info & 0xc0) === 0) {
            if (decoding.readVarUint(d) === 1) {
              const root = decoding.readVarString(d);
              if (rules && !rules.roots.has(root)) notInSchema('document part', root);
              underRoot = true;
            } else {
              safeId(decoding.readVarUint(d));
              safeId(decoding.readVarUint(d));
            }
            if (info & 0x20) {
              const key = decoding.readVarString(d);
              if (rules && !rules.attributes.has(key)) notInSchema('attribute', key);
              attribute = true;
            }
          }
          if (rules && !attribute && underRoot && ref !== TYPE && ref !== DELETED) {
            fail("only elements and text belong in the editor's document");
          }
          len = skipContent(d, ref, limits, rules);
        }
        clock += len;
        if (clock > MAX_CLOCK) fail('clock out of range');
      }
    }
    const dsClients = count(d, 'delete set client', limits.maxClients);
    for (let c = 0; c < dsClients; c++) {
      safeId(decoding.readVarUint(d));
      const ranges = count(d, 'delete range', limits.maxStructs);
      for (let r = 0; r < ranges; r++) {
        const clock = decoding.readVarUint(d);
        const len = decoding.readVarUint(d);
        if (clock + len > MAX_CLOCK) fail('delete range out of range');
      }
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    fail('malformed update');
  }
  if (decoding.hasContent(d)) fail('trailing bytes after the update');
}
