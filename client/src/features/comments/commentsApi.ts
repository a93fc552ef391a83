import type { CommentThreadView } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

const commentSchema = z.object({
  id: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  roleLabel: z.string(),
  color: z.string(),
  body: z.string(),
  mentions: z.array(z.object({ id: z.string(), name: z.string() })),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
});

const threadSchema = z.object({
  id: z.string(),
  anchor: z.object({ start: z.string(), end: z.string() }),
  quote: z.string(),
  createdAt: z.string(),
  resolved: z.object({ byName: z.string(), at: z.string() }).nullable(),
  suggestion: z
    .object({
      text: z.string(),
      outcome: z.enum(['accepted', 'rejected']).nullable(),
      decided: z.object({ byName: z.string(), at: z.string() }).nullable(),
    })
    .nullable(),
  comments: z.array(commentSchema),
}) satisfies z.ZodType<CommentThreadView>;

export type CommentThread = z.infer<typeof threadSchema>;
export type ThreadComment = CommentThread['comments'][number];

const base = (documentId: string) => `/documents/${encodeURIComponent(documentId)}`;

const personSchema = z.object({ id: z.string(), name: z.string() });
export type Mentionable = z.infer<typeof personSchema>;

/** The threads, and the people who can read the document (whom a comment may mention). */
export async function listThreads(
  documentId: string,
): Promise<{ threads: CommentThread[]; mentionable: Mentionable[] }> {
  return api(
    'GET',
    `${base(documentId)}/threads`,
    undefined,
    z.object({ threads: z.array(threadSchema), mentionable: z.array(personSchema) }),
  );
}

export interface CommentText {
  body: string;
  mentions: string[];
}

export async function openThread(
  documentId: string,
  input: CommentText & { anchor: { start: string; end: string }; quote: string },
): Promise<string> {
  return (await api('POST', `${base(documentId)}/threads`, input, z.object({ id: z.string() }))).id;
}

export async function replyTo(
  documentId: string,
  threadId: string,
  input: CommentText,
): Promise<void> {
  await api('POST', `${base(documentId)}/threads/${encodeURIComponent(threadId)}/replies`, input);
}

export async function setResolved(
  documentId: string,
  threadId: string,
  resolved: boolean,
): Promise<void> {
  await api('PUT', `${base(documentId)}/threads/${encodeURIComponent(threadId)}/resolved`, {
    resolved,
  });
}

export async function editComment(
  documentId: string,
  commentId: string,
  input: CommentText,
): Promise<void> {
  await api('PATCH', `${base(documentId)}/comments/${encodeURIComponent(commentId)}`, input);
}

export async function deleteComment(documentId: string, commentId: string): Promise<void> {
  await api('DELETE', `${base(documentId)}/comments/${encodeURIComponent(commentId)}`);
}

/** Suggests new words for the selected ones (see `services/suggestions.ts` on the server). */
export async function suggestEdit(
  documentId: string,
  input: { anchor: { start: string; end: string }; quote: string; text: string; note: string },
): Promise<string> {
  return (await api('POST', `${base(documentId)}/suggestions`, input, z.object({ id: z.string() })))
    .id;
}

/** A suggestion as the page lists it: what a decision or a revision was made on. */
export interface SuggestionAsRead {
  anchor: { start: string; end: string };
  quote: string;
  text: string;
}

/**
 * Accepts (the words are written, credited to whoever suggested them) or rejects the
 * suggestion as listed; refused if its suggester has changed it since.
 */
export async function decideSuggestion(
  documentId: string,
  threadId: string,
  outcome: 'accepted' | 'rejected',
  as: SuggestionAsRead,
): Promise<void> {
  await api('PUT', `${base(documentId)}/suggestions/${encodeURIComponent(threadId)}/decision`, {
    outcome,
    as,
  });
}

/** Withdraws one's own open suggestion, as listed; refused if decided or revised since. */
export async function withdrawSuggestion(
  documentId: string,
  threadId: string,
  as: SuggestionAsRead,
): Promise<void> {
  await api('POST', `${base(documentId)}/suggestions/${encodeURIComponent(threadId)}/withdrawal`, {
    as,
  });
}

/** Replaces one's own open suggestion, as listed (`was`), with what it became. */
export async function reviseSuggestion(
  documentId: string,
  threadId: string,
  input: { anchor: { start: string; end: string }; quote: string; text: string },
  was: SuggestionAsRead,
): Promise<void> {
  await api('PUT', `${base(documentId)}/suggestions/${encodeURIComponent(threadId)}`, {
    ...input,
    was,
  });
}
