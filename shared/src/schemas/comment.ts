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

export const createThreadSchema = z.object(
  {
    anchor: z.object(
      { start: anchorPositionSchema, end: anchorPositionSchema },
      { error: 'Select the text to comment on.' },
    ),
    /** The selected text, shown with the thread (and kept if the text is later deleted). */
    quote: z
      .string({ error: 'Select the text to comment on.' })
      .trim()
      .min(1, 'Select some text to comment on.')
      .max(1_000, 'Select at most 1,000 characters to comment on, or comment on a shorter part.'),
    body: commentBodySchema,
    mentions: mentionsSchema,
  },
  { error: 'Send a JSON object with the anchor, the quote and the body of the comment.' },
);
export type CreateThreadInput = z.infer<typeof createThreadSchema>;

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
  comments: CommentView[];
}
