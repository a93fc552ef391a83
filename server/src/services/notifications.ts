import type { MarkNotificationsReadInput, MentionNotificationView } from '@chorus/shared';
import type { Storage } from '../storage/types.ts';
import { readableDocuments } from './access.ts';
import { mentionsOf } from './comments.ts';

/** The newest mentions the notifications list shows, across all the person's workspaces. */
export const MAX_NOTIFICATIONS = 50;

export interface Notifications {
  mentions: MentionNotificationView[];
  /** How many of `mentions` the person has not read. */
  unread: number;
}

/**
 * A person's mentions in every workspace they belong to, newest first, each marked read or
 * not. As on a workspace page (`mentionsOf`), only open threads' comments that are not
 * deleted, in documents the person may read now, are listed: access is checked at each
 * read, so a permission taken away takes the mentions with it.
 */
export async function listNotifications(storage: Storage, userId: string): Promise<Notifications> {
  const found: Omit<MentionNotificationView, 'read'>[] = [];
  for (const workspace of await storage.workspaces.listForUser(userId)) {
    const readable = await readableDocuments(storage, userId, workspace.id, workspace.permission);
    const documents = readable.map((r) => ({ id: r.document.id, title: r.document.title }));
    // Credited as each author chose in that workspace, as its comments show them.
    for (const m of await mentionsOf(storage, workspace.id, userId, documents, MAX_NOTIFICATIONS)) {
      const { commentId, ...rest } = m;
      found.push({
        id: commentId,
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        ...rest,
      });
    }
  }
  // ISO times in one format sort as text; ties keep a stable order by id.
  found.sort((a, b) => b.at.localeCompare(a.at) || a.id.localeCompare(b.id));
  const newest = found.slice(0, MAX_NOTIFICATIONS);
  const read = await storage.mentionReads.readOf(
    userId,
    newest.map((m) => m.id),
  );
  const mentions = newest.map((m) => ({ ...m, read: read.has(m.id) }));
  return { mentions, unread: mentions.filter((m) => !m.read).length };
}

/**
 * Marks the person's listed mentions read: those made at or before `upTo`, or those named
 * by `ids`. An id that is not one of their mentions now (deleted, resolved, or never theirs)
 * is passed over: it may have gone between their looking and their click. Returns how many
 * were marked.
 */
export async function markNotificationsRead(
  storage: Storage,
  userId: string,
  input: MarkNotificationsReadInput,
  at: number,
): Promise<number> {
  const { mentions } = await listNotifications(storage, userId);
  const ids = input.ids ? new Set(input.ids) : null;
  const upTo = input.upTo === undefined ? null : Date.parse(input.upTo);
  const marked = mentions.filter(
    (m) => !m.read && (ids ? ids.has(m.id) : upTo !== null && Date.parse(m.at) <= upTo),
  );
  await storage.mentionReads.markRead(
    userId,
    marked.map((m) => ({ commentId: m.id, documentId: m.documentId })),
    at,
  );
  return marked.length;
}
