import { structuredValues } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type PdsaFix, pdsaFixes } from './pdsaLock.ts';

const VALUES = new Map(Object.entries(structuredValues));

/** A document with one PDSA cycle, watched for what its transactions would have set back. */
function setUp(attributes: Record<string, string> = {}) {
  const doc = new Y.Doc();
  const cycle = new Y.XmlElement('pdsaCycle');
  for (const [key, value] of Object.entries(attributes)) cycle.setAttribute(key, value);
  doc.getXmlFragment('default').insert(0, [cycle]);
  const fixes: Omit<PdsaFix, 'cycle'>[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    for (const { key, value } of pdsaFixes(tr, VALUES)) fixes.push({ key, value });
  });
  return { doc, cycle, fixes };
}

describe('PDSA cycle lock', () => {
  it('lets the prediction change while planning, and the cycle move on with one', () => {
    const { cycle, fixes } = setUp({ stage: 'plan', prediction: 'Fewer missed visits' });
    cycle.setAttribute('prediction', 'Half as many missed visits');
    cycle.setAttribute('stage', 'do');
    cycle.setAttribute('stage', 'act');
    cycle.setAttribute('decision', 'adopt');
    cycle.setAttribute('stage', 'complete');
    expect(fixes).toEqual([]);
  });

  it('sets the prediction back once Do has started, including a removal', () => {
    const { cycle, fixes } = setUp({ stage: 'do', prediction: 'Fewer missed visits' });
    cycle.setAttribute('prediction', 'Exactly what happened');
    expect(fixes).toEqual([{ key: 'prediction', value: 'Fewer missed visits' }]);
    cycle.removeAttribute('prediction');
    // The value before this transaction is the one just written (not yet set back here).
    expect(fixes[1]).toEqual({ key: 'prediction', value: 'Exactly what happened' });
  });

  it('sets back a late prediction typed before the writer saw Do start', () => {
    const server = setUp({ stage: 'plan', prediction: 'Fewer missed visits' });
    const typist = new Y.Doc();
    const lead = new Y.Doc();
    const state = Y.encodeStateAsUpdate(server.doc);
    Y.applyUpdate(typist, state);
    Y.applyUpdate(lead, state);
    const cycleIn = (doc: Y.Doc) => doc.getXmlFragment('default').get(0) as Y.XmlElement;
    const leadBefore = Y.encodeStateVector(lead);
    cycleIn(lead).setAttribute('stage', 'do');
    const typistBefore = Y.encodeStateVector(typist);
    cycleIn(typist).setAttribute('prediction', 'Fewer missed visits, about half');
    Y.applyUpdate(server.doc, Y.encodeStateAsUpdate(lead, leadBefore));
    Y.applyUpdate(server.doc, Y.encodeStateAsUpdate(typist, typistBefore));
    expect(server.fixes).toEqual([{ key: 'prediction', value: 'Fewer missed visits' }]);
  });

  it('sets back a stage moved back, one not known, or left without what it needs', () => {
    const back = setUp({ stage: 'study', prediction: 'p' });
    back.cycle.setAttribute('stage', 'plan');
    back.cycle.setAttribute('stage', 'doing');
    expect(back.fixes).toEqual([
      { key: 'stage', value: 'study' },
      { key: 'stage', value: 'plan' },
    ]);
    const empty = setUp({ stage: 'plan', prediction: ' ' });
    empty.cycle.setAttribute('stage', 'do');
    const undecided = setUp({ stage: 'act', prediction: 'p' });
    undecided.cycle.setAttribute('stage', 'complete');
    expect([...empty.fixes, ...undecided.fixes]).toEqual([
      { key: 'stage', value: 'plan' },
      { key: 'stage', value: 'act' },
    ]);
  });

  it('lets one transaction write the prediction and start Do', () => {
    const { doc, cycle, fixes } = setUp({ stage: 'plan' });
    doc.transact(() => {
      cycle.setAttribute('prediction', 'Fewer missed visits');
      cycle.setAttribute('stage', 'do');
    });
    expect(fixes).toEqual([]);
  });

  it('starts a new cycle at Plan, so a copy or a cycle written again carries no lock', () => {
    const { doc, cycle, fixes } = setUp({ stage: 'do', prediction: 'Fewer missed visits' });
    const fragment = doc.getXmlFragment('default');
    doc.transact(() => {
      fragment.delete(0, 1);
      const again = new Y.XmlElement('pdsaCycle');
      fragment.insert(0, [again]);
      again.setAttribute('stage', 'do');
      again.setAttribute('prediction', 'Rewritten after the test');
    });
    const fresh = new Y.XmlElement('pdsaCycle');
    fresh.setAttribute('stage', 'plan');
    fragment.push([fresh]);
    expect(cycle._item?.deleted).toBe(true);
    expect(fixes).toEqual([{ key: 'stage', value: 'plan' }]);
  });

  it('keeps the decision of a completed cycle', () => {
    const { cycle, fixes } = setUp({ stage: 'complete', prediction: 'p', decision: 'adapt' });
    cycle.setAttribute('decision', '');
    cycle.setAttribute('nextSteps', 'Test again in two clinics');
    expect(fixes).toEqual([{ key: 'decision', value: 'adapt' }]);
  });

  it('keeps a change to the change idea at every stage, its link as its text (neither locks)', () => {
    // What a cycle tests may be reworded or put right after Do, and a rename in the driver
    // diagram follows into linked cycles whatever their stage: only the prediction locks.
    for (const stage of ['do', 'study', 'act', 'complete']) {
      const { doc, cycle, fixes } = setUp({
        stage,
        prediction: 'p',
        decision: 'adopt',
        changeIdea: 'Text reminders',
        changeIdeaId: 'idea-1',
      });
      doc.transact(() => {
        cycle.setAttribute('changeIdea', 'Text reminders two days before');
      });
      cycle.setAttribute('changeIdeaId', 'idea-2');
      doc.transact(() => {
        cycle.setAttribute('changeIdeaId', '');
        cycle.setAttribute('changeIdea', 'Written in the cycle');
      });
      expect(fixes).toEqual([]);
      expect(cycle.getAttribute('changeIdea')).toBe('Written in the cycle');
    }
  });

  it('sets back a link that is not an id, to the link before or to none (content that waited)', () => {
    const { doc, cycle, fixes } = setUp({ stage: 'do', changeIdeaId: 'idea-1' });
    cycle.setAttribute('changeIdeaId', '<img src=x>');
    expect(fixes).toEqual([{ key: 'changeIdeaId', value: 'idea-1' }]);
    // A new cycle (here released with its bad link in the same transaction) gets none.
    const fresh = new Y.XmlElement('pdsaCycle');
    doc.transact(() => {
      fresh.setAttribute('stage', 'plan');
      fresh.setAttribute('changeIdeaId', 'not an id!');
      doc.getXmlFragment('default').push([fresh]);
    });
    expect(fixes[1]).toEqual({ key: 'changeIdeaId', value: '' });
    // A good link, none, or the attribute removed: nothing to set back.
    cycle.setAttribute('changeIdeaId', 'idea-2');
    cycle.setAttribute('changeIdeaId', '');
    cycle.removeAttribute('changeIdeaId');
    expect(fixes).toHaveLength(2);
  });
});
