import { z } from 'zod';
import {
  criterionScaleLabels,
  criterionScales,
  evaluationMethods,
  minRationaleLength,
  panelRoles,
  scaleMax,
  scoringPanelRoles,
  toPenny,
} from '../domain/evaluation.ts';
import { idSchema } from './document.ts';

const scoringGroupSchema = z.enum(scoringPanelRoles, {
  error: 'Choose panel groups from the list: evaluators, lay evaluators, finance evaluators.',
});

/**
 * A criterion's or bid's id as the set-up last saved it, so that what refers to it (a bid's
 * documents, say) follows it through later saves; absent for a new one.
 */
const keptIdSchema = idSchema.optional();

const criterionInputSchema = z
  .object({
    id: keptIdSchema,
    title: z
      .string({ error: 'Give every criterion a title.' })
      .trim()
      .min(1, 'Give every criterion a title.')
      .max(200, 'Criterion titles are at most 200 characters.'),
    section: z
      .string({ error: 'A section is a name, or leave it empty.' })
      .trim()
      .max(100, 'A section’s name is at most 100 characters.')
      .default(''),
    scoredBy: z
      .array(scoringGroupSchema, { error: 'Choose which panel groups score the criterion.' })
      .min(
        1,
        'Choose at least one panel group to score the criterion (for price: to see it and the prices).',
      )
      .refine((groups) => new Set(groups).size === groups.length, 'Choose each group once.')
      .default([...scoringPanelRoles]),
    scale: z.enum(criterionScales, { error: 'Choose how the criterion is scored.' }),
    weight: z
      .number({ error: 'Give every criterion a weight, a whole number of per cent.' })
      .int('Weights are whole numbers of per cent.')
      .min(0, 'Weights are from 0% to 100%.')
      .max(100, 'Weights are from 0% to 100%.'),
    threshold: z
      .number({ error: 'A minimum score is a whole number, or leave it empty.' })
      .int('A minimum score is a whole number.')
      .min(0, 'A minimum score is from 0 to 5.')
      .max(5, 'A minimum score is from 0 to 5.')
      .nullable(),
    /** The panel's own descriptor for each level, lowest first; null for the standard ones. */
    descriptors: z
      .array(
        z
          .string({ error: 'Describe each level in words.' })
          .trim()
          .min(1, 'Describe every level, or go back to the standard descriptors.')
          .max(300, 'A level’s descriptor is at most 300 characters.'),
      )
      .nullable()
      .default(null),
  })
  .superRefine((c, ctx) => {
    const levels = scaleMax(c.scale) + 1;
    if (c.scale === 'price' && c.descriptors) {
      ctx.addIssue({
        code: 'custom',
        path: ['descriptors'],
        message: 'A price criterion has no levels to describe: it is scored from the prices.',
      });
    } else if (c.descriptors && c.descriptors.length !== levels) {
      ctx.addIssue({
        code: 'custom',
        path: ['descriptors'],
        message: `A criterion ${criterionScaleLabels[c.scale].toLowerCase()} has ${levels} levels: describe each of them, or go back to the standard descriptors.`,
      });
    }
  });

const bidInputSchema = z.object({
  id: keptIdSchema,
  bidder: z
    .string({ error: 'Give every bid its bidder’s name.' })
    .trim()
    .min(1, 'Give every bid its bidder’s name.')
    .max(200, 'Bidder names are at most 200 characters.'),
  /** The lot bid for, as its place in the set-up's list of lots; null without lots. */
  lot: z
    .number({ error: 'Choose the lot from the list.' })
    .int('Choose the lot from the list.')
    .min(0, 'Choose the lot from the list.')
    .nullable()
    .default(null),
  price: z
    .number({ error: 'A price is an amount in pounds, such as 1250000 or 98500.50.' })
    .positive('A price is more than £0.')
    .max(1e12, 'A price is at most £1,000,000,000,000.')
    // Pounds and pence: anything finer is rounded to the penny.
    .transform(toPenny)
    .nullable()
    .default(null),
  /**
   * With price lines: the bid's unit price for each line, in the order of `priceLines`
   * (null for one not priced yet). The total is worked out from them.
   */
  linePrices: z
    .array(
      z
        .number({ error: 'A line’s price is an amount in pounds, such as 5.50 or 100000.' })
        .min(0, 'A line’s price is £0 or more.')
        .max(1e12, 'A line’s price is at most £1,000,000,000,000.')
        .transform(toPenny)
        .nullable(),
    )
    .max(30, 'A pricing schedule has at most 30 lines.')
    .nullable()
    .default(null),
});

const priceLineInputSchema = z.object({
  id: keptIdSchema,
  name: z
    .string({ error: 'Give every price line a name.' })
    .trim()
    .min(1, 'Give every price line a name, for example “Appointments in the first year”.')
    .max(200, 'Price line names are at most 200 characters.'),
  quantity: z
    .number({ error: 'A quantity is a number, such as 1 or 12000.' })
    .positive('A quantity is more than 0: 1 for a line priced once.')
    .max(1e9, 'A quantity is at most 1,000,000,000.'),
});

const panelMemberInputSchema = z.object({
  userId: z.string().regex(/^[a-z0-9]{16,40}$/, 'Choose panel members from the list.'),
  panelRole: z.enum(panelRoles, { error: 'Choose a panel role from the list.' }),
});

const lotInputSchema = z.object({
  id: keptIdSchema,
  name: z
    .string({ error: 'Give every lot a name.' })
    .trim()
    .min(1, 'Give every lot a name, for example the area it covers.')
    .max(100, 'Lot names are at most 100 characters.'),
});

/** The whole set-up as the chair or an owner saves it; ids are the server's. */
export const evaluationSetupInputSchema = z
  .object({
    lots: z
      .array(lotInputSchema)
      .max(20, 'An evaluation has at most 20 lots.')
      .refine(
        (lots) => new Set(lots.map((l) => l.name.toLowerCase())).size === lots.length,
        'Two lots have the same name. Give each its own.',
      )
      .default([]),
    method: z
      .enum(evaluationMethods, { error: 'Choose how the result is reached: consensus or average.' })
      .default('consensus'),
    anonymous: z
      .boolean({ error: 'Say whether the panel scores without the bidders’ names: true or false.' })
      .default(false),
    criteria: z.array(criterionInputSchema).max(100, 'An evaluation has at most 100 criteria.'),
    bids: z.array(bidInputSchema).max(50, 'An evaluation has at most 50 bids.'),
    priceLines: z
      .array(priceLineInputSchema)
      .max(30, 'A pricing schedule has at most 30 lines.')
      .refine(
        (lines) => new Set(lines.map((l) => l.name.toLowerCase())).size === lines.length,
        'Two price lines have the same name. Give each its own.',
      )
      .default([]),
    panel: z
      .array(panelMemberInputSchema)
      .max(100, 'A panel has at most 100 members.')
      .refine(
        (panel) => new Set(panel.map((m) => m.userId)).size === panel.length,
        'Each person has one panel role. Remove the repeated person.',
      ),
  })
  .superRefine((setup, ctx) => {
    const lines = setup.priceLines.length;
    setup.bids.forEach((b, i) => {
      if (b.lot !== null && b.lot >= setup.lots.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['bids', i, 'lot'],
          message: 'Choose the lot from the list.',
        });
      }
      // With price lines the total is worked out from them, so it is not typed as well.
      if (lines > 0 && b.price !== null) {
        ctx.addIssue({
          code: 'custom',
          path: ['bids', i, 'price'],
          message:
            'With price lines, a bid’s total is worked out from its lines. Leave the total empty and price each line.',
        });
      }
      if (lines === 0 && b.linePrices !== null && b.linePrices.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['bids', i, 'linePrices'],
          message: 'This evaluation has no price lines. Give the bid’s total price instead.',
        });
      }
      if (lines > 0 && b.linePrices !== null && b.linePrices.length !== lines) {
        ctx.addIssue({
          code: 'custom',
          path: ['bids', i, 'linePrices'],
          message: `Give one price for each of the ${lines} price lines, in their order (null for one not priced yet).`,
        });
      }
    });
  });
export type EvaluationSetupInput = z.infer<typeof evaluationSetupInputSchema>;

/** One evaluator's score with its rationale, or an abstention with its reason. */
export const scoreEntryInputSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('score'),
      score: z
        .number({ error: 'Choose a score.' })
        .int('Scores are whole numbers.')
        .min(0, 'Scores start at 0.')
        .max(5, 'Scores are at most 5.'),
      rationale: z
        .string({ error: 'Write a rationale for the score.' })
        .trim()
        .min(
          minRationaleLength,
          `Write a rationale of at least ${minRationaleLength} characters: the strengths and weaknesses you found, with reference to the bid.`,
        )
        .max(5000, 'A rationale is at most 5,000 characters.'),
    }),
    z.object({
      kind: z.literal('abstain'),
      reason: z
        .string({ error: 'Say why you abstain.' })
        .trim()
        .min(5, 'Say why you abstain, in a few words at least.')
        .max(2000, 'A reason is at most 2,000 characters.'),
    }),
  ],
  { error: 'Send a score with its rationale, or an abstention with its reason.' },
);
export type ScoreEntryInput = z.infer<typeof scoreEntryInputSchema>;

export const openModerationInputSchema = z.object({
  overrideReason: z.string().trim().max(2000, 'A reason is at most 2,000 characters.').optional(),
});

/** The panel's agreed score for one bid and criterion during moderation. */
export const agreedScoreInputSchema = z.object({
  score: z
    .number({ error: 'Choose the agreed score.' })
    .int('Scores are whole numbers.')
    .min(0, 'Scores start at 0.')
    .max(5, 'Scores are at most 5.'),
  rationale: z
    .string({ error: 'Write the rationale the panel agreed.' })
    .trim()
    .min(
      minRationaleLength,
      `Write the agreed rationale, at least ${minRationaleLength} characters: the strengths and weaknesses the panel found.`,
    )
    .max(5000, 'A rationale is at most 5,000 characters.'),
  reason: z
    .string()
    .trim()
    .max(2000, 'A reason is at most 2,000 characters.')
    .nullable()
    .default(null),
  /**
   * When the agreed score this replaces was saved (null: there was none), so a stale form
   * cannot silently overwrite a colleague's newer agreed score.
   */
  basedOn: z.number().int().nullable().default(null),
});
export type AgreedScoreInput = z.infer<typeof agreedScoreInputSchema>;

/** A panel member's declaration of interests and confidentiality, made once bidders are known. */
export const declarationInputSchema = z
  .object({
    confidential: z.literal(true, {
      error: 'Confirm that you will keep the bids, scores and discussions confidential.',
    }),
    conflict: z.boolean({ error: 'Say whether you have a conflict of interest.' }),
    /** The lots the conflict concerns (ids); null for all of them or an evaluation without lots. */
    lots: z
      .array(idSchema, { error: 'Choose the lots from the list.' })
      .max(20, 'Choose the lots from the list.')
      .nullable()
      .default(null),
    details: z.string().trim().max(2000, 'Details are at most 2,000 characters.').default(''),
  })
  .refine((d) => !d.conflict || d.details.length >= 10, {
    path: ['details'],
    message:
      'Describe the conflict: which bidder, and your link to it (for example, you used to work there).',
  });
export type DeclarationInput = z.infer<typeof declarationInputSchema>;

/** The chair's exception for a declared conflict, with how it is mitigated. */
export const conflictExceptionInputSchema = z.object({
  mitigation: z
    .string({ error: 'Say how the conflict is mitigated.' })
    .trim()
    .min(10, 'Say how the conflict is mitigated, for example who checks this evaluator’s scores.')
    .max(2000, 'A mitigation is at most 2,000 characters.'),
  /**
   * When the declaration the chair read was made: the exception is for that one, and is
   * refused if the member has declared again since (the chair has not read the new one).
   */
  declaredAt: z
    .number({
      error: 'Say which declaration the exception is for (its declaredAt). Reload the page.',
    })
    .int()
    .nonnegative(),
});

/** An owner appoints a new chair once scoring has started (the previous one left, say). */
export const changeChairInputSchema = z.object({
  userId: z.string().regex(/^[a-z0-9]{16,40}$/, 'Choose the new chair from the list.'),
  reason: z
    .string({ error: 'Say why the chair changes.' })
    .trim()
    .min(5, 'Say why the chair changes, for example that they left the programme.')
    .max(2000, 'A reason is at most 2,000 characters.'),
});

/** The chair starts another moderation round, or reopens a signed-off evaluation to correct it. */
export const startRoundInputSchema = z.object({
  reason: z
    .string({ error: 'Say why another round is needed.' })
    .trim()
    .min(5, 'Say why another round is needed, for example the clarification answers that came in.')
    .max(2000, 'A reason is at most 2,000 characters.'),
});
