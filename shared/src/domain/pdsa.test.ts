import { describe, expect, it } from 'vitest';
import { pdsaMoveProblem, pdsaPredictionLocked, pdsaStageOf } from './pdsa.ts';

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
