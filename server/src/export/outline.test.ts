import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { outlineOf } from './outline.ts';

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
});
