import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ACCEPTING_GRACE_MS } from '../../services/acceptances.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  anchorAround,
  findWords as find,
  occurrences,
  pointAfter,
} from '../../test/suggestions.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

describe('suggested edits', () => {
  let server: TestServer;
  let owner: TestUser;
  let patient: TestUser;
  let clinician: TestUser;
  let viewer: TestUser;
  let documentId: string;
  let writer: TestClient;
  const clients: TestClient[] = [];

  const api = (method: string, path: string, who: TestUser, body?: unknown) =>
    call(server.url, method, `/documents/${documentId}${path}`, { cookie: who.cookie, body });
  const suggest = (who: TestUser, quote: string, text: string, note?: string) =>
    api('POST', '/suggestions', who, {
      anchor: anchorAround(writer.doc, quote),
      quote,
      text,
      note,
    });
  const decide = (who: TestUser, id: string, outcome: string) =>
    api('PUT', `/suggestions/${id}/decision`, who, { outcome });
  const thread = async (id: string) =>
    (await api('GET', '/threads', owner)).json.threads.find((t: { id: string }) => t.id === id);
  const report = async () => (await api('GET', '/report', owner)).json.report;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await buildUser(server.url, 'Olive Owner');
    patient = await buildUser(server.url, 'Pat Patient');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    viewer = await buildUser(server.url, 'Vic Viewer');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id;
    for (const [who, permission, participantRole] of [
      [patient, 'commenter', 'patient'],
      [clinician, 'editor', 'clinician'],
      [viewer, 'viewer', 'carer'],
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
    // The clinician writes the text, with a real y-websocket client.
    writer = connectClient(server.url, documentId, clinician.cookie, { chorus: true });
    clients.push(writer);
    await waitSynced(writer);
    appendParagraph(writer.doc, 'Appointments are offered by letter only.');
    appendParagraph(writer.doc, 'Results take six weeks to arrive.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(0));
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('a patient suggests new words; an editor accepts; everyone sees them, credited to the patient', async () => {
    // Someone else with the document open sees the change arrive live.
    const reader = connectClient(server.url, documentId, viewer.cookie, { chorus: true });
    clients.push(reader);
    await waitSynced(reader);
    const made = await suggest(
      patient,
      'by letter only',
      'by letter, text or phone',
      'Many of us miss letters.',
    );
    expect(made.status).toBe(201);
    expect(await thread(made.json.id)).toMatchObject({
      quote: 'by letter only',
      suggestion: { text: 'by letter, text or phone', outcome: null, decided: null },
      resolved: null,
      comments: [{ authorId: patient.id, body: 'Many of us miss letters.' }],
    });
    await eventually(() => expect(reader.notices()).toContain('comments'));

    // Suggesting is not deciding: the patient (a commenter) cannot accept their own.
    const refused = await decide(patient, made.json.id, 'accepted');
    expect(refused.status).toBe(403);
    expect(writer.text()).toContain('offered by letter only.');

    const accepted = await decide(clinician, made.json.id, 'accepted');
    expect(accepted.status).toBe(200);
    for (const c of [writer, reader]) {
      await eventually(() =>
        expect(c.text()).toContain('Appointments are offered by letter, text or phone.'),
      );
    }
    expect(await thread(made.json.id)).toMatchObject({
      suggestion: { outcome: 'accepted', decided: { byName: 'Cleo Clinician' } },
      resolved: { byName: 'Cleo Clinician' },
    });
    // Once only.
    const again = await decide(owner, made.json.id, 'rejected');
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe(
      'Someone has already accepted that suggestion. Reload the comments to see it.',
    );

    // The words are the patient's in the ledger, not the editor's who clicked Accept.
    const figures = await report();
    const pat = figures.people.find((p: { accountId: string }) => p.accountId === patient.id);
    expect(pat).toMatchObject({ role: 'patient', suggestionsAccepted: 1 });
    expect(pat.wordsInDocument).toBeGreaterThanOrEqual(3);
    expect(
      figures.people.find((p: { accountId: string }) => p.accountId === clinician.id)
        .suggestionsAccepted,
    ).toBe(0);
    expect(figures.passages.map((p: { text: string }) => p.text).join(' ')).toMatch(
      /text or phone/,
    );
    const csv = await fetch(`${server.url}/api/documents/${documentId}/report.csv`, {
      headers: { cookie: owner.cookie },
    });
    expect(await csv.text()).toContain('Suggestions accepted');
  });

  it('a rejected suggestion changes nothing and is closed with who rejected it', async () => {
    const made = await suggest(patient, 'six weeks', 'two weeks');
    expect(made.status).toBe(201);
    expect((await thread(made.json.id)).comments[0].body).toBe('');
    expect((await decide(owner, made.json.id, 'rejected')).status).toBe(200);
    expect(await thread(made.json.id)).toMatchObject({
      suggestion: { outcome: 'rejected', decided: { byName: 'Olive Owner' } },
      resolved: { byName: 'Olive Owner' },
    });
    expect(writer.text()).toContain('Results take six weeks to arrive.');
  });

  it('words changed since the suggestion are not overwritten: it stays open and says why', async () => {
    const made = await suggest(patient, 'to arrive', 'to reach us');
    const { text, at } = find(writer.doc, 'to arrive');
    const saved = writer.saved();
    text.insert(at + 'to '.length, 'finally ');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const refused = await decide(clinician, made.json.id, 'accepted');
    expect(refused.json.error.message).toMatch(/could not be found as they are now/);
    expect((await thread(made.json.id)).suggestion).toMatchObject({ outcome: null });
    expect(writer.text()).toContain('Results take six weeks to finally arrive.');
  });

  it('refuses bad suggestions with a message that says what to do', async () => {
    const viewerTry = await suggest(viewer, 'Results', 'Letters');
    expect(viewerTry.status).toBe(403);
    const cases: [unknown, RegExp][] = [
      [
        { anchor: anchorAround(writer.doc, 'Results'), quote: 'Answers', text: 'Replies' },
        /could not be found as they are now/,
      ],
      [
        { anchor: anchorAround(writer.doc, 'Results'), quote: 'Results', text: 'Results' },
        /same as the words it would replace/,
      ],
      [
        { anchor: anchorAround(writer.doc, 'Results'), quote: 'Results', text: 'One\nTwo' },
        /cannot contain a line break/,
      ],
      [
        {
          anchor: {
            start: anchorAround(writer.doc, 'Appointments').start,
            end: anchorAround(writer.doc, 'Results').end,
          },
          // Across paragraphs, the quote must be their words, with a break between.
          quote: 'Appointments … Results',
          text: 'Everything',
        },
        /could not be found as they are now/,
      ],
      [{ quote: 'Results', text: 'Answers' }, /Select the text to comment on/],
      [
        { anchor: anchorAround(writer.doc, 'Results'), quote: 'Results', text: 'Res\u202Eults' },
        /invisible control or direction character/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await api('POST', '/suggestions', patient, body);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toMatch(message);
    }
    const bogus = await api('PUT', '/suggestions/not-an-id/decision', clinician, {
      outcome: 'accepted',
    });
    expect(bogus.status).toBe(404);
    const made = await suggest(patient, 'Results', 'Test results');
    const unclear = await decide(clinician, made.json.id, 'maybe');
    expect(unclear.status).toBe(400);
    expect(unclear.json.error.message).toMatch(/accepted or rejected/);
    // An ordinary comment thread is not a suggestion.
    const plain = await api('POST', '/threads', patient, {
      anchor: anchorAround(writer.doc, 'Results'),
      quote: 'Results',
      body: 'Just a comment',
    });
    expect((await decide(clinician, plain.json.id, 'accepted')).status).toBe(404);
  });

  it('two editors accepting at once: the words are written once, and the second is told it is decided', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Parking is free for two hours.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const made = await suggest(patient, 'two hours', 'three hours');
    const answers = await Promise.all([
      decide(clinician, made.json.id, 'accepted'),
      decide(owner, made.json.id, 'accepted'),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.json.error.message).toMatch(
      /already accepted|accepting that suggestion right now/,
    );
    const reader = connectClient(server.url, documentId, owner.cookie);
    clients.push(reader);
    await waitSynced(reader);
    await eventually(() => expect(reader.text()).toContain('Parking is free for three hours.'));
    expect(occurrences(reader.text(), 'three hours')).toBe(1);
    expect((await thread(made.json.id)).suggestion).toMatchObject({ outcome: 'accepted' });
  });

  it('a suggestion to delete words, accepted, deletes them: its client id is registered with the deletion, so it is known to be written', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Bring your glasses and your old letter.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const made = await suggest(patient, ' and your old letter', '');
    expect(made.status).toBe(201);
    expect((await decide(clinician, made.json.id, 'accepted')).status).toBe(200);
    await eventually(() => expect(writer.text()).toContain('Bring your glasses.'));
    const stored = await server.storage.comments.getThread(documentId, made.json.id);
    expect(stored?.suggestion).toMatchObject({ outcome: 'accepted' });
    const owners = (await server.storage.journal.loadLedger(documentId)).owners;
    expect(owners.get(stored?.suggestion?.clientId ?? 0)).toBe(patient.id);
  });

  it('a suggestion to add words at one place (typed in suggesting mode), accepted, inserts them there with the formatting before, credited to the suggester', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Ask at reception for help.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const { text, at } = find(writer.doc, 'Ask at reception');
    writer.doc.transact(() => text.format(at, 'Ask at reception'.length, { bold: true }));
    const made = await api('POST', '/suggestions', patient, {
      anchor: pointAfter(writer.doc, 'Ask at reception'),
      quote: '',
      text: ' or by phone',
    });
    expect(made.status).toBe(201);
    expect((await thread(made.json.id)).suggestion).toMatchObject({ text: ' or by phone' });
    // Someone typing elsewhere in the paragraph meanwhile does not move the place.
    text.insert(0, 'Please ');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved + 1));
    expect((await decide(clinician, made.json.id, 'accepted')).status).toBe(200);
    // In its place, and bold like the words before it.
    await eventually(() =>
      expect(writer.text()).toContain('Please <bold>Ask at reception or by phone</bold> for help.'),
    );
    const stored = await server.storage.comments.getThread(documentId, made.json.id);
    const owners = (await server.storage.journal.loadLedger(documentId)).owners;
    expect(owners.get(stored?.suggestion?.clientId ?? 0)).toBe(patient.id);
    // Nothing to add and nothing selected is refused, saying what to do.
    const empty = await api('POST', '/suggestions', patient, {
      anchor: pointAfter(writer.doc, 'for help'),
      quote: '',
      text: '',
    });
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/type the words you want to add/);
    // An insertion whose place holds words is not one: the quote must be what is there.
    const stretched = await api('POST', '/suggestions', patient, {
      anchor: anchorAround(writer.doc, 'for help'),
      quote: '',
      text: 'with',
    });
    expect(stretched.status).toBe(400);
    expect(stretched.json.error.message).toMatch(/could not be found as they are now/);
  });

  it('its suggester merges more words into an open suggestion; a decision on the older words is refused, one on the new words writes them all', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Wear warm shoes to the clinic.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const made = await api('POST', '/suggestions', patient, {
      anchor: pointAfter(writer.doc, 'Wear warm shoes'),
      quote: '',
      text: ' and a coat',
    });
    expect(made.status).toBe(201);
    const id = made.json.id;
    /** The suggestion as a page lists it, for `was` and `as`. */
    const listed = async () => {
      const t = await thread(id);
      return { anchor: t.anchor, quote: t.quote, text: t.suggestion.text };
    };
    const first = await listed();
    const revise = (who: TestUser, body: unknown) => api('PUT', `/suggestions/${id}`, who, body);
    const longer = { anchor: first.anchor, quote: '', text: ' and a coat and hat' };

    // Only its suggester changes it.
    const notTheirs = await revise(clinician, { ...longer, was: first });
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.json.error.message).toMatch(/Only the person who suggested this/);
    const unread = await revise(patient, longer);
    expect(unread.status).toBe(400);
    expect(unread.json.error.message).toMatch(/Send the suggestion as it was listed/);

    expect((await revise(patient, { ...longer, was: first })).status).toBe(200);
    const second = await listed();
    expect(second).toMatchObject({ quote: '', text: ' and a coat and hat' });
    // A second tab still showing the first words cannot overwrite the revision.
    const stale = await revise(patient, { ...longer, text: ' and a pen', was: first });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/changed since your page read it/);
    // The revised words must still fit the document, as a new suggestion's do.
    const moved = await revise(patient, {
      anchor: anchorAround(writer.doc, 'warm'),
      quote: 'shoes',
      text: 'boots',
      was: second,
    });
    expect(moved.status).toBe(400);
    expect(moved.json.error.message).toMatch(/could not be found as they are now/);

    // An editor who read the first words is told they changed, and nothing is written.
    const unseen = await api('PUT', `/suggestions/${id}/decision`, clinician, {
      outcome: 'accepted',
      as: first,
    });
    expect(unseen.status).toBe(409);
    expect(unseen.json.error.message).toBe(
      'The person who suggested this has changed it since you read it: it now suggests “ and a coat and hat”. Look at it again, then decide.',
    );
    expect(writer.text()).toContain('Wear warm shoes to the clinic.');
    const accepted = await api('PUT', `/suggestions/${id}/decision`, clinician, {
      outcome: 'accepted',
      as: second,
    });
    expect(accepted.status).toBe(200);
    await eventually(() =>
      expect(writer.text()).toContain('Wear warm shoes and a coat and hat to the clinic.'),
    );
    // Decided: no longer changed.
    const late = await revise(patient, { ...longer, text: ' and a pen', was: second });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/already accepted/);
  });

  it('its suggester withdraws an open suggestion as they read it; one accepted meanwhile is not withdrawn', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Drops may blur your sight.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const listed = async (id: string) => {
      const t = await thread(id);
      return { anchor: t.anchor, quote: t.quote, text: t.suggestion?.text };
    };
    const made = await api('POST', '/suggestions', patient, {
      anchor: pointAfter(writer.doc, 'Drops may blur'),
      quote: '',
      text: ' for hours',
    });
    const id = made.json.id;
    const first = await listed(id);
    const withdraw = (who: TestUser, as: unknown) =>
      api('POST', `/suggestions/${id}/withdrawal`, who, { as });
    expect((await withdraw(clinician, first)).status).toBe(403);
    const stale = await withdraw(patient, { ...first, text: ' for a day' });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/changed since your page read it/);
    const bad = await api('POST', `/suggestions/${id}/withdrawal`, patient, {});
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/Send the suggestion as it was listed/);
    expect((await withdraw(patient, first)).status).toBe(200);
    // Withdrawn: its only comment gone, it is no longer listed, and cannot be decided.
    expect(await thread(id)).toBeUndefined();
    expect((await decide(clinician, id, 'accepted')).status).toBe(404);

    // Accepted while its suggester was taking it back: the withdrawal says so.
    const second = await api('POST', '/suggestions', patient, {
      anchor: pointAfter(writer.doc, 'Drops may blur'),
      quote: '',
      text: ' a little',
    });
    const read = await listed(second.json.id);
    expect((await decide(clinician, second.json.id, 'accepted')).status).toBe(200);
    const late = await api('POST', `/suggestions/${second.json.id}/withdrawal`, patient, {
      as: read,
    });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/already accepted/);
    expect((await thread(second.json.id)).suggestion).toMatchObject({ outcome: 'accepted' });
    await eventually(() => expect(writer.text()).toContain('Drops may blur a little your sight.'));
  });

  it('words suggested into an empty paragraph, accepted, become its text; once someone has typed there, they are not written', async () => {
    const fragment = writer.doc.getXmlFragment('default');
    const saved = writer.saved();
    const empty = new Y.XmlElement('paragraph');
    fragment.insert(fragment.length, [empty]);
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    // As the editor anchors a place in a paragraph with no text yet: to the paragraph.
    const place = Buffer.from(
      Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(empty, 0, -1)),
    ).toString('base64');
    const suggestAt = () =>
      api('POST', '/suggestions', patient, {
        anchor: { start: place, end: place },
        quote: '',
        text: 'Transport can be arranged.',
      });
    const made = await suggestAt();
    expect(made.status).toBe(201);
    const later = await suggestAt();
    expect((await decide(clinician, made.json.id, 'accepted')).status).toBe(200);
    await eventually(() => expect(writer.text()).toContain('Transport can be arranged.'));
    expect(occurrences(writer.text(), 'Transport can be arranged.')).toBe(1);
    // The paragraph has words now: the second, to the same empty place, is refused.
    const refused = await decide(clinician, later.json.id, 'accepted');
    expect(refused.json.error.message).toMatch(/could not be found as they are now/);
    expect(occurrences(writer.text(), 'Transport can be arranged.')).toBe(1);
  });

  it('an acceptance a stopped process left pending reads as open; once no process can still be writing it, deciding settles it and it can be accepted', async () => {
    const saved = writer.saved();
    appendParagraph(writer.doc, 'Letters are sent in large print.');
    await eventually(() => expect(writer.saved()).toBeGreaterThan(saved));
    const stale = await suggest(patient, 'large print', 'large print or braille');
    const recent = await suggest(patient, 'Letters are sent', 'Letters go out');
    // What a process that stopped after recording the decision leaves: the words were
    // never committed (nothing is under these client ids).
    const pending = (at: number, clientId: number) => ({
      outcome: 'accepting' as const,
      by: clinician.id,
      at,
      clientId,
    });
    const { comments } = server.storage;
    await comments.decideSuggestion(
      documentId,
      stale.json.id,
      pending(Date.now() - ACCEPTING_GRACE_MS - 1000, 0x7ff0_0001),
    );
    await comments.decideSuggestion(documentId, recent.json.id, pending(Date.now(), 0x7ff0_0002));

    // Neither reads as accepted: the words are not in the text.
    for (const id of [stale.json.id, recent.json.id]) {
      expect((await thread(id)).suggestion).toMatchObject({ outcome: null, decided: null });
    }
    // Reading changed nothing (nothing changes state on GET): it is settled when decided.
    expect((await comments.getThread(documentId, stale.json.id))?.suggestion?.outcome).toBe(
      'accepting',
    );
    // The recent one may still be being written by another process sharing the database.
    expect((await comments.getThread(documentId, recent.json.id))?.suggestion?.outcome).toBe(
      'accepting',
    );
    const busy = await decide(owner, recent.json.id, 'rejected');
    expect(busy.status).toBe(409);
    expect(busy.json.error.message).toBe(
      'Someone is accepting that suggestion right now. Reload the comments in a moment to see it.',
    );

    expect((await decide(clinician, stale.json.id, 'accepted')).status).toBe(200);
    await eventually(() =>
      expect(writer.text()).toContain('Letters are sent in large print or braille.'),
    );
    expect(occurrences(writer.text(), 'braille')).toBe(1);
    expect(await thread(stale.json.id)).toMatchObject({
      suggestion: { outcome: 'accepted', decided: { byName: 'Cleo Clinician' } },
      resolved: { byName: 'Cleo Clinician' },
    });
  });

  it('a withdrawn suggestion is no longer one; one from someone who left is not written under their name', async () => {
    const withdrawn = await suggest(patient, 'Appointments', 'Visits', 'On second thoughts…');
    const opening = (await thread(withdrawn.json.id)).comments[0].id;
    await api('POST', `/threads/${withdrawn.json.id}/replies`, clinician, { body: 'Why?' });
    expect((await api('DELETE', `/comments/${opening}`, patient)).status).toBe(200);
    expect((await thread(withdrawn.json.id)).suggestion).toBeNull();
    expect((await decide(clinician, withdrawn.json.id, 'accepted')).status).toBe(404);

    const orphan = await suggest(patient, 'Appointments', 'Clinic visits');
    const ws = (await api('GET', '', owner)).json.document.workspaceId;
    await call(server.url, 'DELETE', `/workspaces/${ws}/members/${patient.id}`, {
      cookie: owner.cookie,
    });
    const refused = await decide(clinician, orphan.json.id, 'accepted');
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/can no longer comment on this document/);
    expect(writer.text()).toContain('Appointments are offered');
    // Rejecting still closes it.
    expect((await decide(clinician, orphan.json.id, 'rejected')).status).toBe(200);
  });
});
