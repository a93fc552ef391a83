import {
  type agreedScoreInputSchema,
  criterionScales,
  type DeclarationInput,
  type EvaluationSetupInput,
  evaluationMethods,
  evaluationStates,
  panelRoles,
  type ScoreEntryInput,
  scoringPanelRoles,
} from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const entryFields = { bidId: z.string(), criterionId: z.string() };
const scoreEntrySchema = z.discriminatedUnion('kind', [
  z.object({ ...entryFields, kind: z.literal('score'), score: z.number(), rationale: z.string() }),
  z.object({ ...entryFields, kind: z.literal('abstain'), reason: z.string() }),
]);

const criterionResultSchema = z.object({
  criterionId: z.string(),
  scores: z.array(z.number()),
  abstentions: z.number(),
  average: z.number().nullable(),
  disagreement: z.boolean(),
  belowThreshold: z.boolean(),
});

const agreedScoreSchema = z.object({
  round: z.number(),
  bidId: z.string(),
  criterionId: z.string(),
  score: z.number(),
  rationale: z.string(),
  reason: z.string().nullable(),
  agreedByName: z.string(),
  agreedAt: z.number(),
});

const bidResultSchema = z.object({
  bidId: z.string(),
  lotId: z.string().nullable(),
  criteria: z.array(criterionResultSchema),
  total: z.number(),
  failures: z.array(z.string()),
  unscored: z.array(z.string()),
  rank: z.number().nullable(),
});
export type BidResultView = z.infer<typeof bidResultSchema>;

const evaluationViewSchema = z.object({
  evaluation: z.object({
    state: z.enum(evaluationStates),
    setup: z.object({
      method: z.enum(evaluationMethods).optional(),
      anonymous: z.boolean().optional(),
      lots: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
      // The pricing schedule comes, like the prices, only to those who see price.
      priceLines: z
        .array(z.object({ id: z.string(), name: z.string(), quantity: z.number() }))
        .optional(),
      criteria: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          section: z.string().optional(),
          scoredBy: z.array(z.enum(scoringPanelRoles)).nullish(),
          scale: z.enum(criterionScales),
          weight: z.number(),
          threshold: z.number().nullable(),
          descriptors: z.array(z.string()).nullish(),
        }),
      ),
      // A price comes only to those who see the price criterion.
      bids: z.array(
        z.object({
          id: z.string(),
          bidder: z.string(),
          lotId: z.string().nullish(),
          price: z.number().nullish(),
          linePrices: z.record(z.string(), z.number()).nullish(),
        }),
      ),
    }),
    panel: z.array(
      z.object({ userId: z.string(), name: z.string(), panelRole: z.enum(panelRoles) }),
    ),
    overrideReason: z.string().nullable(),
    round: z.number(),
    namesRevealedAt: z.number().nullable(),
    submitted: z.array(z.string()),
    declarations: z.array(
      z.object({
        userId: z.string(),
        name: z.string(),
        conflict: z.boolean(),
        details: z.string(),
        lots: z.array(z.string()).nullish(),
        declaredAt: z.number(),
        firstDeclaredAt: z.number().optional(),
        exception: z.object({ mitigation: z.string(), by: z.string(), at: z.number() }).nullable(),
        /** Every declaration the member made, oldest first; the last is the one above. */
        history: z.array(
          z.object({
            userId: z.string(),
            confidential: z.boolean(),
            conflict: z.boolean(),
            details: z.string(),
            lots: z.array(z.string()).nullable(),
            declaredAt: z.number(),
            exception: z
              .object({ mitigation: z.string(), by: z.string(), at: z.number() })
              .nullable(),
          }),
        ),
      }),
    ),
    problems: z.array(z.string()),
  }),
  me: z.object({
    userId: z.string(),
    panelRole: z.enum(panelRoles).nullable(),
    canManage: z.boolean(),
    canScore: z.boolean(),
    seesEverything: z.boolean(),
    submitted: z.boolean(),
    clear: z.boolean(),
    blockedLots: z.array(z.string()),
    mustDeclareAgain: z.boolean(),
  }),
  myEntries: z.array(scoreEntrySchema),
  moderation: z
    .object({
      entries: z.array(z.intersection(scoreEntrySchema, z.object({ userId: z.string() }))),
      criterionResults: z.array(
        z.object({ bidId: z.string(), criteria: z.array(criterionResultSchema) }),
      ),
      results: z.array(bidResultSchema).nullable(),
      agreed: z.array(agreedScoreSchema),
      finalResults: z.array(bidResultSchema).nullable(),
      earlier: z.array(agreedScoreSchema),
      rounds: z.array(
        z.object({
          round: z.number(),
          reason: z.string(),
          startedByName: z.string(),
          startedAt: z.number(),
          afterSignOff: z.boolean(),
        }),
      ),
    })
    .nullable(),
  candidates: z.array(z.object({ userId: z.string(), name: z.string() })),
});
export type EvaluationView = z.infer<typeof evaluationViewSchema>;
export type ViewEntry = z.infer<typeof scoreEntrySchema>;

const evaluationPath = (documentId: string) =>
  `/documents/${encodeURIComponent(documentId)}/evaluation`;

export function getEvaluation(documentId: string): Promise<EvaluationView> {
  return api('GET', evaluationPath(documentId), undefined, evaluationViewSchema);
}

export function saveSetup(
  documentId: string,
  input: EvaluationSetupInput,
): Promise<EvaluationView> {
  return api('PUT', `${evaluationPath(documentId)}/setup`, input, evaluationViewSchema);
}

export function startScoring(documentId: string): Promise<EvaluationView> {
  return api('POST', `${evaluationPath(documentId)}/start`, {}, evaluationViewSchema);
}

export function saveEntry(
  documentId: string,
  bidId: string,
  criterionId: string,
  input: ScoreEntryInput,
): Promise<EvaluationView> {
  return api(
    'PUT',
    `${evaluationPath(documentId)}/scores/${encodeURIComponent(bidId)}/${encodeURIComponent(criterionId)}`,
    input,
    evaluationViewSchema,
  );
}

export function submitScores(documentId: string): Promise<EvaluationView> {
  return api('POST', `${evaluationPath(documentId)}/submit`, {}, evaluationViewSchema);
}

export function openModeration(
  documentId: string,
  overrideReason: string | undefined,
): Promise<EvaluationView> {
  return api(
    'POST',
    `${evaluationPath(documentId)}/moderation`,
    overrideReason ? { overrideReason } : {},
    evaluationViewSchema,
  );
}

export function saveAgreed(
  documentId: string,
  bidId: string,
  criterionId: string,
  input: z.input<typeof agreedScoreInputSchema>,
): Promise<EvaluationView> {
  return api(
    'PUT',
    `${evaluationPath(documentId)}/agreed/${encodeURIComponent(bidId)}/${encodeURIComponent(criterionId)}`,
    input,
    evaluationViewSchema,
  );
}

export function signOff(documentId: string): Promise<EvaluationView> {
  return api('POST', `${evaluationPath(documentId)}/signoff`, {}, evaluationViewSchema);
}

/** Where the browser downloads every score as CSV (once moderation has opened). */
export const scoresCsvUrl = (documentId: string) => `/api${evaluationPath(documentId)}/scores.csv`;

/** Where the browser downloads the evaluation report as a Word document. */
export const reportDocxUrl = (documentId: string) =>
  `/api${evaluationPath(documentId)}/report.docx`;

export function declare(documentId: string, input: DeclarationInput): Promise<EvaluationView> {
  return api('PUT', `${evaluationPath(documentId)}/declaration`, input, evaluationViewSchema);
}

/** An exception for the conflict in the member's declaration made at `declaredAt`. */
export function allowConflict(
  documentId: string,
  userId: string,
  mitigation: string,
  declaredAt: number,
): Promise<EvaluationView> {
  return api(
    'POST',
    `${evaluationPath(documentId)}/declarations/${encodeURIComponent(userId)}/exception`,
    { mitigation, declaredAt },
    evaluationViewSchema,
  );
}

export function changeChair(
  documentId: string,
  userId: string,
  reason: string,
): Promise<EvaluationView> {
  return api(
    'PUT',
    `${evaluationPath(documentId)}/chair`,
    { userId, reason },
    evaluationViewSchema,
  );
}

export function revealNames(documentId: string): Promise<EvaluationView> {
  return api('POST', `${evaluationPath(documentId)}/names`, {}, evaluationViewSchema);
}

export function startRound(documentId: string, reason: string): Promise<EvaluationView> {
  return api('POST', `${evaluationPath(documentId)}/rounds`, { reason }, evaluationViewSchema);
}
