import {
  type CommentTextInput,
  type CommentThreadView,
  type CommentView,
  type CreateThreadInput,
  creditedName,
  ErrorId,
  type ParticipantRole,
} from '@chorus/shared';
import * as Y from 'yjs';
import type { MailConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { scheduleMentionEmails } from '../mail/mentionMailer.ts';
import type {
  CommentRecord,
  CommentThreadRecord,
  Storage,
  SuggestionRecord,
} from '../storage/types.ts';
import { checkDocumentAccess, documentReaders } from './access.ts';
import type { LiveDocuments } from './index.ts';
import { type PersonView, peopleOf } from './people.ts';
import type { PersonNotices } from './personNotices.ts';

/** The person writing, as the route established them. */
export interface Commenter {
  userId: string;
  participantRole: ParticipantRole;
}

export interface Where {
  storage: Storage;
  live: LiveDocuments | null;
  /** Tells people's notification streams that their mentions changed. */
  people: PersonNotices | null;
  /** How mention emails are sent; null or absent: this server sends none. */
  mail?: MailConfig | null;
  documentId: string;
  workspaceId: string;
}

const unreadableAnchor = () =>
  new AppError(
    ErrorId.badRequest,
    'The place you commented on could not be read. Select the text again and add your comment.',
    { anchor: 'Select the text again.' },
  );

/**
 * Checks an anchor sent by a client: it must be a Yjs relative position exactly as
 * `Y.encodeRelativePosition` writes it, and nothing else (Yjs decodes leniently, so the
 * decoded position must encode back to the same bytes).
 */
export function decodeAnchor(base64: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  let again: Uint8Array;
  try {
    again = Y.encodeRelativePosition(Y.decodeRelativePosition(bytes));
  } catch {
    throw unreadableAnchor();
  }
  if (Buffer.compare(again, bytes) !== 0) throw unreadableAnchor();
  return bytes;
}

const noSuchThread = () =>
  new AppError(
    ErrorId.notFound,
    'That comment thread does not exist in this document. It may have been deleted: reload the comments.',
  );

const noSuchComment = () =>
  new AppError(
    ErrorId.notFound,
    'That comment does not exist in this document. It may have been deleted: reload the comments.',
  );

const notYours = () =>
  new AppError(
    ErrorId.forbidden,
    'Only the person who wrote a comment can change or delete it. Reply to it instead.',
  );

/**
 * Mentions must name people who can read the document: a mention of someone who cannot
 * would tell them nothing, and would show their name to people who may not know them.
 */
async function checkMentions(where: Where, mentions: readonly string[]): Promise<string[]> {
  const unique = [...new Set(mentions)];
  for (const id of unique) {
    const access = await checkDocumentAccess(where.storage, id, where.documentId, 'document.view');
    if (!access.ok) {
      // Names are looked up only to say who cannot be mentioned.
      const name = (await peopleOf(where.storage, where.workspaceId)).get(id)?.name;
      throw new AppError(
        ErrorId.badRequest,
        name
          ? `${name} cannot see this document, so they cannot be mentioned. Ask an owner to give them access, or remove the mention.`
          : 'You mentioned someone who is not a member of this document. Remove the mention.',
        { mentions: 'Mention only people who can see this document.' },
      );
    }
  }
  return unique;
}

/**
 * The people a comment in this document may mention: members who can read it, credited as
 * they chose (their name is shown only to people who share the document with them).
 */
export async function mentionable(
  where: Where,
  restricted: boolean,
): Promise<{ id: string; name: string }[]> {
  const readers = await documentReaders(where.storage, {
    id: where.documentId,
    workspaceId: where.workspaceId,
    restricted,
  });
  return readers
    .map((m) => ({ id: m.userId, name: creditedName(m, m.participantRole) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function commentView(c: CommentRecord, people: Map<string, PersonView>): CommentView {
  const author = people.get(c.authorId);
  return {
    id: c.id,
    authorId: c.authorId,
    authorName: author?.name ?? 'A former member',
    roleLabel: author?.roleLabel ?? '',
    color: author?.color ?? '#595959',
    body: c.body,
    mentions: c.mentions.map((id) => ({ id, name: people.get(id)?.name ?? 'A former member' })),
    createdAt: new Date(c.createdAt).toISOString(),
    editedAt: c.editedAt === null ? null : new Date(c.editedAt).toISOString(),
    deleted: c.deletedAt !== null,
  };
}

const base64 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/**
 * A document's comment threads, oldest first, each with its comments. A thread whose
 * comments were all deleted by their authors is gone; a deleted comment with replies
 * after it keeps its place, so the replies still read in order.
 */
export async function listThreads(where: Where): Promise<CommentThreadView[]> {
  const { storage, documentId } = where;
  // An acceptance left pending reads as open (see below); it is settled when decided, at
  // start and by the sweep (`settleLeftPending`), never by a read: GET changes nothing.
  const [threads, comments] = await Promise.all([
    storage.comments.listThreads(documentId),
    storage.comments.listComments(documentId),
  ]);
  // Everyone the threads name, in one look-up: authors (credited in the role they
  // commented in if they have left), the people mentioned, and who resolved each thread.
  const people = await peopleOf(
    storage,
    where.workspaceId,
    [
      ...comments.flatMap((c) => [c.authorId, ...c.mentions]),
      ...threads.flatMap((t) => [t.resolvedBy, t.suggestion?.decidedBy ?? null]),
    ],
    new Map(comments.map((c) => [c.authorId, c.participantRole])),
  );
  const byThread = new Map<string, CommentRecord[]>();
  for (const c of comments) {
    const list = byThread.get(c.threadId) ?? [];
    list.push(c);
    byThread.set(c.threadId, list);
  }
  const decided = (by: string | null, at: number | null) =>
    by === null || at === null
      ? null
      : { byName: people.get(by)?.name ?? 'A former member', at: new Date(at).toISOString() };
  const views: CommentThreadView[] = [];
  for (const t of threads) {
    const list = byThread.get(t.id) ?? [];
    // Trailing deleted comments say nothing; a thread of only deleted ones is gone.
    while (list.length > 0 && list[list.length - 1]?.deletedAt !== null) list.pop();
    if (list.length === 0) continue;
    views.push({
      id: t.id,
      anchor: { start: base64(t.anchorStart), end: base64(t.anchorEnd) },
      quote: t.quote,
      createdAt: new Date(t.createdAt).toISOString(),
      resolved: decided(t.resolvedBy, t.resolvedAt),
      // A withdrawn suggestion (its opening comment deleted) proposes nothing any more.
      suggestion:
        t.suggestion && list[0]?.deletedAt === null ? suggestionView(t.suggestion, decided) : null,
      comments: list.map((c) => commentView(c, people)),
    });
  }
  return views;
}

/**
 * A suggestion as people see it. One being accepted reads as still open until its words
 * are known to be saved: "Accepted" is only ever shown with the words in the document.
 */
function suggestionView(
  s: SuggestionRecord,
  decided: (by: string | null, at: number | null) => CommentThreadView['resolved'],
): NonNullable<CommentThreadView['suggestion']> {
  if (s.outcome === null || s.outcome === 'accepting') {
    return { text: s.text, outcome: null, decided: null };
  }
  return { text: s.text, outcome: s.outcome, decided: decided(s.decidedBy, s.decidedAt) };
}

export function newComment(
  where: Where,
  threadId: string,
  by: Commenter,
  text: { body: string; mentions: string[] },
  at: number,
): CommentRecord {
  return {
    id: newId(),
    threadId,
    documentId: where.documentId,
    authorId: by.userId,
    participantRole: by.participantRole,
    body: text.body,
    mentions: text.mentions,
    createdAt: at,
    editedAt: null,
    deletedAt: null,
  };
}

/** A new open thread on the anchored words, checked to be Yjs positions. */
export function newThread(
  where: Where,
  by: Commenter,
  input: { anchor: { start: string; end: string }; quote: string },
  at: number,
  suggestion: CommentThreadRecord['suggestion'],
): CommentThreadRecord {
  return {
    id: newId(),
    documentId: where.documentId,
    anchorStart: decodeAnchor(input.anchor.start),
    anchorEnd: decodeAnchor(input.anchor.end),
    quote: input.quote,
    createdBy: by.userId,
    createdAt: at,
    resolvedAt: null,
    resolvedBy: null,
    suggestion,
  };
}

/** Everyone with the document open hears of the change at once, on every process. */
export const announce = (where: Where) => where.live?.notify(where.documentId, 'comments');

/**
 * The people whose list of mentions changed (mentioned, or a mention of them deleted or
 * resolved) hear of it on every process, wherever they are in Chorus. They are told only
 * that it changed: their page asks what, through the route that checks what they may read.
 * Someone mentioned before who can no longer read the document is not told at all: not
 * even when a comment there changes.
 */
export async function tellMentioned(where: Where, people: Iterable<string>): Promise<void> {
  const notices = where.people;
  if (!notices) return;
  const readers: string[] = [];
  for (const id of new Set(people)) {
    const access = await checkDocumentAccess(where.storage, id, where.documentId, 'document.view');
    if (access.ok) readers.push(id);
  }
  notices.publish(readers);
}

/**
 * The people newly mentioned by a comment get an email after a delay, if they have not read
 * it in Chorus by then (see `MentionMailer`). Only new mentions: a reply that reopens a
 * thread does not email its earlier mentions again.
 */
async function emailLater(
  where: Where,
  comment: Pick<CommentRecord, 'id' | 'documentId' | 'authorId'>,
  mentioned: readonly string[],
): Promise<void> {
  await scheduleMentionEmails(where.storage, where.mail ?? null, comment, mentioned, Date.now());
}

/** Everyone mentioned in a thread's comments: resolving or reopening it changes their list. */
export async function mentionedInThread(where: Where, threadId: string): Promise<string[]> {
  const comments = await where.storage.comments.listComments(where.documentId);
  return comments.filter((c) => c.threadId === threadId).flatMap((c) => c.mentions);
}

export async function openThread(
  where: Where,
  by: Commenter,
  input: CreateThreadInput,
): Promise<string> {
  const mentions = await checkMentions(where, input.mentions);
  const at = Date.now();
  const thread = newThread(where, by, input, at, null);
  const comment = newComment(where, thread.id, by, { body: input.body, mentions }, at);
  await where.storage.comments.createThread(thread, comment);
  announce(where);
  await tellMentioned(where, mentions);
  await emailLater(where, comment, mentions);
  return thread.id;
}

export async function reply(
  where: Where,
  by: Commenter,
  threadId: string,
  input: CommentTextInput,
): Promise<void> {
  const mentions = await checkMentions(where, input.mentions);
  const comment = newComment(where, threadId, by, { body: input.body, mentions }, Date.now());
  const added = await where.storage.comments.addReply(comment);
  if (!added) throw noSuchThread();
  await emailLater(where, comment, mentions);
  // A reply to a resolved thread reopens it, as in other editors: there is more to say.
  const thread = await where.storage.comments.getThread(where.documentId, threadId);
  const reopened = thread !== null && thread.resolvedAt !== null;
  if (reopened) await where.storage.comments.setResolved(where.documentId, threadId, null);
  announce(where);
  // A reopened thread's earlier mentions are open again too.
  await tellMentioned(where, reopened ? await mentionedInThread(where, threadId) : mentions);
}

/** Why a change to a comment was refused: it is not there, or not the caller's. */
async function refusal(where: Where, commentId: string, userId: string): Promise<AppError> {
  const comment = await where.storage.comments.getComment(where.documentId, commentId);
  if (!comment || comment.deletedAt !== null) return noSuchComment();
  return comment.authorId === userId ? noSuchComment() : notYours();
}

export async function editComment(
  where: Where,
  userId: string,
  commentId: string,
  input: CommentTextInput,
): Promise<void> {
  // Authorship first: someone else's comment is refused as such, whatever it mentions.
  const existing = await where.storage.comments.getComment(where.documentId, commentId);
  if (!existing || existing.deletedAt !== null) throw noSuchComment();
  if (existing.authorId !== userId) throw notYours();
  // Only new mentions are checked: someone mentioned before who has since lost access
  // stays mentioned, so the author can still correct a typo.
  const added = input.mentions.filter((id) => !existing.mentions.includes(id));
  await checkMentions(where, added);
  const mentions = [...new Set(input.mentions)];
  const changed = await where.storage.comments.editComment(
    where.documentId,
    commentId,
    userId,
    { body: input.body, mentions },
    Date.now(),
  );
  if (!changed) throw await refusal(where, commentId, userId);
  announce(where);
  // Those added are mentioned now; those taken out are no longer.
  await tellMentioned(where, [...existing.mentions, ...mentions]);
  await emailLater(where, existing, added);
}

export async function deleteComment(
  where: Where,
  userId: string,
  commentId: string,
): Promise<void> {
  const existing = await where.storage.comments.getComment(where.documentId, commentId);
  const deleted = await where.storage.comments.deleteComment(
    where.documentId,
    commentId,
    userId,
    Date.now(),
  );
  if (!deleted) throw await refusal(where, commentId, userId);
  announce(where);
  await tellMentioned(where, existing?.mentions ?? []);
}

export async function setResolved(
  where: Where,
  userId: string,
  threadId: string,
  resolved: boolean,
): Promise<void> {
  const changed = await where.storage.comments.setResolved(
    where.documentId,
    threadId,
    resolved ? { by: userId, at: Date.now() } : null,
  );
  if (!changed) throw noSuchThread();
  announce(where);
  await tellMentioned(where, await mentionedInThread(where, threadId));
}

/**
 * Comments each person wrote in a document and has not deleted, for the contribution
 * report, with the participant role each last commented in (how to credit someone who has
 * left and never edited the text).
 */
export async function commentCounts(
  storage: Storage,
  documentId: string,
): Promise<{ counts: Map<string, number>; roles: Map<string, ParticipantRole> }> {
  const counts = new Map<string, number>();
  const roles = new Map<string, ParticipantRole>();
  for (const c of await storage.comments.listComments(documentId)) {
    roles.set(c.authorId, c.participantRole);
    // A suggestion's opening comment without a note is not a comment anyone wrote.
    if (c.deletedAt === null && c.body !== '') {
      counts.set(c.authorId, (counts.get(c.authorId) ?? 0) + 1);
    }
  }
  return { counts, roles };
}

/** A comment that mentions someone, for their list of mentions (shared `MentionView`). */
export interface MentionView {
  /** The mentioning comment's id. */
  commentId: string;
  documentId: string;
  documentTitle: string;
  threadId: string;
  quote: string;
  byName: string;
  body: string;
  at: string;
}

/** The newest mentions a workspace page lists. */
export const MAX_MENTIONS = 20;

/**
 * The comments in these documents that mention `userId`, in threads still open, newest
 * first: what someone who was mentioned needs to answer. Only documents they may read are
 * passed in, so a mention in a document since closed to them is not shown.
 */
export async function mentionsOf(
  storage: Storage,
  workspaceId: string,
  userId: string,
  documents: readonly { id: string; title: string }[],
  limit = MAX_MENTIONS,
): Promise<MentionView[]> {
  const found: (Omit<MentionView, 'byName' | 'at'> & { authorId: string; at: number })[] = [];
  for (const d of documents) {
    const [threads, comments] = await Promise.all([
      storage.comments.listThreads(d.id),
      storage.comments.listComments(d.id),
    ]);
    const open = new Map(threads.filter((t) => t.resolvedAt === null).map((t) => [t.id, t]));
    for (const c of comments) {
      const thread = open.get(c.threadId);
      if (!thread || c.deletedAt !== null || !c.mentions.includes(userId)) continue;
      found.push({
        commentId: c.id,
        documentId: d.id,
        documentTitle: d.title,
        threadId: thread.id,
        quote: thread.quote,
        authorId: c.authorId,
        body: c.body.length > 300 ? `${c.body.slice(0, 299)}…` : c.body,
        at: c.createdAt,
      });
    }
  }
  found.sort((a, b) => b.at - a.at);
  const newest = found.slice(0, limit);
  const people = await peopleOf(
    storage,
    workspaceId,
    newest.map((m) => m.authorId),
  );
  return newest.map(({ authorId, at, ...m }) => ({
    ...m,
    byName: people.get(authorId)?.name ?? 'A former member',
    at: new Date(at).toISOString(),
  }));
}
