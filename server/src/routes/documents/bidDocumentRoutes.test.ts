import { createHash } from 'node:crypto';
import { type BidsView, bidDocumentLimits, bidsViewSchema, errorBodySchema } from '@chorus/shared';
import JSZip from 'jszip';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unloggable } from '../../test/auditFaults.ts';
import { buildTestApp } from '../../test/testApp.ts';
import { TEST_ORIGIN } from '../../test/testServer.ts';

/**
 * A procurement evaluation with an owner (not on the panel), a chair, a lay evaluator, a
 * clinician, an observer and an editor outside the panel; two bids.
 */
async function setup() {
  const t = buildTestApp();
  const owner = await t.signUp('Olive Owner');
  const chair = await t.signUp('Cher Chair');
  const lay = await t.signUp('Lee Lay');
  const clinician = await t.signUp('Cal Clinician');
  const observer = await t.signUp('Obi Observer');
  const outsider = await t.signUp('Ed Editor');
  const ws = await t.request('POST', '/api/workspaces', {
    cookie: owner.cookie,
    body: { name: 'Community eye care procurement' },
  });
  const workspaceId = ws.json.workspace.id as string;
  for (const who of [chair, lay, clinician, observer, outsider]) {
    await t.request('POST', `/api/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
      body: { email: who.email, permission: 'editor', participantRole: 'patient' },
    });
  }
  const created = await t.request('POST', `/api/workspaces/${workspaceId}/documents`, {
    cookie: owner.cookie,
    body: { title: 'Lot 1 evaluation', kind: 'procurement_evaluation' },
  });
  const documentId = created.json.document.id as string;
  const path = `/api/documents/${documentId}/evaluation`;
  const panel = [
    { userId: chair.id, panelRole: 'chair' },
    { userId: lay.id, panelRole: 'lay_evaluator' },
    { userId: clinician.id, panelRole: 'evaluator' },
    { userId: observer.id, panelRole: 'observer' },
  ];
  const criteria = [{ title: 'Quality of care', scale: '0-4', weight: 100, threshold: null }];
  const saveSetup = (cookie: string, bids: unknown[]) =>
    t.request('PUT', `${path}/setup`, { cookie, body: { criteria, bids, panel } });
  const saved = await saveSetup(owner.cookie, [
    { bidder: 'Northside Eye Care' },
    { bidder: 'Riverside Optometry' },
  ]);
  expect(saved.status).toBe(200);
  const bidList = saved.json.evaluation.setup.bids as { id: string; bidder: string }[];
  const [bidA, bidB] = bidList.map((b) => b.id);
  if (!bidA || !bidB) throw new Error('The set-up has no bids');
  const declare = (cookie: string, body: unknown = { confidential: true, conflict: false }) =>
    t.request('PUT', `${path}/declaration`, { cookie, body });
  const start = async () => {
    expect((await t.request('POST', `${path}/start`, { cookie: chair.cookie })).status).toBe(200);
  };
  /** Uploads raw bytes as the browser client does; `name` null sends no name. */
  const upload = (
    cookie: string,
    bidId: string,
    name: string | null,
    bytes: Uint8Array,
    headers: Record<string, string> = {},
  ) =>
    t.app.request(`${path}/bids/${bidId}/documents`, {
      method: 'POST',
      headers: {
        origin: TEST_ORIGIN,
        cookie,
        // What the browser claims is ignored: the bytes decide.
        'content-type': 'application/octet-stream',
        ...(name === null ? {} : { 'x-file-name': encodeURIComponent(name) }),
        ...headers,
      },
      body: bytes,
    });
  const download = (cookie: string, bidId: string, fileId: string) =>
    t.app.request(`${path}/bids/${bidId}/documents/${fileId}`, { headers: { cookie } });
  const list = (cookie: string) => t.request('GET', `${path}/bids`, { cookie });
  const ask = (cookie: string, bidId: string, question: unknown) =>
    t.request('POST', `${path}/bids/${bidId}/clarifications`, { cookie, body: { question } });
  const answer = (cookie: string, bidId: string, questionId: string, body: unknown) =>
    t.request('POST', `${path}/bids/${bidId}/clarifications/${questionId}/answers`, {
      cookie,
      body,
    });
  return {
    t,
    owner,
    chair,
    lay,
    clinician,
    observer,
    outsider,
    workspaceId,
    documentId,
    path,
    bidA,
    bidB,
    saveSetup,
    declare,
    start,
    upload,
    download,
    list,
    ask,
    answer,
  };
}

const encode = (s: string) => new TextEncoder().encode(s);
/** A raw response's body as the bids' view, or its error message: parsed, never assumed. */
const viewOf = async (res: Response) => bidsViewSchema.parse(await res.json());
const messageOf = async (res: Response): Promise<string> =>
  errorBodySchema.parse(await res.json()).error.message;
/** The files of the view's bid at `index` (the set-up's order). */
const filesOf = (view: BidsView, index: number) => {
  const bid = view.bids[index];
  if (!bid) throw new Error(`The view has no bid ${index}`);
  return bid.documents;
};
const firstFile = (view: BidsView, index = 0) => {
  const [file] = filesOf(view, index);
  if (!file) throw new Error(`Bid ${index} has no file`);
  return file;
};
const pdf = encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const today = () => new Date().toISOString().slice(0, 10);

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});
const opened = async () => {
  const s = await setup();
  closers.push(() => s.t.storage.close());
  return s;
};

describe('bid documents: upload, list, download', () => {
  it('the chair uploads a PDF in set-up; the panel downloads the identical bytes, served as an attachment that cannot run', async () => {
    const s = await opened();
    const name = 'Northside – method statement “final”.pdf';
    const res = await s.upload(s.chair.cookie, s.bidA, name, pdf);
    expect(res.status).toBe(201);
    const view = await viewOf(res);
    const file = firstFile(view);
    expect(file).toMatchObject({
      name,
      kind: 'pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      uploadedByName: 'Cher Chair',
    });
    expect(filesOf(view, 1)).toEqual([]);
    expect(view.me).toEqual({ canChangeDocuments: true, canAsk: false, canAnswer: false });

    await s.start();
    await s.declare(s.lay.cookie);
    const got = await s.download(s.lay.cookie, s.bidA, file.id);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(pdf);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="Northside _ method statement _final_.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe(
      "default-src 'none'; sandbox; frame-ancestors 'none'",
    );
    expect(got.headers.get('cache-control')).toBe('no-store');
    // The app's own policy still covers every other response.
    const page = await s.t.app.request(`${s.path}/bids`, { headers: { cookie: s.lay.cookie } });
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    // A bid's document is the file's name, not a way to reach another bid's files.
    expect((await s.download(s.lay.cookie, s.bidB, file.id)).status).toBe(404);

    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const entries = audit.json.entries as { action: string; details: Record<string, unknown> }[];
    const added = entries.find((e) => e.action === 'evaluation.bid_document_added');
    expect(added?.details).toEqual({
      bidId: s.bidA,
      fileId: file.id,
      name,
      kind: 'pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      // Uploaded without a choice: every panel group may open it.
      seenBy: null,
    });
    expect(
      entries
        .filter((e) => e.action === 'evaluation.bid_document_downloaded')
        .map((e) => e.details),
    ).toEqual([{ bidId: s.bidA, fileId: file.id, name }]);
  });

  it('keeps no file whose audit entry cannot be written', async () => {
    const s = await opened();
    const { bids } = s.t.storage;
    const addDocument = bids.addDocument;
    bids.addDocument = (record, bytes, maxFiles, options) =>
      addDocument(record, bytes, maxFiles, unloggable(options));
    // The file and its entry are one write: a file the panel could open with no record of
    // which file it was (its hash) is never kept.
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const refused = await s.upload(s.chair.cookie, s.bidA, 'Method statement.pdf', pdf);
    const reportedError = String(reported.mock.calls[0]?.[1]);
    reported.mockRestore();
    expect(refused.status).toBe(500);
    expect(reportedError).toContain('audit_log');
    expect(filesOf(bidsViewSchema.parse((await s.list(s.chair.cookie)).json), 0)).toEqual([]);
    bids.addDocument = addDocument;
    const res = await s.upload(s.chair.cookie, s.bidA, 'Method statement.pdf', pdf);
    expect(res.status).toBe(201);
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const added = (audit.json.entries as { action: string; details: { fileId?: string } }[])
      .filter((e) => e.action === 'evaluation.bid_document_added')
      .map((e) => e.details.fileId);
    expect(added).toEqual([firstFile(await viewOf(res)).id]);
  });

  it('accepts Word, Excel, OpenDocument and plain text files told from their bytes', async () => {
    const s = await opened();
    const word = new JSZip();
    word.file('[Content_Types].xml', '<Types/>');
    word.file('word/document.xml', '<w:document/>');
    const excel = new JSZip();
    excel.file('[Content_Types].xml', '<Types/>');
    excel.file('xl/workbook.xml', '<workbook/>');
    const odt = new JSZip();
    odt.file('mimetype', 'application/vnd.oasis.opendocument.text', { compression: 'STORE' });
    odt.file('content.xml', '<office:document-content/>');
    const files: [string, Uint8Array, string][] = [
      ['Response.docx', await word.generateAsync({ type: 'uint8array' }), 'docx'],
      ['Prices.xlsx', await excel.generateAsync({ type: 'uint8array' }), 'xlsx'],
      ['Social value.odt', await odt.generateAsync({ type: 'uint8array' }), 'odt'],
      ['Notes.txt', encode('Rural clinics: weekly.\nÉquipe mobile.'), 'txt'],
    ];
    for (const [name, bytes, kind] of files) {
      const res = await s.upload(s.owner.cookie, s.bidB, name, bytes);
      expect(res.status, name).toBe(201);
      const view = await viewOf(res);
      expect(filesOf(view, 1).at(-1)).toMatchObject({ name, kind });
    }
    const { json } = await s.list(s.chair.cookie);
    const text = json.bids[1].documents.find((f: { kind: string }) => f.kind === 'txt');
    const got = await s.download(s.chair.cookie, s.bidB, text.id);
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await got.text()).toBe('Rural clinics: weekly.\nÉquipe mobile.');
  });

  it('refuses empty, oversized, mislabelled and badly named files, each saying how to fix it', async () => {
    const s = await opened();
    const refused = async (name: string | null, bytes: Uint8Array, message: string) => {
      const res = await s.upload(s.chair.cookie, s.bidA, name, bytes);
      expect(res.status, String(name)).toBe(400);
      expect(await messageOf(res)).toContain(message);
    };
    await refused('Empty.pdf', new Uint8Array(0), 'The file is empty (0 bytes)');
    const huge = new Uint8Array(bidDocumentLimits.maxBytes + 1);
    huge.set(pdf);
    await refused('Huge.pdf', huge, 'larger than 20 MB');
    await refused(
      'Page.pdf',
      encode('<html><script>alert(1)</script></html>'),
      'ends in .pdf, but its contents are not a PDF',
    );
    await refused('Zip bomb.docx', encode('PK\x03\x04 not a Word file'), 'not a Word document');
    await refused('Setup.exe', pdf, 'Chorus accepts PDF, Word (.docx)');
    await refused('Statement.html', pdf, 'Chorus accepts PDF');
    await refused('invoice\u202Efdp.exe', pdf, 'invisible control or text-direction character');
    await refused('two\nlines.pdf', pdf, 'invisible control');
    await refused('../../etc/passwd.pdf', pdf, 'slash');
    await refused('a\\b.pdf', pdf, 'slash');
    await refused(`${'n'.repeat(200)}.pdf`, pdf, 'the most is 150');
    await refused('Binary.txt', new Uint8Array([0x48, 0x00, 0x49]), 'not a Plain text');
    await refused('Latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9]), 'not in UTF-8');
    await refused(null, pdf, 'X-File-Name');
    const garbled = await s.upload(s.chair.cookie, s.bidA, 'x.pdf', pdf, {
      'x-file-name': '%E0%A4%A',
    });
    expect(await messageOf(garbled)).toContain('could not be read');
    // Nothing refused was stored.
    expect((await s.list(s.chair.cookie)).json.bids[0].documents).toEqual([]);
  });

  it(`allows at most ${bidDocumentLimits.maxFilesPerBid} files per bid`, async () => {
    const s = await opened();
    for (let i = 1; i <= bidDocumentLimits.maxFilesPerBid; i++) {
      expect(
        (await s.upload(s.chair.cookie, s.bidA, `Appendix ${i}.txt`, encode(`${i}`))).status,
      ).toBe(201);
    }
    const full = await s.upload(s.chair.cookie, s.bidA, 'One more.pdf', pdf);
    expect(full.status).toBe(400);
    expect(await messageOf(full)).toContain(
      `already has ${bidDocumentLimits.maxFilesPerBid} documents`,
    );
    // Another bid has its own allowance.
    expect((await s.upload(s.chair.cookie, s.bidB, 'Response.pdf', pdf)).status).toBe(201);
  });

  it('keeps the 64 KiB limit on every other request, and refuses a cross-site upload', async () => {
    const s = await opened();
    const big = await s.t.request('PUT', `${s.path}/setup`, {
      cookie: s.chair.cookie,
      body: { criteria: [], bids: [{ bidder: 'x'.repeat(70 * 1024) }], panel: [] },
    });
    expect(big.status).toBe(400);
    expect(big.json.error.message).toContain('over 64 KiB');
    const crossSite = await s.upload(s.chair.cookie, s.bidA, 'A.pdf', pdf, {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const anonymous = await s.upload('', s.bidA, 'A.pdf', pdf);
    expect(anonymous.status).toBe(401);
    // Someone who cannot open the document is refused before their body is read.
    const stranger = await s.t.signUp('Sam Stranger');
    const streamed = new ReadableStream<Uint8Array>({
      pull: () => {
        throw new Error('The body of a refused upload was read');
      },
    });
    const refused = await s.t.app.request(`${s.path}/bids/${s.bidA}/documents`, {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, cookie: stranger.cookie, 'x-file-name': 'A.pdf' },
      body: streamed,
      duplex: 'half',
    } as RequestInit);
    expect(refused.status).toBe(404);
    expect((await s.list(s.chair.cookie)).json.bids[0].documents).toEqual([]);
  });
});

describe('bid documents: who may add, remove and see them', () => {
  it('only the chair or an owner adds or removes files, and only while setting up', async () => {
    const s = await opened();
    const refusedUpload = await s.upload(s.lay.cookie, s.bidA, 'Mine.pdf', pdf);
    expect(refusedUpload.status).toBe(403);
    expect((await s.upload(s.chair.cookie, 'nosuchbidaaaaaaaaaaaaaaa', 'A.pdf', pdf)).status).toBe(
      404,
    );
    const first = await viewOf(await s.upload(s.chair.cookie, s.bidA, 'First.pdf', pdf));
    const second = await viewOf(await s.upload(s.owner.cookie, s.bidA, 'Second.pdf', pdf));
    const [one, two] = filesOf(second, 0);
    if (!one || !two) throw new Error('Both files should be listed');
    expect(filesOf(first, 0)).toHaveLength(1);
    const removePath = (id: string) => `${s.path}/bids/${s.bidA}/documents/${id}`;
    expect((await s.t.request('DELETE', removePath(one.id), { cookie: s.lay.cookie })).status).toBe(
      403,
    );
    const removed = await s.t.request('DELETE', removePath(one.id), { cookie: s.chair.cookie });
    expect(removed.status).toBe(200);
    expect(removed.json.bids[0].documents.map((f: { name: string }) => f.name)).toEqual([
      'Second.pdf',
    ]);
    expect((await s.download(s.chair.cookie, s.bidA, one.id)).status).toBe(404);
    expect(
      (await s.t.request('DELETE', removePath(one.id), { cookie: s.chair.cookie })).status,
    ).toBe(404);

    await s.start();
    await s.declare(s.chair.cookie);
    const late = await s.t.request('DELETE', removePath(two.id), { cookie: s.owner.cookie });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('Scoring has started');
    const lateUpload = await s.upload(s.chair.cookie, s.bidA, 'Late.pdf', pdf);
    expect(lateUpload.status).toBe(409);
    expect((await s.list(s.chair.cookie)).json.bids[0].documents).toHaveLength(1);
  });

  it('a bid removed from the set-up takes its files with it', async () => {
    const s = await opened();
    const view = await viewOf(await s.upload(s.chair.cookie, s.bidA, 'Northside.pdf', pdf));
    await s.upload(s.chair.cookie, s.bidB, 'Riverside.pdf', pdf);
    const fileId = firstFile(view).id;
    // The client sends the kept bid back with its id; Northside is dropped.
    const saved = await s.saveSetup(s.chair.cookie, [
      { id: s.bidB, bidder: 'Riverside Optometry' },
    ]);
    expect(saved.status).toBe(200);
    const { json } = await s.list(s.chair.cookie);
    expect(json.bids).toHaveLength(1);
    expect(json.bids[0]).toMatchObject({ bidId: s.bidB, bidder: 'Riverside Optometry' });
    expect(json.bids[0].documents.map((f: { name: string }) => f.name)).toEqual(['Riverside.pdf']);
    expect((await s.download(s.chair.cookie, s.bidA, fileId)).status).toBe(404);
    expect(await s.t.storage.bids.documentBytes(s.documentId, fileId)).toBeNull();
  });

  it('the panel sees bids only after a clear declaration; outsiders never', async () => {
    const s = await opened();
    const view = await viewOf(await s.upload(s.chair.cookie, s.bidA, 'Bid.pdf', pdf));
    const fileId = firstFile(view).id;
    // Someone outside the panel who can open the document: never.
    expect((await s.list(s.outsider.cookie)).status).toBe(403);
    expect((await s.download(s.outsider.cookie, s.bidA, fileId)).status).toBe(403);
    // Panel members before scoring starts (they cannot declare yet): not yet.
    const early = await s.list(s.lay.cookie);
    expect(early.status).toBe(403);
    expect(early.json.error.message).toContain('still setting up');
    // The owner off the panel follows the evaluation throughout.
    expect((await s.download(s.owner.cookie, s.bidA, fileId)).status).toBe(200);

    await s.start();
    // Not declared yet.
    const undeclared = await s.download(s.lay.cookie, s.bidA, fileId);
    expect(undeclared.status).toBe(403);
    expect(await messageOf(undeclared)).toContain('Sign your declaration');
    // The chair too must declare before seeing bids once the bidders are known.
    expect((await s.list(s.chair.cookie)).status).toBe(403);
    await s.declare(s.chair.cookie);
    expect((await s.list(s.chair.cookie)).status).toBe(200);
    // A declared conflict keeps the clinician out, until the chair's exception.
    await s.declare(s.clinician.cookie, {
      confidential: true,
      conflict: true,
      details: 'My partner works for Northside Eye Care.',
    });
    const conflicted = await s.download(s.clinician.cookie, s.bidA, fileId);
    expect(conflicted.status).toBe(403);
    expect(await messageOf(conflicted)).toContain('declared a conflict');
    expect((await s.list(s.clinician.cookie)).status).toBe(403);
    const allowed = await s.t.request(
      'POST',
      `${s.path}/declarations/${s.clinician.id}/exception`,
      {
        cookie: s.chair.cookie,
        body: {
          mitigation: 'Cal scores quality only; the lay evaluator reviews outliers.',
          declaredAt: (
            await s.t.request('GET', s.path, { cookie: s.chair.cookie })
          ).json.evaluation.declarations.find(
            (d: { userId: string }) => d.userId === s.clinician.id,
          ).declaredAt,
        },
      },
    );
    expect(allowed.status).toBe(200);
    const after = await s.download(s.clinician.cookie, s.bidA, fileId);
    expect(after.status).toBe(200);
    expect(new Uint8Array(await after.arrayBuffer())).toEqual(pdf);
    // A declared observer reads them too.
    await s.declare(s.observer.cookie);
    expect((await s.download(s.observer.cookie, s.bidA, fileId)).status).toBe(200);
    expect((await s.list(s.outsider.cookie)).status).toBe(403);
  });
});

describe('bid documents: lots', () => {
  it('a conflict with one lot keeps its member from that lot’s bids, files and questions only', async () => {
    const s = await setup();
    const saved = await s.t.request('PUT', `${s.path}/setup`, {
      cookie: s.owner.cookie,
      body: {
        lots: [{ name: 'North' }, { name: 'South' }],
        criteria: [{ title: 'Quality of care', scale: '0-4', weight: 100, threshold: null }],
        bids: [
          { id: s.bidA, bidder: 'Northside Eye Care', lot: 0 },
          { id: s.bidB, bidder: 'Southside Sight', lot: 1 },
        ],
        panel: [
          { userId: s.chair.id, panelRole: 'chair' },
          { userId: s.clinician.id, panelRole: 'evaluator' },
          // An owner who scores too: their conflict binds them like anyone on the panel.
          { userId: s.owner.id, panelRole: 'evaluator' },
        ],
      },
    });
    expect(saved.status).toBe(200);
    const north = saved.json.evaluation.setup.lots[0].id as string;
    const files: string[] = [];
    for (const [i, bid] of [s.bidA, s.bidB].entries()) {
      const res = await s.upload(s.owner.cookie, bid, 'Method statement.pdf', pdf);
      expect(res.status).toBe(201);
      files.push(filesOf(await viewOf(res), i)[0]?.id ?? '');
    }
    await s.start();
    await s.declare(s.clinician.cookie, {
      confidential: true,
      conflict: true,
      details: 'My brother runs Northside Eye Care.',
      lots: [north],
    });
    const view = await viewOf(
      await s.t.app.request(`${s.path}/bids`, { headers: { cookie: s.clinician.cookie } }),
    );
    expect(view.bids.map((b) => b.bidder)).toEqual(['Southside Sight']);
    expect((await s.download(s.clinician.cookie, s.bidB, files[1] ?? '')).status).toBe(200);
    const kept = await s.download(s.clinician.cookie, s.bidA, files[0] ?? '');
    expect(kept.status).toBe(403);
    expect(await messageOf(kept)).toContain('the lot “North”');
    expect((await s.ask(s.clinician.cookie, s.bidA, 'What is your staffing plan?')).status).toBe(
      403,
    );
    expect((await s.ask(s.clinician.cookie, s.bidB, 'What is your staffing plan?')).status).toBe(
      201,
    );
    // The owner (on the panel, conflicted with North) may not record North's answers.
    await s.declare(s.chair.cookie);
    await s.declare(s.owner.cookie, {
      confidential: true,
      conflict: true,
      details: 'I chair the board of Northside Eye Care.',
      lots: [north],
    });
    const asked = await s.ask(s.chair.cookie, s.bidA, 'Which clinics open on Saturdays?');
    expect(asked.status).toBe(201);
    const question = bidsViewSchema.parse(asked.json).bids[0]?.clarifications[0]?.id ?? '';
    const answered = await s.answer(s.owner.cookie, s.bidA, question, {
      answer: 'All of them.',
      receivedOn: new Date().toISOString().slice(0, 10),
      replaces: null,
      reason: '',
    });
    expect(answered.status).toBe(403);
    expect(answered.json.error.message).toContain('the lot “North”');
  });
});

describe('bid documents: for some panel groups only', () => {
  it('a file kept for evaluators is not there for the lay evaluator; the observer and chair see it', async () => {
    const s = await setup();
    const bad = await s.upload(s.chair.cookie, s.bidA, 'Pricing schedule.pdf', pdf, {
      'x-seen-by': 'evaluator,everyone',
    });
    expect(bad.status).toBe(400);
    expect(await messageOf(bad)).toContain('X-Seen-By');
    const up = await s.upload(s.chair.cookie, s.bidA, 'Pricing schedule.pdf', pdf, {
      'x-seen-by': 'evaluator',
    });
    expect(up.status).toBe(201);
    const file = filesOf(await viewOf(up), 0)[0];
    expect(file?.seenBy).toEqual(['evaluator']);
    await s.start();
    for (const who of [s.chair, s.lay, s.clinician, s.observer]) await s.declare(who.cookie);
    const seen = async (cookie: string) =>
      filesOf(bidsViewSchema.parse((await s.list(cookie)).json), 0).map((f) => f.name);
    expect(await seen(s.lay.cookie)).toEqual([]);
    expect((await s.download(s.lay.cookie, s.bidA, file?.id ?? '')).status).toBe(404);
    expect(await seen(s.clinician.cookie)).toEqual(['Pricing schedule.pdf']);
    expect(await seen(s.observer.cookie)).toEqual(['Pricing schedule.pdf']);
    expect((await s.download(s.clinician.cookie, s.bidA, file?.id ?? '')).status).toBe(200);
  });
});

describe('bid documents: scored without the bidders’ names', () => {
  it('shows the panel a file under a name that does not give the bidder away', async () => {
    const s = await setup();
    const saved = await s.t.request('PUT', `${s.path}/setup`, {
      cookie: s.owner.cookie,
      body: {
        anonymous: true,
        criteria: [{ title: 'Quality of care', scale: '0-4', weight: 100, threshold: null }],
        bids: [
          { id: s.bidA, bidder: 'Northside Eye Care' },
          { id: s.bidB, bidder: 'Riverside Optometry' },
        ],
        panel: [
          { userId: s.chair.id, panelRole: 'chair' },
          { userId: s.lay.id, panelRole: 'lay_evaluator' },
        ],
      },
    });
    expect(saved.status).toBe(200);
    const up = await s.upload(s.chair.cookie, s.bidA, 'Northside method statement.pdf', pdf);
    expect(up.status).toBe(201);
    const fileId = filesOf(await viewOf(up), 0)[0]?.id ?? '';
    await s.start();
    expect((await s.declare(s.lay.cookie)).status).toBe(200);
    const listed = await s.list(s.lay.cookie);
    expect(listed.status, JSON.stringify(listed.json)).toBe(200);
    const seen = bidsViewSchema.parse(listed.json);
    expect(JSON.stringify(seen)).not.toContain('Northside');
    expect(filesOf(seen, 0)[0]?.name).toBe('Bid A, document 1.pdf');
    const got = await s.download(s.lay.cookie, s.bidA, fileId);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).not.toContain('Northside');
    expect(got.headers.get('content-disposition')).toContain('Bid%20A%2C%20document%201.pdf');
    // Those who set it up see the name as given.
    await s.declare(s.chair.cookie);
    const chair = await viewOf(
      await s.t.app.request(`${s.path}/bids`, { headers: { cookie: s.chair.cookie } }),
    );
    expect(filesOf(chair, 0)[0]?.name).toBe('Northside method statement.pdf');
  });
});

describe('clarifications', () => {
  it('the panel asks, the chair records the answer and when it came, everyone who may see the bid sees who and when', async () => {
    const s = await opened();
    const tooEarly = await s.ask(s.chair.cookie, s.bidA, 'How will you staff rural clinics?');
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.json.error.message).toContain('open when scoring starts');
    await s.start();
    for (const who of [s.chair, s.lay, s.observer]) await s.declare(who.cookie);
    // Undeclared: neither asks nor reads.
    expect((await s.ask(s.clinician.cookie, s.bidA, 'A question from Cal?')).status).toBe(403);

    const asked = await s.ask(s.lay.cookie, s.bidA, 'How will you staff the rural clinics?');
    expect(asked.status).toBe(201);
    const question = asked.json.bids[0].clarifications[0];
    expect(question).toMatchObject({
      question: 'How will you staff the rural clinics?',
      askedByName: 'Lee Lay',
      answers: [],
    });
    expect(asked.json.me).toEqual({ canChangeDocuments: false, canAsk: true, canAnswer: false });

    // Only the chair or an owner records the bidder's answer.
    const body = { answer: 'Two optometrists rotate weekly.', receivedOn: today() };
    expect((await s.answer(s.lay.cookie, s.bidA, question.id, body)).status).toBe(403);
    expect((await s.answer(s.chair.cookie, s.bidB, question.id, body)).status).toBe(404);
    const answered = await s.answer(s.chair.cookie, s.bidA, question.id, body);
    expect(answered.status).toBe(201);
    const first = answered.json.bids[0].clarifications[0].answers[0];
    expect(first).toMatchObject({
      answer: 'Two optometrists rotate weekly.',
      receivedOn: today(),
      recordedByName: 'Cher Chair',
      reason: '',
    });

    // A second "first" answer would overwrite silently: refused.
    const again = await s.answer(s.chair.cookie, s.bidA, question.id, body);
    expect(again.status).toBe(409);
    // A correction names the answer it replaces and why; both stay on record.
    const noReason = await s.answer(s.chair.cookie, s.bidA, question.id, {
      ...body,
      replaces: first.id,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.fields.reason).toContain('Say why');
    const corrected = await s.answer(s.owner.cookie, s.bidA, question.id, {
      answer: 'Two optometrists rotate fortnightly.',
      receivedOn: today(),
      replaces: first.id,
      reason: 'Copied wrongly from the bidder’s email.',
    });
    expect(corrected.status).toBe(201);

    const seen = await s.list(s.observer.cookie);
    expect(seen.json.bids[0].clarifications[0].answers).toMatchObject([
      { answer: 'Two optometrists rotate weekly.', recordedByName: 'Cher Chair' },
      {
        answer: 'Two optometrists rotate fortnightly.',
        recordedByName: 'Olive Owner',
        reason: 'Copied wrongly from the bidder’s email.',
      },
    ]);
    expect((await s.list(s.clinician.cookie)).status).toBe(403);
    expect((await s.list(s.outsider.cookie)).status).toBe(403);

    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const entries = audit.json.entries as { action: string; details: Record<string, unknown> }[];
    expect(entries.find((e) => e.action === 'evaluation.clarification_asked')?.details).toEqual({
      bidId: s.bidA,
      clarificationId: question.id,
    });
    expect(
      entries
        .filter((e) => e.action === 'evaluation.clarification_answered')
        .map((e) => e.details.correction),
    ).toEqual([true, false]);

    // The procurement record (CSV and report) holds the question and both answers.
    await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'The clinician has left the programme.' },
    });
    const csv = await (
      await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.chair.cookie } })
    ).text();
    expect(csv).toContain('"Two optometrists rotate weekly."');
    expect(csv).toContain(
      '"Two optometrists rotate fortnightly.","' +
        today() +
        '","Olive Owner","Copied wrongly from the bidder’s email."',
    );
    const report = await s.t.app.request(`${s.path}/report.docx`, {
      headers: { cookie: s.chair.cookie },
    });
    const zip = await JSZip.loadAsync(await report.arrayBuffer());
    const text = ((await zip.file('word/document.xml')?.async('string')) ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ');
    expect(text).toContain('Bids’ documents and clarifications');
    expect(text).toContain(
      'Two optometrists rotate fortnightly. (a correction, because: Copied wrongly from the bidder’s email.)',
    );
  });

  it('refuses hidden characters, over-long text, impossible dates, and anything after sign-off', async () => {
    const s = await opened();
    await s.start();
    for (const who of [s.chair, s.lay, s.clinician, s.observer]) await s.declare(who.cookie);
    const hidden = await s.ask(s.lay.cookie, s.bidA, 'Explain the \u202Estaffing model please');
    expect(hidden.status).toBe(400);
    expect(hidden.json.error.message).toContain('invisible control or text-direction character');
    expect((await s.ask(s.lay.cookie, s.bidA, 'x'.repeat(2001))).json.error.message).toContain(
      'at most 2,000 characters',
    );
    expect((await s.ask(s.lay.cookie, s.bidA, 'Why?')).json.error.message).toContain(
      'at least 10 characters',
    );
    const asked = await s.ask(s.lay.cookie, s.bidA, 'How will you staff the rural clinics?');
    const questionId = asked.json.bids[0].clarifications[0].id as string;
    const future = await s.answer(s.chair.cookie, s.bidA, questionId, {
      answer: 'Weekly rotation.',
      receivedOn: '2999-01-01',
    });
    expect(future.status).toBe(400);
    expect(future.json.error.message).toContain('in the future');
    const before = await s.answer(s.chair.cookie, s.bidA, questionId, {
      answer: 'Weekly rotation.',
      receivedOn: '2020-01-01',
    });
    expect(before.json.error.message).toContain('before the question was asked');
    const hiddenAnswer = await s.answer(s.chair.cookie, s.bidA, questionId, {
      answer: 'Weekly\u0007 rotation.',
      receivedOn: today(),
    });
    expect(hiddenAnswer.status).toBe(400);
    expect(hiddenAnswer.json.error.message).toContain('invisible control');

    // Moderation (the chair records why it cannot wait), agreed scores, sign-off.
    const moderation = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Testing clarifications after sign-off.' },
    });
    expect(moderation.status).toBe(200);
    const criterionId = moderation.json.evaluation.setup.criteria[0].id as string;
    for (const bid of [s.bidA, s.bidB]) {
      const agreed = await s.t.request('PUT', `${s.path}/agreed/${bid}/${criterionId}`, {
        cookie: s.chair.cookie,
        body: {
          score: 2,
          rationale: 'The panel agreed: a sound pathway with thin rural staffing.',
          reason: 'No individual scores were submitted before moderation opened.',
        },
      });
      expect(agreed.status).toBe(200);
    }
    expect(
      (await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie })).status,
    ).toBe(200);
    const late = await s.ask(s.lay.cookie, s.bidA, 'One more question for the bidder?');
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('signed off');
    const lateAnswer = await s.answer(s.chair.cookie, s.bidA, questionId, {
      answer: 'Weekly rotation.',
      receivedOn: today(),
    });
    expect(lateAnswer.status).toBe(409);
    // What was asked stays readable.
    const seen = await s.list(s.lay.cookie);
    expect(seen.json.bids[0].clarifications).toHaveLength(1);
    expect(seen.json.me).toEqual({ canChangeDocuments: false, canAsk: false, canAnswer: false });
  });
});
