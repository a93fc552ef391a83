/**
 * A PDSA (Plan, Do, Study, Act) cycle of the Model for Improvement: a small test of a
 * change idea. Its stages only move forward, and the prediction locks once "Do" starts,
 * so the study compares the result with what the team expected before testing, not with
 * a prediction rewritten afterwards. The server enforces both (see
 * `server/src/sync/pdsaLock.ts`); the page uses the same rules to offer only what is
 * allowed.
 */
export const pdsaStages = ['plan', 'do', 'study', 'act', 'complete'] as const;
export type PdsaStage = (typeof pdsaStages)[number];

export const pdsaDecisions = ['adopt', 'adapt', 'abandon'] as const;
export type PdsaDecision = (typeof pdsaDecisions)[number];

/** The cycle's fields, each an attribute of its element in the Yjs document. */
export const pdsaFields = [
  'title',
  'changeIdea',
  'question',
  'prediction',
  'arrangements',
  'dataPlan',
  'observations',
  'result',
  'decision',
  'nextSteps',
  'stage',
] as const;
export type PdsaField = (typeof pdsaFields)[number];

export const pdsaStageNames: Record<PdsaStage, string> = {
  plan: 'Plan',
  do: 'Do',
  study: 'Study',
  act: 'Act',
  complete: 'Complete',
};

export const pdsaDecisionNames: Record<PdsaDecision, string> = {
  adopt: 'Adopt: make the change part of how we work',
  adapt: 'Adapt: change it and test again',
  abandon: 'Abandon: stop testing this idea',
};

export function isPdsaStage(value: unknown): value is PdsaStage {
  return typeof value === 'string' && (pdsaStages as readonly string[]).includes(value);
}

export function isPdsaDecision(value: unknown): value is PdsaDecision {
  return typeof value === 'string' && (pdsaDecisions as readonly string[]).includes(value);
}

/** A stored stage, read leniently: anything unknown (or missing) counts as "plan". */
export function pdsaStageOf(value: unknown): PdsaStage {
  return isPdsaStage(value) ? value : 'plan';
}

/** What a cycle holds that decides whether it may move on. */
export interface PdsaState {
  stage: PdsaStage;
  prediction: string;
  decision: string;
}

/**
 * Why a cycle may not move from its stage to `to`, in words for the page, or null if it
 * may. Stages go forward only (a later stage may be skipped to, as a team that studied
 * on the spot may go straight to Act); leaving Plan needs a prediction, and completing
 * needs a decision.
 */
export function pdsaMoveProblem(cycle: PdsaState, to: PdsaStage): string | null {
  const from = pdsaStages.indexOf(cycle.stage);
  const target = pdsaStages.indexOf(to);
  if (target <= from) {
    return `The cycle is at ${pdsaStageNames[cycle.stage]}; stages only move forward.`;
  }
  if (cycle.stage === 'plan' && cycle.prediction.trim() === '') {
    return 'Write the prediction first: what do you expect to happen, and why?';
  }
  if (to === 'complete' && !isPdsaDecision(cycle.decision)) {
    return 'Choose whether to adopt, adapt or abandon the change first.';
  }
  return null;
}

/** Whether the prediction can still be changed (only while planning). */
export function pdsaPredictionLocked(stage: PdsaStage): boolean {
  return stage !== 'plan';
}
