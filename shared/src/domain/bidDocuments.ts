/**
 * Which files a bid's documents may be, told from their bytes (never from the name or the
 * browser's content type alone), and how their names are made safe to show. Pure, so the
 * server checks every upload with it and the client can say what is wrong before sending.
 */

/** The limits on a bid's documents, in one place for the server, the client and the README. */
export const bidDocumentLimits = {
  /** 20 MiB: a long bid document with scanned appendices as PDF fits; a video does not. */
  maxBytes: 20 * 1024 * 1024,
  /** Per bid: a typical health services bid is a response document plus its appendices. */
  maxFilesPerBid: 30,
  /** Characters of a file's name, extension included, after it is tidied. */
  maxNameLength: 150,
} as const;

export const bidDocumentKinds = ['pdf', 'docx', 'xlsx', 'odt', 'ods', 'txt'] as const;
export type BidDocumentKind = (typeof bidDocumentKinds)[number];

/** What a download is served as: only ever one of these, whatever the uploader claimed. */
export const bidDocumentContentTypes: Record<BidDocumentKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  txt: 'text/plain; charset=utf-8',
};

export const bidDocumentKindLabels: Record<BidDocumentKind, string> = {
  pdf: 'PDF',
  docx: 'Word document',
  xlsx: 'Excel spreadsheet',
  odt: 'OpenDocument text',
  ods: 'OpenDocument spreadsheet',
  txt: 'Plain text',
};

/** For the file input's `accept` and the words that say what is accepted. */
export const bidDocumentExtensions = bidDocumentKinds.map((k) => `.${k}`);
export const acceptedFormatsInWords =
  'PDF, Word (.docx), Excel (.xlsx), OpenDocument text or spreadsheet (.odt, .ods) and plain text (.txt)';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const isKind = (s: string): s is BidDocumentKind =>
  (bidDocumentKinds as readonly string[]).includes(s);

/** Sizes in words people read easily ("2.5 MB", "800 KB"); 1 MB here is 1,048,576 bytes. */
export function sizeInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

/**
 * A file's name made safe to show and to send back in a download: Unicode-normalised,
 * spaces tidied; refused when it holds control or direction characters (which can make
 * "invoice‮fdp.exe" read as a PDF) or path separators, is too long, or has an extension
 * Chorus does not accept.
 */
export function checkBidDocumentName(
  raw: string,
): Checked<{ name: string; kind: BidDocumentKind }> {
  const name = raw
    .normalize('NFC')
    .replace(/[ \t]+/g, ' ')
    .trim();
  if (name === '') {
    return { ok: false, message: 'The file has no name. Give it a name and upload it again.' };
  }
  // Controls (line breaks included), format and direction marks, lone surrogates, line and
  // paragraph separators, and the non-characters.
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFE\uFFFF]/u.test(name)) {
    return {
      ok: false,
      message:
        'The file’s name contains an invisible control or text-direction character, which can disguise what a file is. Rename the file using ordinary letters, numbers and punctuation, then upload it again.',
    };
  }
  if (/[/\\]/.test(name)) {
    return {
      ok: false,
      message:
        'The file’s name contains a slash (/ or \\). Rename the file without slashes, then upload it again.',
    };
  }
  if ([...name].length > bidDocumentLimits.maxNameLength) {
    return {
      ok: false,
      message: `The file’s name is ${[...name].length} characters long; the most is ${bidDocumentLimits.maxNameLength}. Rename the file to something shorter, then upload it again.`,
    };
  }
  const match = /^(.*[^.\s])\.([A-Za-z]+)$/.exec(name);
  const extension = match?.[2]?.toLowerCase() ?? '';
  if (!match || !isKind(extension)) {
    return {
      ok: false,
      message: `Chorus accepts ${acceptedFormatsInWords} files, and this file’s name does not end in one of those. Save it in one of these formats (for example, print it to PDF), then upload that.`,
    };
  }
  return { ok: true, value: { name, kind: extension } };
}

const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/** Whether `needle` occurs anywhere in `bytes` (native search for its first byte). */
function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  if (first === undefined) return true;
  for (let i = bytes.indexOf(first); i !== -1; i = bytes.indexOf(first, i + 1)) {
    if (startsWith(bytes, needle, i)) return true;
  }
  return false;
}

const ZIP = ascii('PK\x03\x04');
const PDF = ascii('%PDF-');
const odfTypes = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
} as const;
// Office Open XML packages list their parts by name; a Word file has word/, Excel xl/.
const ooxmlPart = { docx: ascii('word/'), xlsx: ascii('xl/') } as const;

/**
 * An OpenDocument file's first entry is an uncompressed file called "mimetype" holding
 * its type (the OpenDocument standard requires it, so that a file can be told by its bytes).
 */
function odfMimetype(bytes: Uint8Array): string | null {
  if (!startsWith(bytes, ZIP) || bytes.length < 30) return null;
  const u16 = (at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  const size = u16(18) + u16(20) * 65536;
  const nameLength = u16(26);
  const extraLength = u16(28);
  if (nameLength !== 8 || !startsWith(bytes, ascii('mimetype'), 30) || size > 100) return null;
  const start = 30 + nameLength + extraLength;
  if (bytes.length < start + size) return null;
  return String.fromCharCode(...bytes.subarray(start, start + size));
}

/**
 * Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), checked by
 * hand: `shared/` runs where TextDecoder may not be declared.
 */
function isUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const follow = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : 3;
    if (lead < 0xc2 || lead > 0xf4) return false;
    let codePoint = lead & (0x3f >> follow);
    for (let k = 1; k <= follow; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return false;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    const least = [0, 0x80, 0x800, 0x10000][follow] ?? 0;
    if (codePoint < least || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      return false;
    }
    i += follow + 1;
  }
  return true;
}

/**
 * Checks that a file's bytes are what its extension says, and its size: a PDF starts
 * "%PDF-", Word, Excel and OpenDocument files are ZIP packages with the parts of their
 * kind, a text file is UTF-8 with no NUL bytes.
 */
export function checkBidDocumentBytes(kind: BidDocumentKind, bytes: Uint8Array): Checked<null> {
  if (bytes.length === 0) {
    return {
      ok: false,
      message: 'The file is empty (0 bytes). Check you chose the right file, then upload it again.',
    };
  }
  if (bytes.length > bidDocumentLimits.maxBytes) {
    return {
      ok: false,
      message: `The file is ${sizeInWords(bytes.length)}; the most is ${sizeInWords(bidDocumentLimits.maxBytes)}. Split it into parts, or make it smaller (for example, scan at a lower resolution), then upload it again.`,
    };
  }
  const label = bidDocumentKindLabels[kind];
  const notWhatItSays = {
    ok: false as const,
    message: `The file’s name ends in .${kind}, but its contents are not a${/^[AEIOU]/.test(label) ? 'n' : ''} ${label}. It may be damaged or renamed from another format. Open it and save it again as .${kind}, then upload that.`,
  };
  switch (kind) {
    case 'pdf':
      return startsWith(bytes, PDF) ? { ok: true, value: null } : notWhatItSays;
    case 'docx':
    case 'xlsx':
      return startsWith(bytes, ZIP) &&
        contains(bytes, ascii('[Content_Types].xml')) &&
        contains(bytes, ooxmlPart[kind])
        ? { ok: true, value: null }
        : notWhatItSays;
    case 'odt':
    case 'ods':
      return odfMimetype(bytes) === odfTypes[kind] ? { ok: true, value: null } : notWhatItSays;
    case 'txt':
      if (bytes.includes(0)) return notWhatItSays;
      return isUtf8(bytes)
        ? { ok: true, value: null }
        : {
            ok: false,
            message:
              'The text file is not in UTF-8, the encoding Chorus reads. Open it and save it as UTF-8 text (or as a PDF), then upload it again.',
          };
  }
}
