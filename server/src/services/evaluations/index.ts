/**
 * Procurement evaluations: who may do what at each stage, and what each person may see.
 * The integrity rules of PRODUCT.md live here (the storage layer makes each guarded write
 * atomic); routes only parse input and call these.
 */
export { allowDeclaredConflict, declareInterests, revealBidderNames } from './declarations.ts';
export { scoresCsv } from './export.ts';
export type { EvaluationActor } from './guards.ts';
export { recordAgreedScore, signOff, startModerationRound } from './moderation.ts';
export { evaluationReport } from './report.ts';
export { openModeration, putScoreEntry, submitScores } from './scoring.ts';
export { changeChair, saveEvaluationSetup, startScoring } from './setup.ts';
export { type EvaluationView, evaluationView } from './view.ts';
