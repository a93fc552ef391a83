import type { CommentThreadView, CommentView } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentOutline, outlineOf } from './outline.ts';

function element(
  name: string,
  attrs: Record<string, string> = {},
  kids: (Y.XmlElement | Y.XmlText)[] = [],
) {
  const el = new Y.XmlElement(name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.insert(0, kids);
  return el;
}

function textNode(parts: [string, Record<string, unknown>?][]): Y.XmlText {
  const t = new Y.XmlText();
  let at = 0;
  for (const [s, format] of parts) {
    t.insert(at, s, format ?? {});
    at += s.length;
  }
  return t;
}

const para = (s: string) => element('paragraph', {}, [textNode([[s]])]);

function build(blocks: Y.XmlElement[]): Y.Doc {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, blocks);
  return doc;
}

describe('document outline for an export', () => {
  it('keeps headings, bold and italic, lists and tables', () => {
    const doc = build([
      element('heading', { level: '2' }, [textNode([['About this service']])]),
      element('paragraph', {}, [
        textNode([['Results '], ['within a week', { bold: true }], [', always', { italic: true }]]),
      ]),
      element('bulletList', {}, [
        element('listItem', {}, [para('Evening clinics')]),
        element('listItem', {}, [
          para('Text reminders'),
          element('bulletList', {}, [element('listItem', {}, [para('In Urdu too')])]),
        ]),
      ]),
      element('table', {}, [
        element('tableRow', {}, [
          element('tableHeader', {}, [para('Site')]),
          element('tableHeader', {}, [para('Days')]),
        ]),
        element('tableRow', {}, [
          element('tableCell', {}, [para('Leeds')]),
          element('tableCell', {}, [para('Mon, Thu')]),
        ]),
      ]),
    ]);
    expect(outlineOf(doc)).toEqual([
      { type: 'heading', level: 2, text: 'About this service' },
      {
        type: 'paragraph',
        runs: [
          { text: 'Results ' },
          { text: 'within a week', bold: true },
          { text: ', always', italic: true },
        ],
      },
      { type: 'bullet', level: 0, runs: [{ text: 'Evening clinics' }] },
      { type: 'bullet', level: 0, runs: [{ text: 'Text reminders' }] },
      { type: 'bullet', level: 1, runs: [{ text: 'In Urdu too' }] },
      { type: 'table', header: ['Site', 'Days'], rows: [['Leeds', 'Mon, Thu']] },
    ]);
  });

  it('leaves out quotes without consent, and their words from the links to them', () => {
    const doc = build([
      element('evidenceList', {}, [
        element('evidenceItem', {
          uid: 'q1',
          kind: 'quote',
          body: 'The letter scared me',
          source: 'Pat',
          consent: 'yes',
          anonymised: 'no',
        }),
        element('evidenceItem', {
          uid: 'q2',
          kind: 'quote',
          body: 'My secret worry',
          source: 'Sam',
          consent: 'unknown',
        }),
        element('evidenceItem', {
          uid: 'q3',
          kind: 'story',
          body: 'We waited a month',
          source: 'Ali',
          consent: 'yes',
          anonymised: 'yes',
        }),
        element('evidenceItem', {
          uid: 't1',
          kind: 'touchpoint',
          body: 'Waited for results',
          journeyStage: 'Results',
          feeling: 'negative',
        }),
      ]),
      para('As one person said: My secret worry is the wait.'),
      element('decisionLog', {}, [
        element('decisionItem', {
          decisionText: 'Kinder letters',
          decidedOn: '2026-11-02',
          decidedBy: 'The group',
          basis: 'Workshop 2',
          evidenceLinks: 'q1 q2 gone',
        }),
      ]),
    ]);
    const outline = outlineOf(doc);
    const all = JSON.stringify(outline);
    expect(all).not.toContain('My secret worry');
    // Pasted elsewhere, it is taken out there too.
    expect(outline).toContainEqual({
      type: 'paragraph',
      runs: [{ text: 'As one person said: [a quote kept within the group] is the wait.' }],
    });
    expect(all).not.toContain('Sam');
    // Anonymised: the words go, the name does not.
    expect(all).toContain('We waited a month');
    expect(all).not.toContain('Ali');
    expect(outline).toContainEqual({
      type: 'note',
      text: '1 quote or story is left out of this export: the people who gave them have not agreed to be quoted.',
    });
    expect(outline).toContainEqual({
      type: 'table',
      header: ['Decision', 'Decided on', 'Decided by', 'Evidence'],
      rows: [
        [
          'Kinder letters',
          '2 Nov 2026',
          'The group',
          'Workshop 2; Quote from Pat: “The letter scared me”; a quote or story kept within the group',
        ],
      ],
    });
  });

  it("reads a priority's and a decision's links from their children, and from the old attribute", () => {
    const link = (piece: string) => element('evidenceLink', { piece });
    const doc = build([
      element('evidenceList', {}, [
        element('evidenceItem', {
          uid: 'q1',
          kind: 'quote',
          body: 'The letter scared me',
          source: 'Pat',
          consent: 'yes',
        }),
        element('evidenceItem', {
          uid: 't1',
          kind: 'touchpoint',
          body: 'Waited for results',
          journeyStage: 'Results',
        }),
      ]),
      element('priorityList', {}, [
        // t1 twice: two people ticked it at once.
        element('priority', { title: 'Kinder letters', evidence: 'Workshop 1' }, [
          link('t1'),
          link('q1'),
          link('t1'),
          link('gone'),
        ]),
      ]),
      element('decisionLog', {}, [
        // Stored before links were children (q1), then one more ticked since (t1).
        element('decisionItem', { decisionText: 'Call first', evidenceLinks: 'q1' }, [link('t1')]),
      ]),
    ]);
    const outline = outlineOf(doc);
    const quote = 'Quote from Pat: “The letter scared me”';
    const touchpoint = 'Touchpoint (Results): “Waited for results”';
    expect(outline).toContainEqual({
      type: 'labelled',
      label: 'Evidence behind it',
      text: `Workshop 1; ${touchpoint}; ${quote}`,
    });
    expect(outline).toContainEqual({
      type: 'table',
      header: ['Decision', 'Decided on', 'Decided by', 'Evidence'],
      rows: [['Call first', '', '', `${quote}; ${touchpoint}`]],
    });
  });

  it('names participants only as they chose, by role when they have not said', () => {
    const doc = build([
      element('participantList', {}, [
        element('participantItem', {
          personName: 'Priya Shah',
          personRole: 'patient',
          creditAs: 'role_only',
        }),
        element('participantItem', {
          personName: 'Dr Jo Bell',
          personRole: 'clinician',
          creditAs: 'full_name',
        }),
        element('participantItem', { personName: 'Chris Lee', personRole: 'carer' }),
      ]),
    ]);
    const outline = outlineOf(doc);
    expect(JSON.stringify(outline)).not.toMatch(/Priya|Chris/);
    expect(outline).toContainEqual({
      type: 'table',
      header: ['Credited as', 'Role in the group'],
      rows: [
        ['A patient', 'Patient or service user'],
        ['Dr Jo Bell', 'Clinician'],
        ['A carer', 'Carer'],
      ],
    });
  });

  it('marks the points of a trend on the drawn chart, and says so in words', () => {
    const days = ['2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26', '2026-02-02'];
    const values = [10, 4, 5, 6, 7];
    const doc = build([
      element(
        'runChart',
        { measure: 'Calls answered' },
        // A falling start, then five in a row rising (a trend at the default of 5).
        [...days, '2026-02-09'].map((date, i) =>
          element('dataPoint', { date, value: String([...values, 8][i]) }),
        ),
      ),
    ]);
    const chart = outlineOf(doc).find((b) => b.type === 'runChart');
    expect(chart).toMatchObject({ values: [10, 4, 5, 6, 7, 8], signalPoints: [1, 2, 3, 4, 5] });
    expect(chart?.type === 'runChart' ? chart.description : '').toContain('Signals:');
  });

  it('writes a run chart, a PDSA cycle and an action log out in words', () => {
    const points = ['2026-01-05', '2026-01-12', '2026-01-19'].map((date, i) =>
      element('dataPoint', { date, value: String(10 + i), note: i === 2 ? 'New letters' : '' }),
    );
    const doc = build([
      element(
        'runChart',
        {
          measure: 'Missed appointments (%)',
          measureType: 'outcome',
          numerator: 'Appointments missed',
          target: '8% by June 2027',
          frequency: '',
        },
        points,
      ),
      element('pdsaCycle', {
        title: 'Text reminders',
        stage: 'do',
        prediction: 'Fewer missed',
        decision: 'adopt',
      }),
      element('actionLog', {}, [
        element('actionItem', {
          action: 'Draft the letter',
          owner: 'Pat',
          due: '2026-12-01',
          status: 'in_progress',
        }),
      ]),
    ]);
    const outline = outlineOf(doc);
    expect(outline).toContainEqual({
      type: 'heading',
      level: 3,
      text: 'Run chart: Missed appointments (%)',
    });
    expect(outline).toContainEqual({ type: 'labelled', label: 'Median', text: '11' });
    // Drawn, with the median, and described in words.
    expect(outline).toContainEqual({
      type: 'runChart',
      title: 'Missed appointments (%)',
      days: ['5 Jan 2026', '12 Jan 2026', '19 Jan 2026'],
      values: [10, 11, 12],
      median: 11,
      signalPoints: [],
      description:
        'Run chart of Missed appointments (%): 3 points from 5 Jan 2026 to 19 Jan 2026, median 11. No signals.',
    });
    // The measure's definition, the empty fields left out.
    const at = outline.findIndex((b) => b.type === 'heading' && b.text.startsWith('Run chart'));
    expect(outline.slice(at + 1, at + 4)).toEqual([
      {
        type: 'labelled',
        label: 'Kind of measure',
        text: 'Outcome: what matters to patients, the result we want',
      },
      { type: 'labelled', label: 'Numerator', text: 'Appointments missed' },
      { type: 'labelled', label: 'Target', text: '8% by June 2027' },
    ]);
    expect(outline).toContainEqual({
      type: 'table',
      header: ['Date', 'Value', 'Note'],
      rows: [
        ['5 Jan 2026', '10', ''],
        ['12 Jan 2026', '11', ''],
        ['19 Jan 2026', '12', 'New letters'],
      ],
    });
    expect(outline).toContainEqual({ type: 'labelled', label: 'Stage', text: 'Do' });
    expect(outline).toContainEqual({ type: 'labelled', label: 'Prediction', text: 'Fewer missed' });
    expect(outline).toContainEqual({
      type: 'table',
      header: ['Action', 'Owner', 'Due', 'Status'],
      rows: [['Draft the letter', 'Pat', '1 Dec 2026', 'In progress']],
    });
  });

  it('writes a PDSA cycle’s change idea as the driver diagram says it now', () => {
    const ideaOf = (label: string, uid: string) => element('changeIdea', { label, uid });
    const cycle = (title: string, changeIdea: string, changeIdeaId: string) =>
      element('pdsaCycle', { title, stage: 'plan', changeIdea, changeIdeaId });
    const doc = build([
      element('driverDiagram', { aim: 'Fewer missed appointments' }, [
        element('primaryDriver', { label: 'Patients remember', uid: 'p-1' }, [
          element('secondaryDriver', { label: 'Reminders', uid: 's-1' }, [
            // Renamed since the cycles linked to it.
            ideaOf('Text reminders two days before', 'idea-1'),
          ]),
        ]),
      ]),
      cycle('Linked', 'Text reminders', 'idea-1'),
      cycle('Removed', 'Letters in large print', 'idea-2'),
      cycle('Written', 'Phone calls', ''),
      element('pdsaCycle', { title: 'From before links', changeIdea: 'Phone calls' }),
    ]);
    const ideas = outlineOf(doc)
      .filter((b) => b.type === 'labelled' && b.label === 'Change idea being tested')
      .map((b) => (b.type === 'labelled' ? b.text : ''));
    expect(ideas).toEqual([
      'Text reminders two days before',
      'The change idea “Letters in large print” was removed from the driver diagram.',
      'Phone calls',
      'Phone calls',
    ]);
  });

  it('writes the run chart a PDSA cycle links to, or that it was removed', () => {
    const doc = build([
      element('runChart', { measure: 'Missed appointments (%)', uid: 'chart-1' }),
      element('pdsaCycle', { title: 'Linked', stage: 'do', runChartId: 'chart-1' }),
      element('pdsaCycle', { title: 'Removed', stage: 'plan', runChartId: 'chart-2' }),
      element('pdsaCycle', { title: 'None', stage: 'plan' }),
    ]);
    const charts = outlineOf(doc)
      .filter((b) => b.type === 'labelled' && b.label === 'Run chart')
      .map((b) => (b.type === 'labelled' ? b.text : ''));
    expect(charts).toEqual([
      'Run chart of “Missed appointments (%)”, in this document.',
      'The run chart linked to this cycle was removed from the document.',
      'none linked',
    ]);
  });

  describe('comment threads', () => {
    const at = (type: Y.XmlText, index: number) =>
      Buffer.from(
        Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(type, index)),
      ).toString('base64');
    const comment = (body: string, name = 'Pat Patient'): CommentView => ({
      id: body,
      authorId: 'a',
      authorName: name,
      roleLabel: 'Patient or service user',
      color: '#000',
      body,
      mentions: [],
      createdAt: '2026-03-02T10:00:00.000Z',
      editedAt: null,
      deleted: false,
    });
    const thread = (
      start: string,
      end: string,
      comments: CommentView[],
      extra: Partial<CommentThreadView> = {},
    ): CommentThreadView => ({
      id: comments[0]?.body ?? 'x',
      anchor: { start, end },
      quote: 'the words',
      createdAt: '2026-03-02T10:00:00.000Z',
      resolved: null,
      suggestion: null,
      comments,
      ...extra,
    });

    it('puts each thread beside its words as Word comments, replies under the first', () => {
      const first = para('Results should come within a week.');
      const second = para('Letters are sent by post.');
      const doc = build([
        element('heading', { level: '2' }, [textNode([['Waiting']])]),
        first,
        second,
      ]);
      const t1 = first.get(0) as Y.XmlText;
      const t2 = second.get(0) as Y.XmlText;
      const heading = (doc.getXmlFragment('default').get(0) as Y.XmlElement).get(0) as Y.XmlText;
      const outline = documentOutline(doc, {
        which: 'all',
        threads: [
          // "within a week", with a reply and a suggestion, resolved.
          thread(at(t1, 20), at(t1, 33), [comment('Too slow?'), comment('Agreed', 'Cal')], {
            suggestion: { text: 'within three days', outcome: null, decided: null },
            resolved: { byName: 'Cal', at: '2026-03-03T10:00:00.000Z' },
          }),
          // From "come" in one paragraph to "Letters" in the next.
          thread(at(t1, 15), at(t2, 7), [comment('One sentence?')]),
          thread(at(heading, 0), at(heading, 7), [comment('A better title')]),
          // Its words were deleted: both ends meet.
          thread(at(t2, 3), at(t2, 3), [comment('Gone words')]),
        ],
      });
      const [h, p1, p2] = outline.blocks;
      expect(h).toMatchObject({
        type: 'heading',
        runs: [
          { text: '', comment: { id: 4, at: 'start' } },
          { text: 'Waiting' },
          { text: '', comment: { id: 4, at: 'end' } },
        ],
      });
      expect(p1).toEqual({
        type: 'paragraph',
        runs: [
          { text: 'Results should ' },
          { text: '', comment: { id: 3, at: 'start' } },
          { text: 'come ' },
          { text: '', comment: { id: 1, at: 'start' } },
          { text: '', comment: { id: 2, at: 'start' } },
          { text: 'within a week' },
          { text: '', comment: { id: 2, at: 'end' } },
          { text: '', comment: { id: 1, at: 'end' } },
          { text: '.' },
        ],
      });
      expect(p2).toEqual({
        type: 'paragraph',
        runs: [
          { text: 'Letters' },
          { text: '', comment: { id: 3, at: 'end' } },
          { text: ' are sent by post.' },
        ],
      });
      expect(outline.comments).toEqual([
        {
          id: 1,
          author: 'Pat Patient (Patient or service user)',
          date: new Date('2026-03-02T10:00:00.000Z'),
          resolved: true,
          paragraphs: ['Too slow?', 'Suggested change: “within three days” (not decided yet)'],
        },
        {
          id: 2,
          parentId: 1,
          author: 'Cal (Patient or service user)',
          date: new Date('2026-03-02T10:00:00.000Z'),
          resolved: true,
          paragraphs: ['Agreed', 'Resolved by Cal on 3 March 2026.'],
        },
        expect.objectContaining({ id: 3, paragraphs: ['One sentence?'] }),
        expect.objectContaining({ id: 4, paragraphs: ['A better title'] }),
      ]);
      // Only the thread whose words are gone is listed at the end.
      const rest = JSON.stringify(outline.blocks.slice(3));
      expect(rest).toContain('Gone words');
      expect(rest).toContain('1 thread, oldest first, whose words are no longer in the text');
      expect(rest).not.toContain('Too slow?');
    });

    it('a suggestion across paragraphs is a comment across them; joining two is said so, and a spanning quote listed at the end shows its break', () => {
      const first = para('Clinics open at nine.');
      const second = para('Evening slots are rare.');
      const doc = build([first, second]);
      const t1 = first.get(0) as Y.XmlText;
      const t2 = second.get(0) as Y.XmlText;
      const outline = documentOutline(doc, {
        which: 'all',
        threads: [
          // Backspace at the second paragraph's start: from the first's end to its start.
          thread(at(t1, t1.length), at(t2, 0), [comment('One paragraph')], {
            quote: '\n',
            suggestion: { text: '', outcome: null, decided: null },
          }),
          // Its words since deleted (both ends meet): listed at the end, quote on one line.
          thread(at(t2, 3), at(t2, 3), [comment('Gone across')], {
            quote: 'nine.\nEvening',
            suggestion: { text: 'ten, and evening', outcome: null, decided: null },
          }),
        ],
      });
      expect(outline.blocks[0]).toMatchObject({
        runs: [{ text: 'Clinics open at nine.' }, { text: '', comment: { id: 1, at: 'start' } }],
      });
      expect(outline.blocks[1]).toMatchObject({
        runs: [{ text: '', comment: { id: 1, at: 'end' } }, { text: 'Evening slots are rare.' }],
      });
      expect(outline.comments[0]?.paragraphs).toEqual([
        'One paragraph',
        'Suggested change: join the two paragraphs (not decided yet)',
      ]);
      expect(JSON.stringify(outline.blocks)).toContain('“nine. ¶ Evening”');
    });

    it('lists at the end a thread on words in a table, or from a paragraph since deleted, with no half range left', () => {
      const cell = para('Leeds clinic');
      const table = element('table', {}, [
        element('tableRow', {}, [element('tableCell', {}, [cell])]),
      ]);
      const gone = para('Old first paragraph.');
      const kept = para('Results within a week.');
      const doc = build([table, gone, kept]);
      const inCell = cell.get(0) as Y.XmlText;
      const goneText = gone.get(0) as Y.XmlText;
      const keptText = kept.get(0) as Y.XmlText;
      const threads = [
        thread(at(inCell, 0), at(inCell, 5), [comment('Which Leeds clinic?')]),
        // From the paragraph deleted below into the one kept.
        thread(at(goneText, 4), at(keptText, 7), [comment('Spans the deleted one')]),
        // From the kept paragraph into the table: its end is not written out.
        thread(at(keptText, 0), at(inCell, 3), [comment('Into the table')]),
      ];
      doc.getXmlFragment('default').delete(1, 1);
      const outline = documentOutline(doc, { which: 'open', threads });
      expect(outline.comments).toEqual([]);
      const marks = outline.blocks.flatMap((b) =>
        b.type === 'paragraph' || b.type === 'bullet' ? b.runs.filter((r) => r.comment) : [],
      );
      expect(marks).toEqual([]);
      const rest = JSON.stringify(outline.blocks);
      for (const words of ['Which Leeds clinic?', 'Spans the deleted one', 'Into the table']) {
        expect(rest).toContain(words);
      }
      expect(rest).toContain('3 threads still open, oldest first.');
    });

    it('takes a withheld quote out of a comment beside the text too', () => {
      const p = para('We will text results.');
      const quote = 'My son read my results to me over the phone';
      const doc = build([
        p,
        element('evidenceList', {}, [
          element('evidenceItem', {
            kind: 'quote',
            body: quote,
            source: 'Sam',
            consent: 'unknown',
          }),
        ]),
      ]);
      const t = p.get(0) as Y.XmlText;
      const outline = documentOutline(doc, {
        which: 'open',
        threads: [thread(at(t, 0), at(t, 7), [comment(`He said: “${quote}”`)])],
      });
      expect(outline.comments[0]?.paragraphs).toEqual([
        'He said: “[a quote kept within the group]”',
      ]);
      expect(JSON.stringify(outline)).not.toContain('My son read');
    });

    describe('who wrote what', () => {
      /** Two people typing into one document, each from their own Yjs client. */
      function twoAuthors() {
        const doc = new Y.Doc();
        doc.clientID = 101;
        const fragment = doc.getXmlFragment('default');
        const heading = element('heading', { level: '2' }, [textNode([['Access']])]);
        const p = element('paragraph', {}, [textNode([['Clinics in the evening']])]);
        fragment.insert(0, [heading, p]);
        // The second person adds to the paragraph, in bold, from their own client.
        const other = new Y.Doc();
        other.clientID = 202;
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
        const otherText = (other.getXmlFragment('default').get(1) as Y.XmlElement).get(
          0,
        ) as Y.XmlText;
        otherText.insert(8, 'and texts ', { bold: true });
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
        const owners = new Map([
          [101, 'ann'],
          [202, 'pat'],
        ]);
        return { doc, authors: (client: number) => owners.get(client) ?? null };
      }

      it('cuts the runs where the author changes and credits each run', () => {
        const { doc, authors } = twoAuthors();
        const outline = documentOutline(doc, null, authors);
        expect(outline.blocks).toEqual([
          {
            type: 'heading',
            level: 2,
            text: 'Access',
            runs: [{ text: 'Access', author: 'ann' }],
          },
          {
            type: 'paragraph',
            runs: [
              { text: 'Clinics ', author: 'ann' },
              { text: 'and texts ', bold: true, author: 'pat' },
              { text: 'in the evening', author: 'ann' },
            ],
          },
        ]);
        expect(outline.authorship).toEqual([
          { author: 'ann', characters: 'Access'.length + 'Clinics in the evening'.length },
          { author: 'pat', characters: 'and texts '.length },
        ]);
      });

      it('marks nobody without being asked, and leaves template text uncredited', () => {
        const { doc } = twoAuthors();
        const plain = documentOutline(doc);
        expect(JSON.stringify(plain.blocks)).not.toContain('author');
        expect(plain.authorship).toBeUndefined();
        const seeded = documentOutline(doc, null, (client) => (client === 202 ? 'pat' : null));
        expect(seeded.authorship).toEqual([
          { author: null, characters: 'Access'.length + 'Clinics in the evening'.length },
          { author: 'pat', characters: 'and texts '.length },
        ]);
      });

      it('keeps comment ranges and authors together', () => {
        const { doc, authors } = twoAuthors();
        const t = (doc.getXmlFragment('default').get(1) as Y.XmlElement).get(0) as Y.XmlText;
        // On "texts in": across the second person's words into the first's.
        const outline = documentOutline(
          doc,
          { which: 'open', threads: [thread(at(t, 12), at(t, 20), [comment('Which days?')])] },
          authors,
        );
        const runs = outline.blocks[1]?.type === 'paragraph' ? outline.blocks[1].runs : [];
        expect(runs).toEqual([
          { text: 'Clinics ', author: 'ann' },
          { text: 'and ', bold: true, author: 'pat' },
          { text: '', comment: { id: 1, at: 'start' } },
          { text: 'texts ', bold: true, author: 'pat' },
          { text: 'in', author: 'ann' },
          { text: '', comment: { id: 1, at: 'end' } },
          { text: ' the evening', author: 'ann' },
        ]);
      });

      it('credits a linked change idea’s words to whoever wrote them in the diagram, and the removal sentence to nobody', () => {
        const doc = new Y.Doc();
        doc.clientID = 101;
        doc
          .getXmlFragment('default')
          .insert(0, [
            element('driverDiagram', { aim: 'Fewer missed appointments' }, [
              element('primaryDriver', { label: 'Patients remember', uid: 'p-1' }, [
                element('secondaryDriver', { label: 'Reminders', uid: 's-1' }, [
                  element('changeIdea', { label: 'Text reminders', uid: 'idea-1' }),
                ]),
              ]),
            ]),
          ]);
        // Someone else links two cycles (one to an idea since removed), from their client.
        const other = new Y.Doc();
        other.clientID = 202;
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
        other.getXmlFragment('default').insert(1, [
          element('pdsaCycle', {
            title: 'One',
            stage: 'plan',
            changeIdea: 'Text reminders',
            changeIdeaId: 'idea-1',
          }),
          element('pdsaCycle', {
            title: 'Two',
            stage: 'plan',
            changeIdea: 'Letters',
            changeIdeaId: 'idea-9',
          }),
        ]);
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
        const owners = new Map([
          [101, 'ann'],
          [202, 'pat'],
        ]);
        const outline = documentOutline(doc, null, (client) => owners.get(client) ?? null);
        const ideas = outline.blocks.filter(
          (b) => b.type === 'labelled' && b.label === 'Change idea being tested',
        );
        expect(ideas.map((b) => (b.type === 'labelled' ? b.runs : []))).toEqual([
          [{ text: 'Text reminders', author: 'ann' }],
          [
            { text: 'The change idea “' },
            { text: 'Letters', author: 'pat' },
            { text: '” was removed from the driver diagram.' },
          ],
        ]);
      });

      it('credits the words in a table cell per character, and each field of a block to whoever last wrote it', () => {
        const quote = 'My son read my results to me over the phone';
        const doc = new Y.Doc();
        doc.clientID = 101;
        const cell = para('Leeds clinic');
        doc
          .getXmlFragment('default')
          .insert(0, [
            element('table', {}, [
              element('tableRow', {}, [element('tableHeader', {}, [para('Site')])]),
              element('tableRow', {}, [element('tableCell', {}, [cell])]),
              element('tableRow', {}, [element('tableCell', {}, [para(`Heard: ${quote}`)])]),
            ]),
            element('pdsaCycle', { title: 'Text reminders', stage: 'plan', prediction: '' }),
            element('actionLog', {}, [
              element('actionItem', { action: 'Draft the letter', owner: 'Pat' }),
            ]),
            element('evidenceList', {}, [
              element('evidenceItem', { kind: 'quote', body: quote, source: 'Sam', consent: 'no' }),
            ]),
          ]);
        // The second person types into the same cell, fills in the prediction and changes
        // the action's owner, from their own client.
        const other = new Y.Doc();
        other.clientID = 202;
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
        const top = (i: number) => other.getXmlFragment('default').get(i) as Y.XmlElement;
        const row = (top(0).get(1) as Y.XmlElement).get(0) as Y.XmlElement;
        const words = (row.get(0) as Y.XmlElement).get(0) as Y.XmlText;
        words.insert(words.length, ' on Mondays');
        top(1).setAttribute('prediction', 'Fewer missed appointments');
        (top(2).get(0) as Y.XmlElement).setAttribute('owner', 'Sam');
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
        const owners = new Map([
          [101, 'ann'],
          [202, 'pat'],
        ]);
        const outline = documentOutline(doc, null, (client) => owners.get(client) ?? null);
        const [site, pdsaHeading, stage, , , prediction] = outline.blocks;
        expect(site).toEqual({
          type: 'table',
          header: ['Site'],
          rows: [['Leeds clinic on Mondays'], ['Heard: [a quote kept within the group]']],
          runs: {
            header: [[{ text: 'Site', author: 'ann' }]],
            rows: [
              [
                [
                  { text: 'Leeds clinic', author: 'ann' },
                  { text: ' on Mondays', author: 'pat' },
                ],
              ],
              // A withheld quote pasted into a cell is taken out there too, the author kept.
              [[{ text: 'Heard: [a quote kept within the group]', author: 'ann' }]],
            ],
          },
        });
        expect(pdsaHeading).toEqual({
          type: 'heading',
          level: 3,
          text: 'PDSA cycle: Text reminders',
          runs: [{ text: 'PDSA cycle: ' }, { text: 'Text reminders', author: 'ann' }],
        });
        expect(stage).toEqual({
          type: 'labelled',
          label: 'Stage',
          text: 'Plan',
          runs: [{ text: 'Plan', author: 'ann' }],
        });
        expect(prediction).toEqual({
          type: 'labelled',
          label: 'Prediction',
          text: 'Fewer missed appointments',
          runs: [{ text: 'Fewer missed appointments', author: 'pat' }],
        });
        // An empty field is nobody's words.
        expect(outline.blocks).toContainEqual({
          type: 'labelled',
          label: 'Question',
          text: '—',
          runs: [{ text: '—' }],
        });
        // The status was never set: it is credited to whoever added the action.
        expect(outline.blocks).toContainEqual({
          type: 'table',
          header: ['Action', 'Owner', 'Due', 'Status'],
          rows: [['Draft the letter', 'Sam', '', 'Not started']],
          runs: {
            header: [
              [{ text: 'Action' }],
              [{ text: 'Owner' }],
              [{ text: 'Due' }],
              [{ text: 'Status' }],
            ],
            rows: [
              [
                [{ text: 'Draft the letter', author: 'ann' }],
                [{ text: 'Sam', author: 'pat' }],
                [],
                [{ text: 'Not started', author: 'ann' }],
              ],
            ],
          },
        });
        const share = (who: string) =>
          outline.authorship?.find((s) => s.author === who)?.characters;
        expect(share('pat')).toBe(' on Mondays'.length + 'Fewer missed appointments'.length + 3);
        expect(JSON.stringify(outline)).not.toContain('My son read');
        // Without asking, the same document carries no runs in its tables or fields.
        const plain = documentOutline(doc).blocks;
        expect(plain[0]).toEqual({
          type: 'table',
          header: ['Site'],
          rows: [['Leeds clinic on Mondays'], ['Heard: [a quote kept within the group]']],
        });
        expect(plain[2]).toEqual({ type: 'labelled', label: 'Stage', text: 'Plan' });
      });

      it('replaces a withheld quote inside one run without losing the others’ authors', () => {
        const quote = 'My son read my results to me over the phone';
        const doc = new Y.Doc();
        doc.clientID = 101;
        doc
          .getXmlFragment('default')
          .insert(0, [
            para(`Heard: ${quote}.`),
            element('evidenceList', {}, [
              element('evidenceItem', { kind: 'quote', body: quote, source: 'Sam', consent: 'no' }),
            ]),
          ]);
        const other = new Y.Doc();
        other.clientID = 202;
        Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
        const otherText = (other.getXmlFragment('default').get(0) as Y.XmlElement).get(
          0,
        ) as Y.XmlText;
        otherText.insert(0, 'Sam: ');
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
        const owners = new Map([
          [101, 'ann'],
          [202, 'pat'],
        ]);
        const outline = documentOutline(doc, null, (client) => owners.get(client) ?? null);
        expect(outline.blocks[0]).toEqual({
          type: 'paragraph',
          runs: [
            { text: 'Sam: ', author: 'pat' },
            { text: 'Heard: [a quote kept within the group].', author: 'ann' },
          ],
        });
        expect(JSON.stringify(outline)).not.toContain('My son read');
      });
    });
  });
});
