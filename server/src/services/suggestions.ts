import { type CreateSuggestionInput, ErrorId } from '@chorus/shared';
import * as Y from 'yjs';
import { AppError } from '../errors.ts';
import type { CommentThreadRecord, SuggestionOutcome } from '../storage/types.ts';
import { checkDocumentAccess } from './access.ts';
import { announce, type Commenter, newComment, newThread, type Where } from './comments.ts';
import { liveDocuments } from './index.ts';
import { serverEditUpdate } from './serverEditUpdate.ts';

/**
 * Suggested edits. A suggestion is a comment thread that proposes new words for the text
 * it is anchored to. An editor accepts or rejects it; an accepted one is written by the
 * server as an edit of the person who suggested it (their own Yjs client id, credited to
 * them in the ledger), so the credit stays with them and not with whoever clicked Accept.
 */

const wordsMoved = () =>
  new AppError(
    ErrorId.badRequest,
    'The words you selected could not be found as they are now: someone may have just changed them. Select them again and suggest your change.',
    { anchor: 'Select the words again.' },
  );

const notOneParagraph = () =>
  new AppError(
    ErrorId.badRequest,
    'A suggestion changes words within one paragraph. Select words in one paragraph only, or suggest each paragraph separately.',
    { anchor: 'Select words in one paragraph.' },
  );

/** Where a thread's anchors are in a document: the text they are in and the stretch. */
function locate(
  doc: Y.Doc,
  anchorStart: Uint8Array,
  anchorEnd: Uint8Array,
): { text: Y.XmlText; from: number; to: number } | null {
  const start = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(anchorStart),
    doc,
  );
  const end = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(anchorEnd),
    doc,
  );
  if (!start || !end) return null;
  if (start.type !== end.type || !(start.type instanceof Y.XmlText)) throw notOneParagraph();
  if (end.index <= start.index) return null;
  return { text: start.type, from: start.index, to: end.index };
}

/** The words between `from` and `to`, and the formatting of the first of them. */
function wordsAt(
  text: Y.XmlText,
  from: number,
  to: number,
): { words: string; format: Record<string, unknown> } {
  let words = '';
  let format: Record<string, unknown> | null = null;
  let at = 0;
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    // Embedded objects count as one position and are not words.
    const piece = typeof op.insert === 'string' ? op.insert : '\uFFFC';
    const start = Math.max(from, at);
    const end = Math.min(to, at + piece.length);
    if (start < end) {
      words += piece.slice(start - at, end - at);
      format ??= op.attributes ?? {};
    }
    at += piece.length;
    if (at >= to) break;
  }
  return { words, format: format ?? {} };
}

/** Checks a suggestion's anchors hold exactly its quote in the document as it is now. */
function checkQuote(
  doc: Y.Doc,
  thread: Pick<CommentThreadRecord, 'anchorStart' | 'anchorEnd' | 'quote'>,
) {
  const place = locate(doc, thread.anchorStart, thread.anchorEnd);
  if (!place) throw wordsMoved();
  const { words, format } = wordsAt(place.text, place.from, place.to);
  if (words !== thread.quote) throw wordsMoved();
  return { ...place, format };
}

export async function suggest(
  where: Where,
  by: Commenter,
  input: CreateSuggestionInput,
): Promise<string> {
  const at = Date.now();
  const thread = newThread(where, by, input, at, {
    text: input.text,
    outcome: null,
    decidedBy: null,
    decidedAt: null,
  });
  // The quote is what an editor will see replaced, so it must be the document's words.
  const { doc } = await liveDocuments(where.live).committedDocument(where.documentId);
  try {
    checkQuote(doc, thread);
  } finally {
    doc.destroy();
  }
  await where.storage.comments.createThread(
    thread,
    newComment(where, thread.id, by, { body: input.note, mentions: [] }, at),
  );
  announce(where);
  return thread.id;
}

const noSuchSuggestion = () =>
  new AppError(
    ErrorId.notFound,
    'That suggestion does not exist in this document. It may have been withdrawn: reload the comments.',
  );

const alreadyDecided = (outcome: SuggestionOutcome) =>
  new AppError(
    ErrorId.conflict,
    `Someone has already ${outcome} that suggestion. Reload the comments to see it.`,
  );

/**
 * Accepts or rejects a suggestion, once. Accepting writes the suggested words in place of
 * the quote as the suggester's edit, through the same gate, journal and relay as any edit;
 * if the words have changed since, nothing is written and the suggestion stays open.
 */
export async function decide(
  where: Where,
  editorId: string,
  threadId: string,
  outcome: SuggestionOutcome,
): Promise<void> {
  const { storage, documentId } = where;
  const thread = await storage.comments.getThread(documentId, threadId);
  const suggestion = thread?.suggestion;
  if (!thread || !suggestion) throw noSuchSuggestion();
  const comments = (await storage.comments.listComments(documentId)).filter(
    (c) => c.threadId === threadId,
  );
  const opening = comments[0];
  // A suggestion whose author withdrew it (deleted its opening comment) is gone.
  if (!opening || opening.deletedAt !== null) throw noSuchSuggestion();
  if (suggestion.outcome) throw alreadyDecided(suggestion.outcome);
  // Accepting writes under the suggester's name: only while they may still take part.
  if (outcome === 'accepted') {
    const access = await checkDocumentAccess(
      storage,
      thread.createdBy,
      documentId,
      'document.comment',
    );
    if (!access.ok) {
      throw new AppError(
        ErrorId.conflict,
        'The person who suggested this can no longer comment on this document, so their words cannot be written under their name. Reject it, or make the change yourself.',
      );
    }
  }
  // Decided first, in one conditional write, so two editors cannot both apply it.
  const claimed = await storage.comments.decideSuggestion(documentId, threadId, {
    outcome,
    by: editorId,
    at: Date.now(),
  });
  if (!claimed) {
    const now = await storage.comments.getThread(documentId, threadId);
    throw now?.suggestion?.outcome ? alreadyDecided(now.suggestion.outcome) : noSuchSuggestion();
  }
  if (outcome === 'accepted') {
    try {
      await liveDocuments(where.live).applyServerEdit(
        documentId,
        { accountId: thread.createdBy, participantRole: opening.participantRole },
        (current) =>
          serverEditUpdate(current, (copy) => {
            const place = checkQuote(copy, thread);
            place.text.delete(place.from, place.to - place.from);
            if (suggestion.text) place.text.insert(place.from, suggestion.text, place.format);
          }),
        [],
      );
    } catch (error) {
      await storage.comments.decideSuggestion(documentId, threadId, null);
      throw error;
    }
  }
  announce(where);
}

/** How many of each person's suggestions were accepted, for the contribution report. */
export async function acceptedSuggestions(
  where: Pick<Where, 'storage' | 'documentId'>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of await where.storage.comments.listThreads(where.documentId)) {
    if (t.suggestion?.outcome === 'accepted') {
      counts.set(t.createdBy, (counts.get(t.createdBy) ?? 0) + 1);
    }
  }
  return counts;
}
