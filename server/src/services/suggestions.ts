import {
  type CreateSuggestionInput,
  EDITOR_FRAGMENT,
  ErrorId,
  type ParticipantRole,
  type ReviseSuggestionInput,
} from '@chorus/shared';
import * as Y from 'yjs';
import { AppError } from '../errors.ts';
import { freshClientId } from '../ids.ts';
import type {
  CommentThreadRecord,
  SuggestionOutcome,
  SuggestionShape,
  SuggestionState,
} from '../storage/types.ts';
import { settleAcceptance, settleIfAbandoned, whileWriting } from './acceptances.ts';
import { checkDocumentAccess } from './access.ts';
import {
  announce,
  type Commenter,
  decodeAnchor,
  mentionedInThread,
  newComment,
  newThread,
  tellMentioned,
  type Where,
} from './comments.ts';
import { liveDocuments } from './index.ts';
import { refuseIfTextLocked } from './lifecycle.ts';
import { serverEditUpdate } from './serverEditUpdate.ts';
import { type Span, spanBetween, spanFormat, spanWords, writeSpan } from './suggestionSpans.ts';

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
    'A suggestion changes words of paragraphs, without a line break or anything else among them. Select words only, or suggest each part separately.',
    { anchor: 'Select words of paragraphs only.' },
  );

/**
 * Where a thread's anchors are in a document: the text they are in and the stretch. An
 * insertion's anchors are one place (`to === from`); a replacement whose words were all
 * deleted collapses to one too, and is then found not to hold its quote.
 */
/** Blocks whose content is words, so an empty one can take words to add. */
const TEXTBLOCKS = new Set(['paragraph', 'heading']);

/** Where words go: the text of a paragraph, or an empty paragraph that has none yet. */
type Place =
  | { text: Y.XmlText; from: number; to: number }
  | { empty: Y.XmlElement }
  | { span: Span };

function locate(doc: Y.Doc, anchorStart: Uint8Array, anchorEnd: Uint8Array): Place | null {
  // The root typed as the editor's fragment (read from updates alone it is a bare type), so
  // a stretch across top-level paragraphs finds them as its children.
  doc.getXmlFragment(EDITOR_FRAGMENT);
  const start = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(anchorStart),
    doc,
  );
  const end = Y.createAbsolutePositionFromRelativePosition(
    Y.decodeRelativePosition(anchorEnd),
    doc,
  );
  if (!start || !end) return null;
  // An empty paragraph has no text yet: the editor anchors words to add to the paragraph.
  if (
    start.type === end.type &&
    start.type instanceof Y.XmlElement &&
    TEXTBLOCKS.has(start.type.nodeName)
  ) {
    // Someone has typed there since: the place it was made for is gone.
    return start.type.length === 0 ? { empty: start.type } : null;
  }
  if (start.type !== end.type) {
    // From one paragraph into a later one (refused with a reason when it may not be).
    const span = spanBetween(start, end);
    if (span) return { span };
  }
  if (start.type !== end.type || !(start.type instanceof Y.XmlText)) throw notOneParagraph();
  if (end.index < start.index) return null;
  return { text: start.type, from: start.index, to: end.index };
}

/**
 * The words between `from` and `to`, and the formatting new words there take: that of the
 * first replaced character, or for an insertion that of the character before it (as typing
 * there would), or after it at the start of a paragraph.
 */
function wordsAt(
  text: Y.XmlText,
  from: number,
  to: number,
): { words: string; format: Record<string, unknown> } {
  let words = '';
  let format: Record<string, unknown> | null = null;
  let at = 0;
  const look = from === to ? Math.max(0, from - 1) : from;
  for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    // Embedded objects count as one position and are not words.
    const piece = typeof op.insert === 'string' ? op.insert : '\uFFFC';
    const start = Math.max(from, at);
    const end = Math.min(to, at + piece.length);
    if (start < end) words += piece.slice(start - at, end - at);
    if (format === null && look < at + piece.length) format = op.attributes ?? {};
    at += piece.length;
    if (at >= to && format !== null) break;
  }
  if (from === to && format && 'link' in format) {
    // A link does not grow with words typed after it (its mark is not inclusive).
    const { link: _link, ...rest } = format;
    format = rest;
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
  if ('empty' in place) {
    if (thread.quote !== '') throw wordsMoved();
    return { ...place, format: {} };
  }
  if ('span' in place) {
    if (spanWords(place.span) !== thread.quote) throw wordsMoved();
    return { ...place, format: spanFormat(place.span) };
  }
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
    clientId: null,
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

/** A stored suggestion's shape, to name the one a revision or decision was made on. */
const shapeOf = (thread: CommentThreadRecord, text: string): SuggestionShape => ({
  anchorStart: thread.anchorStart,
  anchorEnd: thread.anchorEnd,
  quote: thread.quote,
  text,
});

/** A suggestion as a page listed it, in stored form. */
const shapeAsRead = (read: {
  anchor: { start: string; end: string };
  quote: string;
  text: string;
}): SuggestionShape => ({
  anchorStart: decodeAnchor(read.anchor.start),
  anchorEnd: decodeAnchor(read.anchor.end),
  quote: read.quote,
  text: read.text,
});

const sameShape = (a: SuggestionShape, b: SuggestionShape) =>
  a.quote === b.quote &&
  a.text === b.text &&
  Buffer.from(a.anchorStart).equals(b.anchorStart) &&
  Buffer.from(a.anchorEnd).equals(b.anchorEnd);

const revisedSince = (now: string) =>
  new AppError(
    ErrorId.conflict,
    `The person who suggested this has changed it since you read it: it now suggests “${now}”. Look at it again, then decide.`,
  );

/**
 * Its suggester's revision of their own open suggestion: more words typed at its place in
 * suggesting mode are merged into it (as Google Docs does) rather than starting another
 * beside it. The new quote must be the document's words, as for a new suggestion; the
 * suggestion must still be as the page read it (`was`), undecided and not withdrawn.
 */
export async function revise(
  where: Where,
  by: Commenter,
  threadId: string,
  input: ReviseSuggestionInput,
): Promise<void> {
  const { storage, documentId } = where;
  const thread = await storage.comments.getThread(documentId, threadId);
  if (!thread?.suggestion) throw noSuchSuggestion();
  if (thread.createdBy !== by.userId) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the person who suggested this can change it. Suggest your own change, or reply to it.',
    );
  }
  if (thread.suggestion.outcome) throw alreadyDecided(thread.suggestion.outcome);
  const was = shapeAsRead(input.was);
  if (!sameShape(was, shapeOf(thread, thread.suggestion.text))) {
    throw new AppError(
      ErrorId.conflict,
      'This suggestion changed since your page read it (from another tab or window). Reload the comments and type your change again.',
    );
  }
  const revised = shapeAsRead(input);
  const { doc } = await liveDocuments(where.live).committedDocument(documentId);
  try {
    checkQuote(doc, {
      anchorStart: revised.anchorStart,
      anchorEnd: revised.anchorEnd,
      quote: revised.quote,
    });
  } finally {
    doc.destroy();
  }
  if (!(await storage.comments.reviseSuggestion(documentId, threadId, by.userId, was, revised))) {
    // Decided, withdrawn or revised between the read and the write.
    const now = await storage.comments.getThread(documentId, threadId);
    if (now?.suggestion?.outcome) throw alreadyDecided(now.suggestion.outcome);
    throw noSuchSuggestion();
  }
  announce(where);
}

/**
 * Its suggester withdraws their own open suggestion, as their page listed it (suggesting
 * mode, when its words are taken back to nothing). One decided, being accepted or revised
 * since is not withdrawn: it is said why instead.
 */
export async function withdraw(
  where: Where,
  by: Commenter,
  threadId: string,
  as: { anchor: { start: string; end: string }; quote: string; text: string },
): Promise<void> {
  const { storage, documentId } = where;
  const thread = await storage.comments.getThread(documentId, threadId);
  if (!thread?.suggestion) throw noSuchSuggestion();
  if (thread.createdBy !== by.userId) {
    throw new AppError(
      ErrorId.forbidden,
      'Only the person who suggested this can withdraw it. Reply to it, or ask an editor to reject it.',
    );
  }
  if (thread.suggestion.outcome) throw alreadyDecided(thread.suggestion.outcome);
  const read = shapeAsRead(as);
  const opening = (await storage.comments.listComments(documentId)).find(
    (c) => c.threadId === threadId,
  );
  if (
    !(await storage.comments.withdrawSuggestion(documentId, threadId, by.userId, read, Date.now()))
  ) {
    const now = await storage.comments.getThread(documentId, threadId);
    if (now?.suggestion?.outcome) throw alreadyDecided(now.suggestion.outcome);
    if (now?.suggestion && !sameShape(shapeOf(now, now.suggestion.text), read)) {
      throw new AppError(
        ErrorId.conflict,
        'This suggestion changed since your page read it (from another tab or window), so it was not withdrawn. Reload the comments to see it.',
      );
    }
    throw noSuchSuggestion();
  }
  announce(where);
  await tellMentioned(where, opening?.mentions ?? []);
}

const noSuchSuggestion = () =>
  new AppError(
    ErrorId.notFound,
    'That suggestion does not exist in this document. It may have been withdrawn: reload the comments.',
  );

const alreadyDecided = (state: SuggestionState) =>
  state === 'accepting'
    ? new AppError(
        ErrorId.conflict,
        'Someone is accepting that suggestion right now. Reload the comments in a moment to see it.',
      )
    : new AppError(
        ErrorId.conflict,
        `Someone has already ${state} that suggestion. Reload the comments to see it.`,
      );

const notWritten = () =>
  new AppError(
    ErrorId.internal,
    'The suggested words could not be saved, so the suggestion is still open. Try accepting it again.',
  );

/** Why a conditional decision changed nothing: someone decided first, or it is gone. */
async function refused(where: Where, threadId: string, asRead: SuggestionShape): Promise<AppError> {
  const now = await where.storage.comments.getThread(where.documentId, threadId);
  if (now?.suggestion?.outcome) return alreadyDecided(now.suggestion.outcome);
  if (now?.suggestion && !sameShape(shapeOf(now, now.suggestion.text), asRead)) {
    return revisedSince(now.suggestion.text);
  }
  return noSuchSuggestion();
}

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
  seen?: { anchor: { start: string; end: string }; quote: string; text: string },
): Promise<void> {
  const { storage, documentId } = where;
  const found = await storage.comments.getThread(documentId, threadId);
  // One a stopped process left being accepted is settled first, so it can be decided.
  const thread = found ? await settleIfAbandoned(storage, found) : null;
  const suggestion = thread?.suggestion;
  if (!thread || !suggestion) throw noSuchSuggestion();
  const comments = (await storage.comments.listComments(documentId)).filter(
    (c) => c.threadId === threadId,
  );
  const opening = comments[0];
  // A suggestion whose author withdrew it (deleted its opening comment) is gone.
  if (!opening || opening.deletedAt !== null) throw noSuchSuggestion();
  if (suggestion.outcome) throw alreadyDecided(suggestion.outcome);
  // Decided as read: a revision by its suggester since the page listed it is not decided
  // unseen, nor one made between this read and the decision's write.
  const asRead = shapeOf(thread, suggestion.text);
  if (seen && !sameShape(shapeAsRead(seen), asRead)) throw revisedSince(suggestion.text);
  if (outcome === 'rejected') {
    // One conditional write, so two editors cannot both decide it.
    const decided = await storage.comments.decideSuggestion(documentId, threadId, {
      outcome,
      by: editorId,
      at: Date.now(),
      as: asRead,
    });
    if (!decided) throw await refused(where, threadId, asRead);
  } else {
    // Accepting writes the text, which a closed document keeps as it is (rejecting does not).
    await refuseIfTextLocked(storage, documentId);
    // Accepting writes under the suggester's name: only while they may still take part.
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
    await accept(where, editorId, thread, {
      text: suggestion.text,
      participantRole: opening.participantRole,
      asRead,
    });
  }
  announce(where);
  // A decided suggestion's thread is resolved: its mentions leave the lists.
  await tellMentioned(where, await mentionedInThread(where, threadId));
}

/**
 * Writes an accepted suggestion's words, exactly once or not at all, whatever stops when.
 * The decision is recorded first as pending, in one conditional write (so two editors, on
 * any process, cannot both write them), with a client id new to the document; the words
 * are written under that id, which the journal registers to the suggester in the same
 * commit; then the registry settles it: accepted if the id is there, open again if not
 * (and the id retired, so the words can never be committed later). A process stopped at
 * any point leaves it pending, and it is settled the same way when next read or decided,
 * or when a server starts (`acceptances.ts`).
 */
async function accept(
  where: Where,
  editorId: string,
  thread: CommentThreadRecord,
  suggested: { text: string; participantRole: ParticipantRole; asRead: SuggestionShape },
): Promise<void> {
  const { storage, documentId } = where;
  const live = liveDocuments(where.live);
  // New to the registry too: found registered later, it can only mean these words.
  const committed = await live.committedDocument(documentId);
  const clientId = freshClientId(committed.doc, committed.index.owners);
  committed.doc.destroy();
  await whileWriting(storage, documentId, thread.id, clientId, async () => {
    const decided = await storage.comments.decideSuggestion(documentId, thread.id, {
      outcome: 'accepting',
      by: editorId,
      at: Date.now(),
      clientId,
      as: suggested.asRead,
    });
    if (!decided) throw await refused(where, thread.id, suggested.asRead);
    try {
      await live.applyServerEdit(
        documentId,
        { accountId: thread.createdBy, participantRole: suggested.participantRole },
        (current) =>
          serverEditUpdate(
            current,
            (copy) => {
              const place = checkQuote(copy, thread);
              if ('empty' in place) {
                // Still empty (checked just now): its first text holds the words.
                const text = new Y.XmlText();
                text.insert(0, suggested.text);
                place.empty.insert(0, [text]);
                return;
              }
              if ('span' in place) {
                writeSpan(place.span, suggested.text, place.format);
                return;
              }
              place.text.delete(place.from, place.to - place.from);
              if (suggested.text) place.text.insert(place.from, suggested.text, place.format);
            },
            clientId,
          ),
        [],
        clientId,
      );
    } catch (error) {
      // Usually nothing was written (the words moved, the id was taken, the journal refused
      // the commit because the document was closed meanwhile: 409), and it is open again.
      // But a commit whose answer was lost may have been stored: the registry says which.
      const settled = await settleAcceptance(storage, documentId, thread.id, clientId);
      if (settled === 'accepted') return;
      throw error instanceof AppError ? error : notWritten();
    }
    // Committed (a refusal throws above); the registry is what settles it, on any process.
    const settled = await settleAcceptance(storage, documentId, thread.id, clientId);
    if (settled === 'reopened') throw notWritten();
    if (settled === null) {
      // Another process settled it first (this one took longer than the grace).
      const now = await storage.comments.getThread(documentId, thread.id);
      if (now?.suggestion?.outcome !== 'accepted') throw notWritten();
    }
  });
}

/** How many of each person's suggestions were accepted, for the contribution report. */
export async function acceptedSuggestions(
  where: Pick<Where, 'storage' | 'documentId'>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  // One left being accepted counts once it is settled (see `settleLeftPending`).
  for (const t of await where.storage.comments.listThreads(where.documentId)) {
    if (t.suggestion?.outcome === 'accepted') {
      counts.set(t.createdBy, (counts.get(t.createdBy) ?? 0) + 1);
    }
  }
  return counts;
}
