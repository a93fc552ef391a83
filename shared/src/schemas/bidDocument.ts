import { z } from 'zod';
import { bidDocumentKinds } from '../domain/bidDocuments.ts';
import { scoringPanelRoles } from '../domain/evaluation.ts';

/**
 * Questions and answers keep line breaks and tabs; other control, format and direction
 * characters would make what the panel reads differ from what was recorded.
 */
const hiddenCharacters = /[\p{Cs}\uFFFE\uFFFF\p{Cf}]|(?![\t\n])\p{Cc}/u;
const hiddenMessage = (what: string) =>
  `The ${what} contains an invisible control or text-direction character. Type it again, or paste it as plain text.`;

const clarificationText = (what: string, min: number, max: number, example: string) =>
  z
    .string({ error: `Write the ${what}.` })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(min, `Write the ${what}, at least ${min} characters: ${example}`)
        .max(max, `The ${what} is at most ${max.toLocaleString('en-GB')} characters. Shorten it.`)
        .refine((s) => !hiddenCharacters.test(s), hiddenMessage(what)),
    );

/** A panel member's clarification question to a bidder about their bid. */
export const clarificationQuestionInputSchema = z.object(
  {
    question: clarificationText(
      'question',
      10,
      2000,
      'what you need the bidder to explain, with reference to their bid.',
    ),
  },
  { error: 'Send a JSON object with the question.' },
);
export type ClarificationQuestionInput = z.infer<typeof clarificationQuestionInputSchema>;

/** A date as YYYY-MM-DD (what a date input gives), a real calendar day. */
const calendarDay = z
  .string({ error: 'Give the date the answer came, such as 2026-03-14.' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Give the date the answer came as a date, such as 2026-03-14.')
  .refine((d) => {
    const parsed = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(d);
  }, 'That date does not exist. Check the day and the month.');

/**
 * The bidder's answer as the chair records it, and the day it came. Correcting an answer
 * already recorded names the one it replaces (`replaces`, so a stale form cannot overwrite
 * a colleague's newer record) and says why; the earlier text stays on record.
 */
export const clarificationAnswerInputSchema = z
  .object(
    {
      answer: clarificationText('bidder’s answer', 2, 10000, 'the bidder’s reply as they sent it.'),
      receivedOn: calendarDay,
      replaces: z.string().max(40).nullable().default(null),
      reason: z
        .string({ error: 'Say why the answer is corrected.' })
        .transform((s) => s.trim())
        .pipe(
          z
            .string()
            .max(1000, 'A reason is at most 1,000 characters.')
            .refine((s) => !hiddenCharacters.test(s), hiddenMessage('reason')),
        )
        .default(''),
    },
    { error: 'Send a JSON object with the answer and the date it came.' },
  )
  .refine((a) => a.replaces === null || a.reason.length >= 5, {
    path: ['reason'],
    message:
      'Say why the recorded answer is corrected, for example that it was copied wrongly. The earlier text stays on record.',
  });
export type ClarificationAnswerInput = z.infer<typeof clarificationAnswerInputSchema>;

/**
 * Which scoring groups may open a bid's file, as the `X-Seen-By` header of its upload
 * carries it: a comma-separated list; absent or empty for every group.
 */
export const seenByHeaderSchema = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return null;
    const groups = raw.split(',').map((g) => g.trim());
    const known = scoringPanelRoles.filter((g) => groups.includes(g));
    if (known.length !== groups.length) {
      ctx.addIssue({
        code: 'custom',
        message:
          'Say who may open the file in X-Seen-By as panel groups separated by commas: evaluator, lay_evaluator, finance_evaluator.',
      });
      return z.NEVER;
    }
    return known;
  });

const bidDocumentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The scoring groups who may open it (null: every group); sent to those who set it up. */
  seenBy: z.array(z.enum(scoringPanelRoles)).nullable().optional(),
  kind: z.enum(bidDocumentKinds),
  size: z.number(),
  sha256: z.string(),
  uploadedByName: z.string(),
  uploadedAt: z.number(),
});
export type BidDocumentView = z.infer<typeof bidDocumentViewSchema>;

const clarificationAnswerViewSchema = z.object({
  id: z.string(),
  answer: z.string(),
  receivedOn: z.string(),
  recordedByName: z.string(),
  recordedAt: z.number(),
  /** Why this answer replaced the one before it ('' for the first). */
  reason: z.string(),
});
export type ClarificationAnswerView = z.infer<typeof clarificationAnswerViewSchema>;

const clarificationViewSchema = z.object({
  id: z.string(),
  question: z.string(),
  askedByName: z.string(),
  askedAt: z.number(),
  /** Every answer recorded, oldest first: the last is the current one, the others corrected. */
  answers: z.array(clarificationAnswerViewSchema),
});
export type ClarificationView = z.infer<typeof clarificationViewSchema>;

/** Each bid with its documents and clarifications, and what the caller may do with them. */
export const bidsViewSchema = z.object({
  bids: z.array(
    z.object({
      bidId: z.string(),
      bidder: z.string(),
      documents: z.array(bidDocumentViewSchema),
      clarifications: z.array(clarificationViewSchema),
    }),
  ),
  me: z.object({
    /** Add and remove documents: managers, while setting up. */
    canChangeDocuments: z.boolean(),
    /** Ask clarification questions: from the start of scoring until sign-off. */
    canAsk: z.boolean(),
    /** Record bidders' answers: the chair or an owner, in the same stages. */
    canAnswer: z.boolean(),
  }),
});
export type BidsView = z.infer<typeof bidsViewSchema>;
