import { z } from 'zod';
import { idSchema } from './document.ts';

/** Comment text: what a person wrote, trimmed; a comment is a note, not a document. */
export const commentBodySchema = z
  .string({ error: 'Write your comment.' })
  .trim()
  .min(1, 'Write your comment before sending it.')
  .max(5_000, 'Comments are at most 5,000 characters. Split a long one into replies.');

/** Members mentioned in a comment, by account id. */
export const mentionsSchema = z
  .array(idSchema, { error: 'Mentions must be a list of members.' })
  .max(20, 'Mention at most 20 people in one comment.')
  .default([]);

/**
 * A Yjs relative position as `Y.encodeRelativePosition` writes it, in base64. A real one
 * is a few dozen bytes; the cap keeps junk out of storage.
 */
export const anchorPositionSchema = z
  .string({ error: 'Select the text to comment on.' })
  .max(400, 'The place you commented on could not be read. Select the text again.')
  .regex(
    /^[A-Za-z0-9+/]+={0,2}$/,
    'The place you commented on could not be read. Select the text again.',
  );

const anchorSchema = z.object(
  { start: anchorPositionSchema, end: anchorPositionSchema },
  { error: 'Select the text to comment on.' },
);

/** The selected text, shown with the thread (and kept if the text is later deleted). */
const quoteSchema = z
  .string({ error: 'Select the text to comment on.' })
  .trim()
  .min(1, 'Select some text to comment on.')
  .max(1_000, 'Select at most 1,000 characters to comment on, or comment on a shorter part.');

export const createThreadSchema = z.object(
  { anchor: anchorSchema, quote: quoteSchema, body: commentBodySchema, mentions: mentionsSchema },
  { error: 'Send a JSON object with the anchor, the quote and the body of the comment.' },
);
export type CreateThreadInput = z.infer<typeof createThreadSchema>;

/**
 * How a suggestion's quote writes the end of one paragraph and the start of the next, when
 * its words span paragraphs (as ProseMirror's `textBetween(from, to, '\n')` does): one per
 * paragraph or heading boundary, so an empty paragraph between two others adds one more.
 * A quote that is only this joins two paragraphs.
 */
export const PARAGRAPH_BREAK = '\n';

/** A quote's paragraphs, to show each on its own line (one, for words of one paragraph). */
export const quoteParagraphs = (quote: string): string[] => quote.split(PARAGRAPH_BREAK);

/** A quote on one line, for a sentence: each paragraph break written as a pilcrow. */
export const spokenQuote = (quote: string): string => quoteParagraphs(quote).join(' ¶ ');

/**
 * The words a suggestion would replace ('' for words to add), kept exactly, with a
 * `PARAGRAPH_BREAK` at each paragraph's end when they span paragraphs.
 */
const suggestedQuoteSchema = z
  .string({ error: 'Select the words you want to change.' })
  .max(1_000, 'Select at most 1,000 characters to change, or suggest a shorter change.')
  // Paragraph breaks are written one way only, so the server can compare it exactly.
  .refine((q) => !q.includes('\r'), {
    message:
      'The quote must write each paragraph break as a line feed (\\n), not a carriage return. Select the words again.',
  });

/** The words a suggestion proposes. Not trimmed: spaces at either end are part of them. */
const suggestedTextSchema = z
  .string({ error: 'Write what the selected words should become.' })
  .max(5_000, 'A suggestion is at most 5,000 characters. Suggest a shorter change.')
  .refine((t) => !/[\r\n]/.test(t), {
    message:
      'The new words cannot contain a line break: a suggestion replaces the selected words, even across paragraphs, with words of one paragraph. Suggest a new paragraph in a comment.',
  })
  // Invisible control and direction characters would make the words shown to the
  // editor differ from the words written under the suggester's name.
  .refine((t) => !/[\p{Cc}\p{Cf}\p{Cs}\uFFFE\uFFFF]/u.test(t), {
    message:
      'The suggestion contains an invisible control or direction character. Type the words again without pasting them.',
  });

/** What makes a proposal a change: something to replace or add, and not the same words. */
function proposingAChange<T extends z.ZodType<{ quote: string; text: string }>>(schema: T): T {
  return schema
    .refine((s) => s.quote !== '' || s.text !== '', {
      message:
        'Select the words you want to change, or type the words you want to add where they should go.',
      path: ['text'],
    })
    .refine((s) => s.quote === '' || s.text !== s.quote, {
      message: 'The suggestion is the same as the words it would replace. Change the words first.',
      path: ['text'],
    });
}

/**
 * A suggested edit: the selected words and what they should become. A note saying why is
 * optional. An empty quote is an insertion: both anchors are the one place the words would
 * go (typed there in suggesting mode).
 */
export const createSuggestionSchema = proposingAChange(
  z.object(
    {
      anchor: anchorSchema,
      // The quote is checked against the document's words, so it is kept exactly.
      quote: suggestedQuoteSchema,
      text: suggestedTextSchema,
      note: z
        .string({ error: 'The note must be text.' })
        .trim()
        .max(5_000, 'Notes are at most 5,000 characters.')
        .default(''),
    },
    { error: 'Send a JSON object with the anchor, the quote and the suggested text.' },
  ),
);
export type CreateSuggestionInput = z.infer<typeof createSuggestionSchema>;

/**
 * A suggestion as the page showed it (its anchor, quote and words, as listed), so that a
 * decision or revision applies to exactly that one and not to a later revision of it.
 */
const suggestionAsReadSchema = z.object(
  {
    anchor: anchorSchema,
    quote: z.string({ error: 'Send the suggestion’s quote as listed.' }).max(1_000),
    text: z.string({ error: 'Send the suggestion’s words as listed.' }).max(5_000),
  },
  {
    error:
      'Send the suggestion as it was listed (its anchor, quote and text), or reload the comments.',
  },
);

export const decideSuggestionSchema = z.object(
  {
    outcome: z.enum(['accepted', 'rejected'], {
      error: 'Say whether the suggestion is accepted or rejected.',
    }),
    /** The suggestion as the decider saw it; refused (409) if its suggester revised it since. */
    as: suggestionAsReadSchema.optional(),
  },
  { error: 'Send a JSON object with outcome: "accepted" or "rejected".' },
);

/**
 * Its suggester's revision of an open suggestion: more words typed at the same place in
 * suggesting mode are merged into it, as Google Docs does, instead of starting another.
 * `was` is the suggestion as the page read it, so a revision never overwrites a decision
 * or another revision made meanwhile.
 */
export const reviseSuggestionSchema = proposingAChange(
  z.object(
    {
      anchor: anchorSchema,
      quote: suggestedQuoteSchema,
      text: suggestedTextSchema,
      was: suggestionAsReadSchema,
    },
    {
      error:
        'Send a JSON object with the anchor, the quote, the suggested text and the suggestion as it was (was).',
    },
  ),
);
export type ReviseSuggestionInput = z.infer<typeof reviseSuggestionSchema>;

/**
 * Its suggester withdraws an open suggestion (suggesting mode, when its words are taken
 * back to nothing), as the page read it: one accepted or revised meanwhile is not withdrawn.
 */
export const withdrawSuggestionSchema = z.object(
  { as: suggestionAsReadSchema },
  { error: 'Send a JSON object with the suggestion as it was listed (as).' },
);

export const commentTextSchema = z.object(
  { body: commentBodySchema, mentions: mentionsSchema },
  { error: 'Send a JSON object with the body of the comment.' },
);
export type CommentTextInput = z.infer<typeof commentTextSchema>;

export const resolveThreadSchema = z.object(
  { resolved: z.boolean({ error: 'Say whether the thread is resolved (true) or open (false).' }) },
  { error: 'Send a JSON object with resolved: true or false.' },
);

/** A comment as the API shows it: the author as they chose to be credited. */
export interface CommentView {
  id: string;
  authorId: string;
  authorName: string;
  roleLabel: string;
  color: string;
  body: string;
  mentions: { id: string; name: string }[];
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
}

export interface CommentThreadView {
  id: string;
  anchor: { start: string; end: string };
  quote: string;
  createdAt: string;
  resolved: { byName: string; at: string } | null;
  /**
   * Set when the thread suggests replacing its quote with `text` ('' deletes it). A quote
   * spanning paragraphs has a `PARAGRAPH_BREAK` at each paragraph's end.
   */
  suggestion: {
    text: string;
    outcome: 'accepted' | 'rejected' | null;
    decided: { byName: string; at: string } | null;
  } | null;
  comments: CommentView[];
}
