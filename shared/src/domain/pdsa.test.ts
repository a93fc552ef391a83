import { describe, expect, it } from 'vitest';
import {
  changeIdeaRemovedWords,
  isChangeIdeaId,
  linkedWordsToStore,
  pdsaMoveProblem,
  pdsaPredictionLocked,
  pdsaStageOf,
  resolveChangeIdea,
  resolveRunChart,
  runChartName,
} from './pdsa.ts';

const cycle = (
  stage: 'plan' | 'do' | 'study' | 'act',
  prediction = 'Fewer missed visits',
  decision = '',
) => ({
  stage,
  prediction,
  decision,
});

describe('PDSA cycle rules', () => {
  it('moves forward only, and may skip a stage', () => {
    expect(pdsaMoveProblem(cycle('plan'), 'do')).toBeNull();
    expect(pdsaMoveProblem(cycle('do'), 'act')).toBeNull();
    expect(pdsaMoveProblem(cycle('study'), 'do')).toMatch(/only move forward/);
    expect(pdsaMoveProblem(cycle('do'), 'do')).toMatch(/only move forward/);
  });

  it('needs a prediction to leave Plan, and a decision to complete', () => {
    expect(pdsaMoveProblem(cycle('plan', '  '), 'do')).toMatch(/Write the prediction first/);
    expect(pdsaMoveProblem(cycle('act'), 'complete')).toMatch(/adopt, adapt or abandon/);
    expect(pdsaMoveProblem(cycle('act', 'x', 'maybe'), 'complete')).toMatch(/adopt, adapt/);
    expect(pdsaMoveProblem(cycle('act', 'x', 'adapt'), 'complete')).toBeNull();
  });

  it('locks the prediction from Do on, and reads an unknown stage as Plan', () => {
    expect(pdsaPredictionLocked('plan')).toBe(false);
    expect(pdsaPredictionLocked('do')).toBe(true);
    expect(pdsaPredictionLocked('complete')).toBe(true);
    expect(pdsaStageOf('studying')).toBe('plan');
    expect(pdsaStageOf(undefined)).toBe('plan');
    expect(pdsaStageOf('act')).toBe('act');
  });
});

describe('a cycle’s change idea, linked to the driver diagram', () => {
  const ideas = [
    { uid: 'idea-1', label: 'Text reminders two days before' },
    { uid: 'idea-2', label: 'Easy rebooking line' },
  ];

  it('shows the linked idea’s current words, not the words stored when it was picked', () => {
    expect(
      resolveChangeIdea({ changeIdea: 'Text reminders', changeIdeaId: 'idea-1' }, ideas),
    ).toEqual({ state: 'linked', uid: 'idea-1', text: 'Text reminders two days before' });
  });

  it('keeps the last words known when the idea was removed, and says so', () => {
    const removed = resolveChangeIdea(
      { changeIdea: 'Letters in large print', changeIdeaId: 'idea-9' },
      ideas,
    );
    expect(removed).toEqual({ state: 'removed', uid: 'idea-9', text: 'Letters in large print' });
    expect(changeIdeaRemovedWords(removed.text)).toBe(
      'The change idea “Letters in large print” was removed from the driver diagram',
    );
    expect(changeIdeaRemovedWords(' ')).toBe(
      'The change idea this cycle tests was removed from the driver diagram',
    );
  });

  it('reads a cycle with text only (from before links, or written) as written text', () => {
    expect(
      resolveChangeIdea({ changeIdea: 'Text reminders', changeIdeaId: undefined }, ideas),
    ).toEqual({ state: 'written', text: 'Text reminders' });
    expect(resolveChangeIdea({ changeIdea: 'Own words', changeIdeaId: '' }, ideas)).toEqual({
      state: 'written',
      text: 'Own words',
    });
    expect(resolveChangeIdea({ changeIdea: 7, changeIdeaId: null }, ideas)).toEqual({
      state: 'written',
      text: '',
    });
  });

  it('treats anything that is not an id as no link', () => {
    for (const junk of ['idea 1', 'x'.repeat(65), '<b>', 42, { uid: 'idea-1' }]) {
      expect(isChangeIdeaId(junk)).toBe(false);
      expect(resolveChangeIdea({ changeIdea: 'Mine', changeIdeaId: junk }, ideas).state).toBe(
        'written',
      );
    }
    expect(isChangeIdeaId('0f8b7c1e-2d3a-4b5c-9d6e-7f8091a2b3c4')).toBe(true);
  });
});

describe('the words a linked cycle stores', () => {
  const ideas = [{ uid: 'idea-1', label: 'Texts two days before' }];
  it('are the idea’s words when they differ, and nothing to write when they agree', () => {
    expect(
      linkedWordsToStore({ changeIdea: 'Text reminders', changeIdeaId: 'idea-1' }, ideas),
    ).toBe('Texts two days before');
    expect(
      linkedWordsToStore({ changeIdea: 'Texts two days before', changeIdeaId: 'idea-1' }, ideas),
    ).toBeNull();
  });
  it('are left alone for a cycle not linked, linked to a removed idea, or holding junk', () => {
    expect(linkedWordsToStore({ changeIdea: 'Mine', changeIdeaId: '' }, ideas)).toBeNull();
    expect(
      linkedWordsToStore({ changeIdea: 'Last words', changeIdeaId: 'idea-9' }, ideas),
    ).toBeNull();
    expect(linkedWordsToStore({ changeIdea: 'Mine', changeIdeaId: '<b>' }, ideas)).toBeNull();
  });
});

describe('a cycle’s run chart', () => {
  const charts = [{ uid: 'chart-1', measure: 'Missed appointments (%)' }];
  it('is the chart linked, one since removed, or none (junk is none)', () => {
    expect(resolveRunChart('chart-1', charts)).toEqual({
      state: 'linked',
      uid: 'chart-1',
      measure: 'Missed appointments (%)',
    });
    expect(resolveRunChart('chart-2', charts)).toEqual({ state: 'removed', uid: 'chart-2' });
    expect(resolveRunChart('', charts)).toEqual({ state: 'none' });
    expect(resolveRunChart('<b>x</b>', charts)).toEqual({ state: 'none' });
    expect(resolveRunChart(undefined, charts)).toEqual({ state: 'none' });
  });
  it('is named by its measure', () => {
    expect(runChartName(' Missed appointments ')).toBe('Run chart of “Missed appointments”');
    expect(runChartName('')).toBe('Run chart of an unnamed measure');
  });
});
