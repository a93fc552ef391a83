import {
  agreedScoreInputSchema,
  changeChairInputSchema,
  conflictExceptionInputSchema,
  declarationInputSchema,
  ErrorId,
  evaluationSetupInputSchema,
  idSchema,
  openModerationInputSchema,
  scoreEntryInputSchema,
  startRoundInputSchema,
} from '@chorus/shared';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../../http/env.ts';
import { parseJson, parseParam } from '../../http/middleware.ts';
import {
  allowDeclaredConflict,
  changeChair,
  declareInterests,
  evaluationReport,
  evaluationView,
  openModeration,
  putScoreEntry,
  recordAgreedScore,
  revealBidderNames,
  saveEvaluationSetup,
  scoresCsv,
  signOff,
  startModerationRound,
  startScoring,
  submitScores,
} from '../../services/evaluations/index.ts';
import { evaluationContext } from './evaluationContext.ts';

const noSuchEntry = new AppError(
  ErrorId.notFound,
  'That bid or criterion is not part of this evaluation. Reload the page.',
);

const noSuchMember = new AppError(
  ErrorId.notFound,
  'That person is not on this panel. Reload the page.',
);

/**
 * A procurement evaluation's scoring, kept out of the shared document: set-up, individual
 * scores (each evaluator sees only their own) and moderation. Rules: services/evaluations/.
 * Each change is audited in the same transaction as it is written (`entry`), with the
 * details its service gives; only the exports, which change nothing, are audited after.
 */
export const evaluationRoutes = new Hono<AppEnv>()
  .get('/:id/evaluation', async (c) => {
    const { storage, document, actor } = await evaluationContext(c);
    return c.json(await evaluationView(storage, document, actor));
  })
  .put('/:id/evaluation/setup', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const input = await parseJson(c, evaluationSetupInputSchema);
    await saveEvaluationSetup(storage, document, actor, input, entry('evaluation.setup_saved'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/start', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    await startScoring(storage, document, actor, entry('evaluation.scoring_started'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .put('/:id/evaluation/scores/:bidId/:criterionId', async (c) => {
    const { storage, document, actor } = await evaluationContext(c);
    const bidId = parseParam(c.req.param('bidId'), idSchema, noSuchEntry);
    const criterionId = parseParam(c.req.param('criterionId'), idSchema, noSuchEntry);
    const input = await parseJson(c, scoreEntryInputSchema);
    await putScoreEntry(storage, document, actor, { ...input, bidId, criterionId });
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/submit', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    await submitScores(storage, document, actor, entry('evaluation.scores_submitted'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/moderation', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const input = await parseJson(c, openModerationInputSchema);
    await openModeration(
      storage,
      document,
      actor,
      input.overrideReason,
      entry('evaluation.moderation_opened'),
    );
    return c.json(await evaluationView(storage, document, actor));
  })
  .put('/:id/evaluation/agreed/:bidId/:criterionId', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const bidId = parseParam(c.req.param('bidId'), idSchema, noSuchEntry);
    const criterionId = parseParam(c.req.param('criterionId'), idSchema, noSuchEntry);
    const { basedOn, ...input } = await parseJson(c, agreedScoreInputSchema);
    await recordAgreedScore(
      storage,
      document,
      actor,
      { ...input, bidId, criterionId },
      basedOn,
      entry('evaluation.score_agreed'),
    );
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/signoff', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    await signOff(storage, document, actor, entry('evaluation.signed_off'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .get('/:id/evaluation/report.docx', async (c) => {
    const { storage, document, actor, audit } = await evaluationContext(c);
    const report = await evaluationReport(storage, document, actor);
    await audit('document.exported', { format: 'docx', what: 'evaluation report' });
    const filename = `${document.title.replace(/[^\p{L}\p{N} _-]+/gu, '').slice(0, 60) || 'evaluation'} - report.docx`;
    return c.body(new Uint8Array(report), 200, {
      'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  })
  .get('/:id/evaluation/scores.csv', async (c) => {
    const { storage, document, actor, audit } = await evaluationContext(c);
    const csv = await scoresCsv(storage, document, actor);
    await audit('document.exported', { format: 'csv', what: 'evaluation scores' });
    const filename = `${document.title.replace(/[^\p{L}\p{N} _-]+/gu, '').slice(0, 60) || 'evaluation'} - scores.csv`;
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  })
  .put('/:id/evaluation/declaration', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const input = await parseJson(c, declarationInputSchema);
    await declareInterests(storage, document, actor, input, entry('evaluation.declared'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/declarations/:userId/exception', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const memberId = parseParam(c.req.param('userId'), idSchema, noSuchMember);
    const input = await parseJson(c, conflictExceptionInputSchema);
    await allowDeclaredConflict(
      storage,
      document,
      actor,
      memberId,
      input.mitigation,
      input.declaredAt,
      entry('evaluation.conflict_exception'),
    );
    return c.json(await evaluationView(storage, document, actor));
  })
  .put('/:id/evaluation/chair', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const input = await parseJson(c, changeChairInputSchema);
    await changeChair(storage, document, actor, input, entry('evaluation.chair_changed'));
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/rounds', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    const input = await parseJson(c, startRoundInputSchema);
    await startModerationRound(
      storage,
      document,
      actor,
      input.reason,
      entry('evaluation.round_started'),
    );
    return c.json(await evaluationView(storage, document, actor));
  })
  .post('/:id/evaluation/names', async (c) => {
    const { storage, document, actor, entry } = await evaluationContext(c);
    await revealBidderNames(storage, document, actor, entry('evaluation.names_revealed'));
    return c.json(await evaluationView(storage, document, actor));
  });
