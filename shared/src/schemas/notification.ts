import { z } from 'zod';
import { idSchema } from './document.ts';

/** At most this many mentions are marked read in one request (more than a page lists). */
export const MAX_MARKED_READ = 200;

/**
 * What `POST /api/me/notifications/read` marks read: every mention listed now that was made
 * at or before `upTo` ("mark all as read" for what the person saw), or the mentions `ids`
 * (comment ids) one by one, as they are opened.
 */
export const markNotificationsReadSchema = z
  .object(
    {
      upTo: z.iso
        .datetime({
          offset: true,
          error: 'upTo must be a date and time such as 2026-11-27T10:00:00.000Z.',
        })
        .optional(),
      ids: z
        .array(idSchema, { error: 'ids must be a list of the mentions’ comment ids.' })
        .min(1, 'ids must name at least one mention; send upTo to mark all read.')
        .max(MAX_MARKED_READ, `Mark at most ${MAX_MARKED_READ} mentions read at once.`)
        .optional(),
    },
    { error: 'Send a JSON object with upTo (a date and time) or ids (a list of comment ids).' },
  )
  .strict()
  .refine((v) => (v.upTo === undefined) !== (v.ids === undefined), {
    error:
      'Send either upTo (mark all read up to then) or ids (mark these read), not both or neither.',
  });
export type MarkNotificationsReadInput = z.infer<typeof markNotificationsReadSchema>;

/** One mention of the person reading, in any workspace they belong to (`GET /api/me/notifications`). */
export interface MentionNotificationView {
  /** The comment's id: what `ids` names when marking it read. */
  id: string;
  workspaceId: string;
  workspaceName: string;
  documentId: string;
  documentTitle: string;
  threadId: string;
  /** The words the thread is on. */
  quote: string;
  /** Who mentioned them, credited as that person chose. */
  byName: string;
  body: string;
  at: string;
  read: boolean;
}

/**
 * Where a mention is answered: the document, opened with focus on the thread. The
 * notifications panel, the workspace page and the mention email all link here (the email
 * makes it absolute with CHORUS_ORIGIN).
 */
export const threadPath = (documentId: string, threadId: string) =>
  `/documents/${documentId}#thread-${threadId}`;

/** Where a person turns mention emails on or off: a section of their account page. */
export const EMAIL_PREFERENCES_PATH = '/account#email-preferences';

/** What `PUT /api/me/preferences` takes: the person's choices, all given at once. */
export const updatePreferencesSchema = z
  .object(
    {
      emailMentions: z.boolean({
        error: 'emailMentions must be true (email me when someone mentions me) or false.',
      }),
    },
    { error: 'Send a JSON object such as {"emailMentions": false}.' },
  )
  .strict();
export type UpdatePreferencesInput = z.infer<typeof updatePreferencesSchema>;

/** A person's choices (`GET /api/me/preferences`), and whether this server can send email. */
export interface PreferencesView {
  /** Email me when someone mentions me: on unless the person turned it off. */
  emailMentions: boolean;
  /** False when the server has no mail server (CHORUS_SMTP_URL unset): nothing is emailed. */
  emailAvailable: boolean;
}
