import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authoredBlocks, authorMap } from '../../attribution/textRuns.ts';
import { liveDocuments } from '../../services/index.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  anchorAround,
  anchorSpanning,
  findWords,
  formattedParagraph,
  paragraphBreakBefore,
} from '../../test/suggestions.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

/**
 * Suggestions whose words span paragraphs, made and accepted through the API and seen by
 * real y-websocket clients: the rest of the last paragraph joins the first, keeping its
 * formatting and its authors' credit.
 */
describe('suggestions that span paragraphs', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let documentId: string;
  /** The clinician's editor: writes most of the text. */
  let writer: TestClient;
  /** The owner's editor: writes the last paragraphs, so their credit can be told apart. */
  let other: TestClient;
  const clients: TestClient[] = [];

  const api = (method: string, path: string, who: TestUser, body?: unknown) =>
    call(server.url, method, `/documents/${documentId}${path}`, { cookie: who.cookie, body });
  const suggest = (anchor: { start: string; end: string }, quote: string, text: string) =>
    api('POST', '/suggestions', patient, { anchor, quote, text });
  const accept = (id: string) =>
    api('PUT', `/suggestions/${id}/decision`, clinician, { outcome: 'accepted' });

  /** Adds blocks through `client` and waits for the server to have them. */
  const add = async (client: TestClient, ...blocks: Y.XmlElement[]) => {
    const saved = client.saved();
    const fragment = client.doc.getXmlFragment('default');
    fragment.insert(fragment.length, blocks);
    await eventually(() => expect(client.saved()).toBeGreaterThan(saved));
    // Both editors see everything before the next step.
    await eventually(() => expect(writer.text()).toBe(other.text()));
  };

  /** Who wrote each letter of `words` in the server's copy (by account id). */
  const authorsOf = async (words: string) => {
    const { doc, index } = await liveDocuments(server.services.live).committedDocument(documentId);
    const blocks = authorMap(authoredBlocks(doc.getXmlFragment('default'), index));
    doc.destroy();
    for (const block of blocks) {
      const at = block.text.indexOf(words);
      if (at < 0) continue;
      const who = new Set<string | null>();
      for (let i = at; i < at + words.length; i++) {
        if (/[\p{L}\p{N}]/u.test(block.text[i] ?? '')) who.add(block.authors[i] ?? null);
      }
      return who;
    }
    throw new Error(`“${words}” is not in one paragraph of the document`);
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id;
    for (const [who, permission, participantRole] of [
      [patient, 'commenter', 'patient'],
      [clinician, 'editor', 'clinician'],
    ] as const) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission, participantRole },
        cookie: owner.cookie,
      });
    }
    documentId = (
      await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
        body: { title: 'Pathway', kind: 'service_design' },
        cookie: owner.cookie,
      })
    ).json.document.id;
    writer = connectClient(server.url, documentId, clinician.cookie, { chorus: true });
    other = connectClient(server.url, documentId, owner.cookie, { chorus: true });
    clients.push(writer, other);
    await Promise.all([waitSynced(writer), waitSynced(other)]);
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('across two paragraphs: the first keeps its start, then the new words, then the rest of the second with its formatting and its author’s credit', async () => {
    await add(writer, formattedParagraph([['Clinics open at ', { bold: true }], ['nine daily.']]));
    await add(
      other,
      formattedParagraph([['Evening slots are rare', { italic: true }], [' for working carers.']]),
    );
    const quote = 'at nine daily.\nEvening slots are rare';
    const made = await suggest(
      anchorSpanning(writer.doc, 'at nine daily.', 'Evening slots are rare'),
      quote,
      'early, with late slots',
    );
    expect(made.status).toBe(201);
    const listed = (await api('GET', '/threads', owner)).json.threads;
    expect(listed.find((t: { id: string }) => t.id === made.json.id)).toMatchObject({
      quote,
      suggestion: { text: 'early, with late slots', outcome: null },
    });
    expect((await accept(made.json.id)).status).toBe(200);
    // The new words take the first replaced character's formatting (bold); the moved rest
    // keeps its own (plain), and the second paragraph is gone.
    for (const c of [writer, other]) {
      await eventually(() =>
        expect(c.text().split('\n')).toContain(
          '<bold>Clinics open early, with late slots</bold> for working carers.',
        ),
      );
    }
    expect(writer.text()).not.toContain('Evening slots are rare');
    expect(other.text()).toBe(writer.text());
    // Credit: the start stays the clinician's, the new words are the patient's, and the
    // moved rest stays the owner's (not the patient's, whose edit moved it, nor nobody's).
    expect(await authorsOf('Clinics open')).toEqual(new Set([clinician.id]));
    expect(await authorsOf('early, with late slots')).toEqual(new Set([patient.id]));
    expect(await authorsOf(' for working carers.')).toEqual(new Set([owner.id]));
    const report = (await api('GET', '/report', owner)).json.report;
    const pat = report.people.find((p: { accountId: string }) => p.accountId === patient.id);
    expect(pat).toMatchObject({ suggestionsAccepted: 1, wordsInDocument: 4 });
  });

  it('across three paragraphs, one of them empty: the blocks between go, and a heading keeps its level', async () => {
    const heading = formattedParagraph([['Transport to the clinic']], 'heading');
    heading.setAttribute('level', '2');
    await add(writer, heading, new Y.XmlElement('paragraph'));
    await add(writer, formattedParagraph([['Buses run hourly.']]));
    await add(other, formattedParagraph([['Taxis are refunded on request.']]));
    const quote = 'to the clinic\n\nBuses run hourly.\nTaxis are refunded';
    const made = await suggest(
      anchorSpanning(writer.doc, 'to the clinic', 'Taxis are refunded'),
      quote,
      'and refunds',
    );
    expect(made.status).toBe(201);
    expect((await accept(made.json.id)).status).toBe(200);
    for (const c of [writer, other]) {
      await eventually(() => expect(c.text()).toContain('Transport and refunds on request.'));
      expect(c.text()).not.toContain('Buses run hourly.');
    }
    const fragment = writer.doc.getXmlFragment('default');
    const joined = fragment
      .toArray()
      .find((b) => b instanceof Y.XmlElement && b.toString().includes('Transport and refunds'));
    expect(joined instanceof Y.XmlElement && joined.nodeName).toBe('heading');
    expect(await authorsOf(' on request.')).toEqual(new Set([owner.id]));
  });

  it('a paragraph break alone (Backspace at a paragraph’s start) joins the two paragraphs, keeping both authors’ credit', async () => {
    await add(writer, formattedParagraph([['Reminders are sent by post.']]));
    await add(other, formattedParagraph([['Text reminders are planned for spring.']]));
    const made = await suggest(
      paragraphBreakBefore(writer.doc, 'Text reminders are planned'),
      '\n',
      '',
    );
    expect(made.status).toBe(201);
    expect((await accept(made.json.id)).status).toBe(200);
    for (const c of [writer, other]) {
      await eventually(() =>
        expect(c.text()).toContain(
          'Reminders are sent by post.Text reminders are planned for spring.',
        ),
      );
    }
    expect(await authorsOf('Reminders are sent by post.')).toEqual(new Set([clinician.id]));
    expect(await authorsOf('Text reminders are planned for spring.')).toEqual(new Set([owner.id]));
    // Accepted under the patient's name, as any suggestion: their client id wrote it.
    const stored = await server.storage.comments.getThread(documentId, made.json.id);
    const owners = (await server.storage.journal.loadLedger(documentId)).owners;
    expect(owners.get(stored?.suggestion?.clientId ?? 0)).toBe(patient.id);
  });

  it('a joined paragraph holding two texts (two people typed into it while it was empty) moves whole', async () => {
    await add(writer, formattedParagraph([['Come early.']]));
    await add(writer, formattedParagraph([['Parking ']]));
    // The owner's text is a second one in the same paragraph, as concurrent typing leaves.
    const saved = other.saved();
    const { text } = findWords(other.doc, 'Parking ');
    const paragraph = text.parent as Y.XmlElement;
    const second = new Y.XmlText();
    second.insert(0, 'is free for three hours.');
    paragraph.insert(paragraph.length, [second]);
    await eventually(() => expect(other.saved()).toBeGreaterThan(saved));
    await eventually(() => expect(writer.text()).toBe(other.text()));
    const made = await suggest(paragraphBreakBefore(writer.doc, 'Parking '), '\n', '');
    expect(made.status).toBe(201);
    expect((await accept(made.json.id)).status).toBe(200);
    for (const c of [writer, other]) {
      await eventually(() =>
        expect(c.text()).toContain('Come early.Parking is free for three hours.'),
      );
    }
    expect(await authorsOf('is free for three hours.')).toEqual(new Set([owner.id]));
  });

  it('Backspace after an empty paragraph: the next one’s words move into it, keeping their credit', async () => {
    const empty = new Y.XmlElement('paragraph');
    await add(writer, formattedParagraph([['Before the gap.']]), empty);
    await add(other, formattedParagraph([['Words after the gap.', { bold: true }]]));
    const { text } = findWords(writer.doc, 'Words after the gap.');
    const gap = writer.doc
      .getXmlFragment('default')
      .toArray()
      .find((b) => b instanceof Y.XmlElement && b.length === 0 && b.nextSibling === text.parent);
    if (!(gap instanceof Y.XmlElement)) throw new Error('no empty paragraph');
    const encode = (position: Y.RelativePosition) =>
      Buffer.from(Y.encodeRelativePosition(position)).toString('base64');
    const made = await suggest(
      {
        // As the editor anchors a place in a paragraph with no text: to the paragraph.
        start: encode(Y.createRelativePositionFromTypeIndex(gap, 0)),
        end: encode(Y.createRelativePositionFromTypeIndex(text, 0, -1)),
      },
      '\n',
      '',
    );
    expect(made.status).toBe(201);
    expect((await accept(made.json.id)).status).toBe(200);
    await eventually(() =>
      expect(other.text()).toContain('Before the gap.\n<bold>Words after the gap.</bold>'),
    );
    expect(await authorsOf('Words after the gap.')).toEqual(new Set([owner.id]));
  });

  it('across list items of one list: the items join, as deleting the selection would', async () => {
    const item = (words: string) => {
      const li = new Y.XmlElement('listItem');
      li.insert(0, [formattedParagraph([[words]])]);
      return li;
    };
    const list = new Y.XmlElement('bulletList');
    list.insert(0, [item('Bring your glasses.'), item('Bring a list of medicines.')]);
    // The last item has a list of its own after its paragraph: it moves to the first item.
    const nested = new Y.XmlElement('bulletList');
    nested.insert(0, [item('A carer or a relative.')]);
    const last = item('Bring a friend if you like.');
    last.insert(1, [nested]);
    list.insert(2, [last]);
    await add(writer, list);
    const quote = 'glasses.\nBring a list of medicines.\nBring a friend';
    const made = await suggest(
      anchorSpanning(writer.doc, 'glasses.', 'Bring a friend'),
      quote,
      'glasses and a friend',
    );
    expect(made.status).toBe(201);
    expect((await accept(made.json.id)).status).toBe(200);
    await eventually(() =>
      expect(other.text()).toContain('Bring your glasses and a friend if you like.'),
    );
    expect(other.text()).not.toContain('medicines');
    const lists = other.doc
      .getXmlFragment('default')
      .toArray()
      .filter((b) => b instanceof Y.XmlElement && b.nodeName === 'bulletList');
    const joined = lists.at(-1);
    expect(joined instanceof Y.XmlElement && joined.length).toBe(1);
    const firstItem = joined instanceof Y.XmlElement ? joined.get(0) : null;
    expect(firstItem instanceof Y.XmlElement && firstItem.toString()).toMatch(
      /^<listItem><paragraph>Bring your glasses and a friend if you like\.<\/paragraph><bulletList><listItem><paragraph>A carer or a relative\.<\/paragraph><\/listItem><\/bulletList><\/listItem>$/i,
    );
    expect(await authorsOf('A carer or a relative.')).toEqual(new Set([clinician.id]));
  });

  it('words changed since in a paragraph between are not overwritten: it stays open and says why', async () => {
    await add(writer, formattedParagraph([['Parking is free.']]));
    await add(writer, formattedParagraph([['The car park is small.']]));
    await add(writer, formattedParagraph([['Arrive early to find a space.']]));
    const made = await suggest(
      anchorSpanning(writer.doc, 'is free.', 'Arrive early'),
      'is free.\nThe car park is small.\nArrive early',
      'is free but small: arrive early',
    );
    expect(made.status).toBe(201);
    const { text, at } = findWords(writer.doc, 'The car park is small.');
    const saved = writer.saved();
    text.insert(at + 'The car park is '.length, 'very ');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const refused = await accept(made.json.id);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/could not be found as they are now/);
    const stored = await server.storage.comments.getThread(documentId, made.json.id);
    expect(stored?.suggestion?.outcome).toBeNull();
    expect(writer.text()).toContain('Parking is free.\nThe car park is very small.\nArrive early');
    // A paragraph added between changes its words too.
    const again = await suggest(
      anchorSpanning(writer.doc, 'is free.', 'Arrive early'),
      'is free.\nThe car park is very small.\nArrive early',
      'is free: arrive early',
    );
    expect(again.status).toBe(201);
    const fragment = writer.doc.getXmlFragment('default');
    const middle = findWords(writer.doc, 'The car park').text.parent as Y.XmlElement;
    const before = writer.saved();
    fragment.insert(fragment.toArray().indexOf(middle) + 1, [
      formattedParagraph([['Blue badge spaces are by the door.']]),
    ]);
    await eventually(() => expect(writer.saved()).toBeGreaterThan(before));
    expect((await accept(again.json.id)).json.error.message).toMatch(
      /could not be found as they are now/,
    );
    expect(writer.text()).toContain('Blue badge spaces are by the door.');
    // The first paragraph deleted since: its words are gone, so it is not written.
    const third = await suggest(
      anchorSpanning(writer.doc, 'is free.', 'Arrive early'),
      'is free.\nThe car park is very small.\nBlue badge spaces are by the door.\nArrive early',
      'is free: arrive early',
    );
    expect(third.status).toBe(201);
    const first = findWords(writer.doc, 'Parking is free.').text.parent as Y.XmlElement;
    const removed = writer.saved();
    fragment.delete(fragment.toArray().indexOf(first), 1);
    await eventually(() => expect(writer.saved()).toBeGreaterThan(removed));
    expect((await accept(third.json.id)).json.error.message).toMatch(
      /could not be found as they are now/,
    );
    expect(writer.text()).toContain('The car park is very small.\nBlue badge');
  });

  it('refuses a stretch with a table or a structured block in it, or whose ends are in different places, saying what to select', async () => {
    const table = new Y.XmlElement('table');
    const row = new Y.XmlElement('tableRow');
    const cell = new Y.XmlElement('tableCell');
    cell.insert(0, [formattedParagraph([['Monday clinic']])]);
    row.insert(0, [cell]);
    table.insert(0, [row]);
    const pdsa = new Y.XmlElement('pdsaCycle');
    pdsa.setAttribute('title', 'Test texts');
    const quoted = new Y.XmlElement('blockquote');
    quoted.insert(0, [formattedParagraph([['We waited months.']])]);
    await add(
      writer,
      formattedParagraph([['Opening times vary.']]),
      table,
      formattedParagraph([['Closed on holidays.']]),
      pdsa,
      formattedParagraph([['Call ahead to check.']]),
      quoted,
    );
    const cases: [{ start: string; end: string }, string, RegExp][] = [
      [
        anchorSpanning(writer.doc, 'vary.', 'Closed'),
        'vary.\nMonday clinic\nClosed',
        /cannot delete \(a table/,
      ],
      [
        anchorSpanning(writer.doc, 'holidays.', 'Call ahead'),
        'holidays.\nCall ahead',
        /structured block such as a charter or a PDSA cycle/,
      ],
      [
        anchorSpanning(writer.doc, 'Opening', 'Monday'),
        'Opening times vary.\nMonday',
        /paragraphs that are side by side/,
      ],
      [
        anchorSpanning(writer.doc, 'check.', 'We waited'),
        'check.\nWe waited',
        /paragraphs that are side by side/,
      ],
    ];
    for (const [anchor, quote, message] of cases) {
      const r = await suggest(anchor, quote, 'x');
      expect(r.status, quote).toBe(400);
      expect(r.json.error.message).toMatch(message);
    }
    // A quote that writes its paragraph break another way is refused by the schema.
    const crlf = await suggest(
      anchorSpanning(writer.doc, 'holidays.', 'Call ahead'),
      'holidays.\r\nCall ahead',
      'x',
    );
    expect(crlf.status).toBe(400);
    expect(crlf.json.error.message).toMatch(/paragraph break as a line feed/);
    // New words with a line break are still refused: they would be a new paragraph.
    const broken = await suggest(anchorAround(writer.doc, 'Opening'), 'Opening', 'A\nB');
    expect(broken.json.error.message).toMatch(/cannot contain a line break/);
    expect(writer.text()).toContain('Opening times vary.');
  });
});
