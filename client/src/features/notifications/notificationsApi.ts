import { type MarkNotificationsReadInput, threadPath } from '@chorus/shared';
import { z } from 'zod';
import { api } from '../../api/http.ts';

/** One mention of the person reading (`GET /api/me/notifications`). */
const mentionSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  documentId: z.string(),
  documentTitle: z.string(),
  threadId: z.string(),
  quote: z.string(),
  byName: z.string(),
  body: z.string(),
  at: z.string(),
  read: z.boolean(),
});
export type MentionNotification = z.infer<typeof mentionSchema>;

const notificationsSchema = z.object({
  mentions: z.array(mentionSchema),
  unread: z.number().int().nonnegative(),
});
export type Notifications = z.infer<typeof notificationsSchema>;

export function fetchNotifications(): Promise<Notifications> {
  return api('GET', '/me/notifications', undefined, notificationsSchema);
}

/** Marks mentions read; answers with the list as it is after. */
export function markNotificationsRead(input: MarkNotificationsReadInput): Promise<Notifications> {
  return api('POST', '/me/notifications/read', input, notificationsSchema);
}

/** Where a mention is answered: the document, opened on the thread (as the workspace page links). */
export const threadHref = (m: Pick<MentionNotification, 'documentId' | 'threadId'>) =>
  threadPath(m.documentId, m.threadId);

/**
 * What a screen reader is told of mentions that arrived since the list was last fetched:
 * who, and in which document, for the newest; how many more, if there are others.
 */
export function announcementOf(arrived: readonly MentionNotification[]): string | null {
  const [newest, ...others] = arrived;
  if (!newest) return null;
  const first = `${newest.byName} mentioned you in “${newest.documentTitle}”`;
  if (others.length === 0) return first;
  return `${first}, and ${others.length} more ${others.length === 1 ? 'mention' : 'mentions'}`;
}
