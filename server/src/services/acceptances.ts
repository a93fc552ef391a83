import type { Logger } from '../logger.ts';
import type { CommentThreadRecord, Storage } from '../storage/types.ts';

/**
 * Accepting a suggestion is recorded before its words are written ('accepting', with the
 * client id they will be written under) and settled after, from the journal's registry of
 * client ids (`CommentStore.settleAcceptance`). A process that stops in between leaves it
 * 'accepting'; this module settles those, and leaves alone the ones still being written.
 */

/**
 * How long a suggestion may read as being accepted before another process settles it.
 * Words are committed within milliseconds, but a process cannot see whether another one
 * sharing the database is still writing them. Settling early would still be safe (the
 * journal would then refuse the words), only disruptive to that process's room.
 */
export const ACCEPTING_GRACE_MS = 30_000;

/** The acceptances this process is writing now, per storage (one storage per server). */
const writing = new WeakMap<Storage, Set<string>>();

const key = (documentId: string, threadId: string, clientId: number) =>
  `${documentId}/${threadId}/${clientId}`;

/** Runs `write` (the decision, the edit, the settling) known as being written here. */
export async function whileWriting<T>(
  storage: Storage,
  documentId: string,
  threadId: string,
  clientId: number,
  write: () => Promise<T>,
): Promise<T> {
  let mine = writing.get(storage);
  if (!mine) {
    mine = new Set();
    writing.set(storage, mine);
  }
  const k = key(documentId, threadId, clientId);
  mine.add(k);
  try {
    return await write();
  } finally {
    mine.delete(k);
  }
}

/** Ends a pending acceptance by what the journal holds (see `settleAcceptance`). */
export function settleAcceptance(
  storage: Storage,
  documentId: string,
  threadId: string,
  clientId: number,
) {
  return storage.comments.settleAcceptance(documentId, threadId, clientId, Date.now());
}

/**
 * The client id of an acceptance left pending by a process that is not writing it (any
 * other process, once the grace has passed); null if it is not one.
 */
function abandoned(storage: Storage, thread: CommentThreadRecord, now: number): number | null {
  const s = thread.suggestion;
  if (s?.outcome !== 'accepting' || s.clientId === null) return null;
  if (writing.get(storage)?.has(key(thread.documentId, thread.id, s.clientId))) return null;
  return now - (s.decidedAt ?? 0) >= ACCEPTING_GRACE_MS ? s.clientId : null;
}

/**
 * The thread as it is once an acceptance in it that a stopped process left pending is
 * settled: what anyone deciding the suggestion should see.
 */
export async function settleIfAbandoned(
  storage: Storage,
  thread: CommentThreadRecord,
): Promise<CommentThreadRecord | null> {
  const clientId = abandoned(storage, thread, Date.now());
  if (clientId === null) return thread;
  await settleAcceptance(storage, thread.documentId, thread.id, clientId);
  return storage.comments.getThread(thread.documentId, thread.id);
}

/**
 * At start, settles the acceptances left pending by a process that stopped. A process alone
 * on its database settles all of them (nothing else can be writing them); one of several
 * leaves those of the last `ACCEPTING_GRACE_MS` to be settled when next read.
 */
export async function settleLeftPending(
  storage: Storage,
  sharing: 'alone' | 'cluster',
  logger: Logger,
): Promise<void> {
  const now = Date.now();
  for (const p of await storage.comments.listAccepting()) {
    if (sharing === 'cluster' && now - p.decidedAt < ACCEPTING_GRACE_MS) continue;
    const outcome = await settleAcceptance(storage, p.documentId, p.threadId, p.clientId);
    if (outcome) {
      logger.log('info', 'suggestions.acceptance_settled', {
        documentId: p.documentId,
        threadId: p.threadId,
        outcome,
      });
    }
  }
}
