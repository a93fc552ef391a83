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
  // The driver diagram's change idea the cycle tests, by the idea's own id (see below).
  'changeIdeaId',
  // The run chart of the same document holding the cycle's data, by the chart's id.
  'runChartId',
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

/**
 * A cycle's change idea is either written in the cycle (free text, as every cycle was
 * before links) or linked to a change idea of the document's driver diagram by the idea's
 * `uid`, in `changeIdeaId`. A linked cycle shows the idea's current words, so renaming the
 * idea renames it in every cycle that tests it; `changeIdea` then keeps the last words
 * known, for when the idea is removed from the diagram (and for readers that do not follow
 * links). Neither is locked when Do starts, unlike the prediction: what a cycle tests may
 * be reworded, or put right, at any stage, and a rename in the diagram must follow into a
 * cycle whatever its stage.
 */
export const CHANGE_IDEA_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether a stored `changeIdeaId` is a link (anything else, empty or junk, is none). */
export function isChangeIdeaId(value: unknown): value is string {
  return typeof value === 'string' && CHANGE_IDEA_ID.test(value);
}

/** A change idea of the document's driver diagrams, as a cycle links to it. */
export interface ChangeIdeaRef {
  uid: string;
  label: string;
}

/** What a cycle's change idea is now, and whether it follows the driver diagram. */
export type CycleChangeIdea =
  /** Linked to an idea in the diagram: its current words. */
  | { state: 'linked'; uid: string; text: string }
  /** Linked to an idea since removed from the diagram: the last words known. */
  | { state: 'removed'; uid: string; text: string }
  /** Written in the cycle, not linked (and every cycle from before links). */
  | { state: 'written'; text: string };

/**
 * A cycle's change idea, from its stored `changeIdea` and `changeIdeaId` and the ideas
 * the document's driver diagrams hold now (the first with the uid, as a pasted copy of a
 * diagram repeats its ids).
 */
export function resolveChangeIdea(
  cycle: { changeIdea: unknown; changeIdeaId: unknown },
  ideas: readonly ChangeIdeaRef[],
): CycleChangeIdea {
  const text = typeof cycle.changeIdea === 'string' ? cycle.changeIdea : '';
  if (!isChangeIdeaId(cycle.changeIdeaId)) return { state: 'written', text };
  const uid = cycle.changeIdeaId;
  const idea = ideas.find((i) => i.uid === uid);
  return idea ? { state: 'linked', uid, text: idea.label } : { state: 'removed', uid, text };
}

/** Says that a cycle's linked change idea was removed, with its last words known. */
export function changeIdeaRemovedWords(text: string): string {
  const words = text.trim();
  return words
    ? `The change idea “${words}” was removed from the driver diagram`
    : 'The change idea this cycle tests was removed from the driver diagram';
}

/**
 * The words a cycle should store for its linked change idea, when they are not those the
 * idea has now; null when they are (or the cycle is not linked to an idea in the diagram).
 *
 * A rename in the diagram writes the new words into the cycles linked to it in the same
 * edit, but a rename and a pick that cross (two people at once, or offline) leave the
 * cycle with the words picked: shown through the link, they are right, but they are what
 * the cycle says once the idea is removed. So whoever's page sees a linked cycle whose
 * words differ writes the idea's words, once. Several pages that see it at once write the
 * same words (they come from the same merged document), so they agree, and after that
 * nobody's page sees a difference: there is nothing more to write.
 */
export function linkedWordsToStore(
  cycle: { changeIdea: unknown; changeIdeaId: unknown },
  ideas: readonly ChangeIdeaRef[],
): string | null {
  const idea = resolveChangeIdea(cycle, ideas);
  if (idea.state !== 'linked') return null;
  return cycle.changeIdea === idea.text ? null : idea.text;
}

/**
 * A cycle may link to the run chart (of the same document) where its data are kept, by the
 * chart's `uid`, in `runChartId` (the same form of id as a change idea's). Unlike the
 * prediction it does not lock when Do starts: the data come during Do and after, the chart
 * is often made then, and which chart holds them says nothing about what was expected.
 */
export interface RunChartRef {
  uid: string;
  measure: string;
}

/** The run chart a cycle links to, as the page and the export show it. */
export type CycleRunChart =
  | { state: 'none' }
  | { state: 'linked'; uid: string; measure: string }
  /** Linked to a chart since removed from the document. */
  | { state: 'removed'; uid: string };

/** A cycle's run chart, from its stored `runChartId` and the document's charts now. */
export function resolveRunChart(
  runChartId: unknown,
  charts: readonly RunChartRef[],
): CycleRunChart {
  if (!isChangeIdeaId(runChartId)) return { state: 'none' };
  const chart = charts.find((c) => c.uid === runChartId);
  return chart
    ? { state: 'linked', uid: runChartId, measure: chart.measure }
    : { state: 'removed', uid: runChartId };
}

/** Says that the run chart a cycle linked to was removed. */
export const RUN_CHART_REMOVED = 'The run chart linked to this cycle was removed from the document';

/** A run chart's name in words, as a cycle names it. */
export function runChartName(measure: string): string {
  const words = measure.trim();
  return words ? `Run chart of “${words}”` : 'Run chart of an unnamed measure';
}
