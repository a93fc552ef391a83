import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { appendParagraph, connectClient, eventually, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('exporting a document as a Word file', () => {
  let server: TestServer;
  let owner: TestUser;
  let outsider: TestUser;
  let workspaceId: string;
  let documentId: string;
  /** "within a week" in the document's paragraph, as a browser's comment anchors it. */
  let weekAnchor: { start: string; end: string };

  const download = (who: TestUser) =>
    fetch(`${server.url}/api/documents/${documentId}/export.docx`, {
      headers: { cookie: who.cookie },
    });

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    outsider = await buildUser(server.url, 'Otto Outsider');
    workspaceId = (
      await call(server.url, 'POST', '/workspaces', {
        body: { name: 'Eye screening' },
        cookie: owner.cookie,
      })
    ).json.workspace.id;
    documentId = (
      await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
        body: { title: 'Screening pathway', kind: 'service_design' },
        cookie: owner.cookie,
      })
    ).json.document.id;
    // What a person's editor would write: a paragraph and a list of evidence.
    const client = connectClient(server.url, documentId, owner.cookie, { chorus: true });
    await waitSynced(client);
    appendParagraph(client.doc, 'Results should come within a week.');
    const paragraph = client.doc
      .getXmlFragment('default')
      .toArray()
      .find((el) => el instanceof Y.XmlElement && el.toString().includes('within a week'));
    const words = (paragraph as Y.XmlElement).get(0) as Y.XmlText;
    const at = (index: number) =>
      Buffer.from(
        Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(words, index)),
      ).toString('base64');
    weekAnchor = { start: at(20), end: at(33) };
    const list = new Y.XmlElement('evidenceList');
    const piece = (attrs: Record<string, string>) => {
      const el = new Y.XmlElement('evidenceItem');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      return el;
    };
    list.insert(0, [
      piece({ uid: 'q1', kind: 'quote', body: 'The letter scared me', consent: 'yes' }),
      piece({ uid: 'q2', kind: 'quote', body: 'Not for anyone else', consent: 'no' }),
    ]);
    const fragment = client.doc.getXmlFragment('default');
    fragment.insert(fragment.length, [list]);
    await eventually(() => expect(client.saved()).toBeGreaterThan(0));
    client.destroy();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('has the template, the text and consented quotes, never a quote without consent; it is audited', async () => {
    const res = await download(owner);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(res.headers.get('content-disposition')).toBe(
      "attachment; filename*=UTF-8''Screening%20pathway.docx",
    );
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    for (const words of [
      'Screening pathway',
      'About this service',
      'Results should come within a week.',
      'The letter scared me',
      '1 quote or story is left out of this export',
    ]) {
      expect(xml).toContain(words);
    }
    expect(xml).not.toContain('Not for anyone else');
    const audit = await call(server.url, 'GET', `/workspaces/${workspaceId}/audit`, {
      cookie: owner.cookie,
    });
    expect(
      audit.json.entries.find(
        (e: { action: string; details: { what?: string } }) =>
          e.action === 'document.exported' && e.details.what === 'document',
      ),
    ).toMatchObject({ target: documentId });
  });

  it('adds the open comments, or all of them, when asked, credited and without withheld quotes', async () => {
    // A real anchor (a Yjs relative position); the server checks its form, not its place.
    const scratch = new Y.Doc();
    scratch.getXmlFragment('default').insert(0, [new Y.XmlText('x')]);
    const at = Buffer.from(
      Y.encodeRelativePosition(
        Y.createRelativePositionFromTypeIndex(scratch.getXmlFragment('default'), 0),
      ),
    ).toString('base64');
    const thread = (quote: string, body: string) =>
      call(server.url, 'POST', `/documents/${documentId}/threads`, {
        cookie: owner.cookie,
        body: { anchor: { start: at, end: at }, quote, body },
      });
    await thread('within a week', 'Patients asked for a text message as well.');
    const done = await thread('Results', 'Agreed at the March meeting: keep this.');
    // A comment that quotes the withheld words carries them no further.
    await thread(
      'Not for anyone else',
      'Quoted at length: “Not for anyone else” said the patient.',
    );
    const resolve = `/documents/${documentId}/threads/${done.json.id}/resolved`;
    await call(server.url, 'PUT', resolve, { cookie: owner.cookie, body: { resolved: true } });
    const text = async (query: string) => {
      const res = await fetch(`${server.url}/api/documents/${documentId}/export.docx${query}`, {
        headers: { cookie: owner.cookie },
      });
      expect(res.status).toBe(200);
      const zip = await JSZip.loadAsync(await res.arrayBuffer());
      const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
      return xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    };
    const open = await text('?comments=open');
    expect(open).toContain('2 threads still open, oldest first.');
    expect(open).toContain('Olive Owner (');
    expect(open).toContain('Patients asked for a text message as well.');
    expect(open).not.toContain('Agreed at the March meeting');
    expect(open).not.toContain('Not for anyone else');
    expect(open).toContain('[a quote kept within the group]');
    const all = await text('?comments=all');
    expect(all).toContain('Agreed at the March meeting: keep this.');
    expect(all).toContain('Resolved by Olive Owner on');
    expect(await text('')).not.toContain('Patients asked for a text message');
    const bad = await fetch(`${server.url}/api/documents/${documentId}/export.docx?comments=some`, {
      headers: { cookie: owner.cookie },
    });
    expect(bad.status).toBe(400);
    const refusal = (await bad.json()) as { error: { message: string } };
    expect(refusal.error.message).toContain('Choose which comments to include: none, open or all.');
  });

  it('puts a thread beside the words it is on, as a Word comment credited as its author chose', async () => {
    const asked = await call(server.url, 'POST', `/documents/${documentId}/threads`, {
      cookie: owner.cookie,
      body: { anchor: weekAnchor, quote: 'within a week', body: 'Can we promise three days?' },
    });
    expect(asked.status).toBe(201);
    await call(server.url, 'POST', `/documents/${documentId}/threads/${asked.json.id}/replies`, {
      cookie: owner.cookie,
      body: { body: 'The lab says five working days.' },
    });
    const res = await fetch(`${server.url}/api/documents/${documentId}/export.docx?comments=open`, {
      headers: { cookie: owner.cookie },
    });
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    const body = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const notes = (await zip.file('word/comments.xml')?.async('string')) ?? '';
    // The range opens before "within a week" and closes after it, for the comment and its reply.
    const ranged = body.replace(/<w:rPr>.*?<\/w:rPr>/g, '');
    expect(ranged).toMatch(
      /Results should come <\/w:t>.*<w:commentRangeStart w:id="(\d+)"\/>.*within a week<\/w:t>.*<w:commentRangeEnd w:id="\1"\/>/,
    );
    expect(body.match(/<w:commentReference /g)?.length).toBe(2);
    expect(notes).toContain('Can we promise three days?');
    expect(notes).toContain('The lab says five working days.');
    expect(notes).toMatch(/w:author="Olive Owner \([^)]+\)"/);
    // Not listed again at the end: only threads whose words are gone are.
    expect(body).not.toContain('Can we promise three days?');
  });

  it('marks who wrote what when asked: each person as they chose, with a key', async () => {
    // A patient who chose to be credited by role only types into the owner's paragraph.
    const patient = await buildUser(server.url, 'Priya Shah');
    await call(server.url, 'PATCH', '/account/profile', {
      cookie: patient.cookie,
      body: { creditMode: 'role_only' },
    });
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
      body: { email: patient.email, permission: 'editor', participantRole: 'patient' },
    });
    const client = connectClient(server.url, documentId, patient.cookie, { chorus: true });
    await waitSynced(client);
    const paragraph = client.doc
      .getXmlFragment('default')
      .toArray()
      .find((el) => el instanceof Y.XmlElement && el.toString().includes('within a week'));
    const words = (paragraph as Y.XmlElement).get(0) as Y.XmlText;
    words.insert(words.length, ' By text, please.');
    await eventually(() => expect(client.saved()).toBeGreaterThan(0));
    client.destroy();

    const res = await fetch(`${server.url}/api/documents/${documentId}/export.docx?authors=shown`, {
      headers: { cookie: owner.cookie },
    });
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    const body = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const words$ = body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    // The key: each person credited as they chose, in order of first appearance.
    expect(words$).toContain('Who wrote what');
    expect(words$).toMatch(/Abc Olive Owner \S[^A]*Tinted and with a solid underline \d+/);
    expect(words$).toMatch(
      /Abc A patient Patient or service user Tinted and with a dashed underline 17/,
    );
    // The patient's name is nowhere in the file: not in the text, its properties or notes.
    for (const name of Object.keys(zip.files)) {
      expect(await zip.file(name)?.async('string')).not.toContain('Priya');
    }
    expect(words$).toContain('Text from the document template');
    // Each one's words: the owner's tinted with a solid line, the patient's with a dashed one.
    const runOf = (text: string) =>
      body.match(new RegExp(`<w:r>(?:(?!<w:r>).)*?<w:t[^>]*>${text}</w:t>`))?.[0] ?? '';
    expect(runOf('Results should come within a week.')).toMatch(
      /<w:u w:val="single" w:color="[0-9A-F]{6}"\/>/,
    );
    expect(runOf('Results should come within a week.')).toMatch(
      /<w:shd w:fill="[0-9A-F]{6}" w:color="auto" w:val="clear"\/>/,
    );
    expect(runOf(' By text, please.')).toMatch(/<w:u w:val="dash" w:color="[0-9A-F]{6}"\/>/);
    // Text from the template is left plain.
    expect(runOf('About this service')).not.toContain('<w:u ');
    // Without asking, nobody's words are marked; a bad value is refused, saying what to write.
    const plain = await download(owner);
    const plainBody =
      (await (
        await JSZip.loadAsync(await plain.arrayBuffer())
      )
        .file('word/document.xml')
        ?.async('string')) ?? '';
    expect(plainBody).not.toContain('Who wrote what');
    expect(plainBody).not.toContain('<w:u ');
    const bad = await fetch(`${server.url}/api/documents/${documentId}/export.docx?authors=yes`, {
      headers: { cookie: owner.cookie },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'authors=shown marks each person',
    );
  });

  it('marks who wrote the words in a table cell and in a structured block’s fields', async () => {
    // Three people, each through their own real y-websocket client: the owner adds a table
    // and a PDSA cycle, a nurse types into the owner's cell, a carer fills in a field.
    const join = async (name: string, participantRole: string) => {
      const person = await buildUser(server.url, name);
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        cookie: owner.cookie,
        body: { email: person.email, permission: 'editor', participantRole },
      });
      return person;
    };
    const nurse = await join('Nia Nurse', 'clinician');
    const carer = await join('Cal Carer', 'carer');
    const edit = async (who: TestUser, change: (fragment: Y.XmlFragment) => void) => {
      const client = connectClient(server.url, documentId, who.cookie, { chorus: true });
      await waitSynced(client);
      change(client.doc.getXmlFragment('default'));
      await eventually(() => expect(client.saved()).toBeGreaterThan(0));
      client.destroy();
    };
    const paragraph = (words: string) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(words)]);
      return p;
    };
    const cellOf = (name: string, words: string) => {
      const cell = new Y.XmlElement(name);
      cell.insert(0, [paragraph(words)]);
      return cell;
    };
    await edit(owner, (fragment) => {
      const table = new Y.XmlElement('table');
      const header = new Y.XmlElement('tableRow');
      header.insert(0, [cellOf('tableHeader', 'Site')]);
      const row = new Y.XmlElement('tableRow');
      row.insert(0, [cellOf('tableCell', 'Leeds clinic')]);
      table.insert(0, [header, row]);
      const cycle = new Y.XmlElement('pdsaCycle');
      cycle.setAttribute('title', 'Text reminders');
      cycle.setAttribute('stage', 'plan');
      fragment.insert(fragment.length, [table, cycle]);
    });
    const last = (fragment: Y.XmlFragment, name: string) =>
      fragment
        .toArray()
        .filter((el): el is Y.XmlElement => el instanceof Y.XmlElement && el.nodeName === name)
        .at(-1);
    await edit(nurse, (fragment) => {
      const row = last(fragment, 'table')?.get(1) as Y.XmlElement;
      const words = ((row.get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
      words.insert(words.length, ' on Mondays');
    });
    await edit(carer, (fragment) => {
      last(fragment, 'pdsaCycle')?.setAttribute('prediction', 'Fewer missed appointments');
    });

    const exported = async (query: string) => {
      const res = await fetch(`${server.url}/api/documents/${documentId}/export.docx${query}`, {
        headers: { cookie: owner.cookie },
      });
      expect(res.status).toBe(200);
      const zip = await JSZip.loadAsync(await res.arrayBuffer());
      return (await zip.file('word/document.xml')?.async('string')) ?? '';
    };
    const body = await exported('?authors=shown');
    // The key lists everyone whose words are anywhere, each with their own underline.
    const underlineOf = new Map<string, string>();
    for (const row of body.match(/<w:tr>.*?<\/w:tr>/g) ?? []) {
      const cells = [...row.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
      const line = row.match(/<w:u w:val="(\w+)"/)?.[1];
      if (cells[0] === 'Abc' && cells[1] && line) underlineOf.set(cells[1], line);
    }
    expect([...underlineOf.keys()]).toEqual(
      expect.arrayContaining(['Olive Owner', 'Nia Nurse', 'Cal Carer']),
    );
    expect(new Set(underlineOf.values()).size).toBe(underlineOf.size);
    expect(body.replace(/<[^>]+>/g, '')).toContain(
      'Words in tables and in structured blocks are marked too: each field of a block is credited to whoever last changed it.',
    );
    const runOf = (text: string) =>
      body.match(new RegExp(`<w:r>(?:(?!<w:r>).)*?<w:t[^>]*>${text}</w:t>`))?.[0] ?? '';
    const markedAs = (text: string, name: string) => {
      const run = runOf(text);
      expect(run, `a run of “${text}”`).not.toBe('');
      expect(run).toContain(`<w:u w:val="${underlineOf.get(name)}"`);
      expect(run).toMatch(/<w:shd w:fill="[0-9A-F]{6}" w:color="auto" w:val="clear"\/>/);
    };
    // The cell: the owner's words and the nurse's, each in their own style.
    markedAs('Leeds clinic', 'Olive Owner');
    markedAs(' on Mondays', 'Nia Nurse');
    // The block's fields: the title the owner wrote, the prediction the carer filled in.
    markedAs('Text reminders', 'Olive Owner');
    markedAs('Fewer missed appointments', 'Cal Carer');
    // The export's own words around them are nobody's.
    for (const words of ['Prediction: ', 'PDSA cycle: ']) {
      expect(runOf(words), `a run of “${words}”`).not.toBe('');
      expect(runOf(words)).not.toContain('<w:u ');
    }
    // Asked for nothing, nothing is marked: the same words, plain.
    const plain = await exported('');
    expect(plain).toContain('Leeds clinic on Mondays');
    expect(plain).toContain('Fewer missed appointments');
    expect(plain).not.toContain('<w:u ');
    expect(plain).not.toContain('<w:shd ');
  });

  it('is refused to someone who cannot read the document', async () => {
    expect((await download(outsider)).status).toBe(404);
    expect((await fetch(`${server.url}/api/documents/${documentId}/export.docx`)).status).toBe(401);
  });
});
