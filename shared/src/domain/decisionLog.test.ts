import { describe, expect, it } from 'vitest';
import { describeDecisions } from './decisionLog.ts';

describe('decision log', () => {
  it('says how many decisions do not yet say what evidence they rest on', () => {
    expect(describeDecisions([])).toBe('No decisions recorded yet.');
    expect(describeDecisions([{ decision: 'a', basis: 'Quote 1' }])).toBe(
      '1 decision; each says what evidence it rests on.',
    );
    expect(
      describeDecisions([
        { decision: 'a', basis: ' ' },
        { decision: 'b', basis: '' },
        { decision: 'c', basis: 'x' },
      ]),
    ).toBe('3 decisions; 2 do not say what evidence they rest on yet.');
    // A decision linked to a piece of the document's evidence rests on it.
    expect(describeDecisions([{ decision: 'a', basis: '', linked: 1 }])).toBe(
      '1 decision; each says what evidence it rests on.',
    );
  });
});
