import { describe, expect, it } from 'vitest';
import {
  clarificationAnswerInputSchema,
  clarificationQuestionInputSchema,
} from '../schemas/bidDocument.ts';
import {
  bidDocumentLimits,
  checkBidDocumentBytes,
  checkBidDocumentName,
  sizeInWords,
} from './bidDocuments.ts';

/** UTF-8 bytes of a string (shared/ has no TextEncoder in its types). */
const text = (s: string) =>
  Uint8Array.from(encodeURIComponent(s).match(/%[0-9A-F]{2}|[^%]/g) ?? [], (part) =>
    part.length === 3 ? Number.parseInt(part.slice(1), 16) : part.charCodeAt(0),
  );

/** A ZIP local file header with one stored entry, as an OpenDocument file starts. */
function zipEntry(name: string, content: string): Uint8Array {
  const header = new Uint8Array(30);
  header.set(text('PK\x03\x04'));
  const view = new DataView(header.buffer);
  view.setUint32(18, content.length, true);
  view.setUint32(22, content.length, true);
  view.setUint16(26, name.length, true);
  return new Uint8Array([...header, ...text(name), ...text(content)]);
}

describe('bid document names', () => {
  it('keeps an ordinary name, tidied, and tells the kind from its extension', () => {
    expect(checkBidDocumentName('  Method  statement v2.PDF ')).toEqual({
      ok: true,
      value: { name: 'Method statement v2.PDF', kind: 'pdf' },
    });
    expect(checkBidDocumentName('Prices.xlsx')).toMatchObject({
      ok: true,
      value: { kind: 'xlsx' },
    });
  });

  it('refuses control and direction characters, which can disguise a file', () => {
    for (const name of [
      'invoice\u202Efdp.exe',
      'a\u0000b.pdf',
      'two\nlines.pdf',
      'zw\u200Bj.pdf',
    ]) {
      const checked = checkBidDocumentName(name);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.message).toContain('invisible control or text-direction');
    }
  });

  it('refuses path separators, names too long, and other formats, saying how to fix it', () => {
    expect(checkBidDocumentName('../../etc/passwd.txt')).toMatchObject({
      ok: false,
      message: expect.stringContaining('slash'),
    });
    expect(checkBidDocumentName('C:\\bids\\a.pdf')).toMatchObject({ ok: false });
    const long = `${'a'.repeat(bidDocumentLimits.maxNameLength)}.pdf`;
    expect(checkBidDocumentName(long)).toMatchObject({
      ok: false,
      message: expect.stringContaining('Rename the file to something shorter'),
    });
    for (const name of ['setup.exe', 'photo.jpg', '.pdf', 'no extension', 'doc.']) {
      expect(checkBidDocumentName(name)).toMatchObject({
        ok: false,
        message: expect.stringContaining('Chorus accepts PDF'),
      });
    }
    expect(checkBidDocumentName('   ')).toMatchObject({ ok: false });
  });
});

describe('bid document contents', () => {
  it('accepts each format by its bytes', () => {
    expect(checkBidDocumentBytes('pdf', text('%PDF-1.7\n%…')).ok).toBe(true);
    const docx = new Uint8Array([
      ...zipEntry('[Content_Types].xml', '<Types/>'),
      ...zipEntry('word/document.xml', '<w:document/>'),
    ]);
    expect(checkBidDocumentBytes('docx', docx).ok).toBe(true);
    const xlsx = new Uint8Array([
      ...zipEntry('[Content_Types].xml', '<Types/>'),
      ...zipEntry('xl/workbook.xml', '<workbook/>'),
    ]);
    expect(checkBidDocumentBytes('xlsx', xlsx).ok).toBe(true);
    expect(
      checkBidDocumentBytes('odt', zipEntry('mimetype', 'application/vnd.oasis.opendocument.text'))
        .ok,
    ).toBe(true);
    expect(
      checkBidDocumentBytes(
        'ods',
        zipEntry('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'),
      ).ok,
    ).toBe(true);
    expect(checkBidDocumentBytes('txt', text('Prices held for 90 days. £ and é welcome.')).ok).toBe(
      true,
    );
  });

  it('refuses a file whose bytes are not what its name says', () => {
    const html = text('<html><script>alert(1)</script></html>');
    for (const kind of ['pdf', 'docx', 'xlsx', 'odt', 'ods'] as const) {
      expect(checkBidDocumentBytes(kind, html)).toMatchObject({
        ok: false,
        message: expect.stringContaining(`ends in .${kind}, but its contents are not`),
      });
    }
    // A Word file renamed .xlsx, and a spreadsheet renamed .odt.
    const docx = new Uint8Array([
      ...zipEntry('[Content_Types].xml', '<Types/>'),
      ...zipEntry('word/document.xml', '<w:document/>'),
    ]);
    expect(checkBidDocumentBytes('xlsx', docx).ok).toBe(false);
    expect(
      checkBidDocumentBytes(
        'odt',
        zipEntry('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'),
      ).ok,
    ).toBe(false);
    expect(checkBidDocumentBytes('txt', new Uint8Array([0x41, 0x00, 0x42])).ok).toBe(false);
    for (const notUtf8 of [
      [0x41, 0xff, 0xfe],
      [0x63, 0x61, 0x66, 0xe9], // Latin-1 "café"
      [0xc0, 0xaf], // an overlong "/"
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate
      [0xe2, 0x82], // cut short
    ]) {
      expect(checkBidDocumentBytes('txt', new Uint8Array(notUtf8))).toMatchObject({
        ok: false,
        message: expect.stringContaining('UTF-8'),
      });
    }
    expect(checkBidDocumentBytes('txt', text('€ 😀 é')).ok).toBe(true);
  });

  it('refuses empty and oversized files with their size in words', () => {
    expect(checkBidDocumentBytes('pdf', new Uint8Array(0))).toMatchObject({
      ok: false,
      message: expect.stringContaining('empty'),
    });
    const big = new Uint8Array(bidDocumentLimits.maxBytes + 1);
    big.set(text('%PDF-'));
    expect(checkBidDocumentBytes('pdf', big)).toMatchObject({
      ok: false,
      message: expect.stringContaining('the most is 20 MB'),
    });
    expect(sizeInWords(1536)).toBe('2 KB');
    expect(sizeInWords(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });
});

describe('clarification questions and answers', () => {
  it('keeps line breaks but refuses hidden characters, with a message saying so', () => {
    expect(
      clarificationQuestionInputSchema.parse({ question: 'Line one\r\nline two of the question' }),
    ).toEqual({ question: 'Line one\nline two of the question' });
    const hidden = clarificationQuestionInputSchema.safeParse({
      question: 'Please explain the \u202Estaffing model',
    });
    expect(hidden.success).toBe(false);
    expect(hidden.error?.issues[0]?.message).toContain('invisible control');
    expect(clarificationQuestionInputSchema.safeParse({ question: 'Why?' }).success).toBe(false);
    expect(
      clarificationQuestionInputSchema.safeParse({ question: 'x'.repeat(2001) }).error?.issues[0]
        ?.message,
    ).toContain('at most 2,000 characters');
  });

  it('needs a real date, and a reason to correct an answer', () => {
    const ok = clarificationAnswerInputSchema.parse({
      answer: 'We will run rural clinics weekly.',
      receivedOn: '2026-02-28',
    });
    expect(ok).toMatchObject({ replaces: null, reason: '' });
    expect(
      clarificationAnswerInputSchema.safeParse({
        answer: 'Yes, we will.',
        receivedOn: '2026-02-30',
      }).error?.issues[0]?.message,
    ).toContain('does not exist');
    const correction = clarificationAnswerInputSchema.safeParse({
      answer: 'Yes, we will.',
      receivedOn: '2026-02-28',
      replaces: 'a1',
    });
    expect(correction.error?.issues[0]?.message).toContain('Say why the recorded answer');
  });
});
