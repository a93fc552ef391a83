import { EMAIL_PREFERENCES_PATH, threadPath } from '@chorus/shared';
import { escapeHtml, oneLine } from './escape.ts';

/** One mention as its email tells of it: who, where, and the link. Never the comment's words. */
export interface MentionToTell {
  byName: string;
  documentTitle: string;
  workspaceName: string;
  documentId: string;
  threadId: string;
}

export interface MentionEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The email telling `recipientName` of their unread mentions. It says who mentioned them,
 * in which document and workspace, and links to each thread; it never carries what was
 * written or the words commented on, because comments in Chorus can hold health
 * information, and ordinary email is no place for it.
 */
export function composeMentionEmail(
  recipientName: string,
  mentions: readonly MentionToTell[],
  publicUrl: string,
): MentionEmail {
  const first = mentions[0];
  if (!first) throw new Error('composeMentionEmail needs at least one mention.');
  const subject =
    mentions.length === 1
      ? `${oneLine(first.byName)} mentioned you in “${oneLine(first.documentTitle)}”`
      : `You were mentioned ${mentions.length} times in Chorus`;
  const items = mentions.map((m) => ({
    line: `${oneLine(m.byName)} mentioned you in a comment on “${oneLine(m.documentTitle)}” (workspace “${oneLine(m.workspaceName)}”).`,
    m,
    url: `${publicUrl}${threadPath(m.documentId, m.threadId)}`,
  }));
  const settingsUrl = `${publicUrl}${EMAIL_PREFERENCES_PATH}`;
  const why =
    'What was written is not in this email: comments in Chorus can hold health information, so they stay in Chorus. Sign in to read them.';
  const off = `You get these emails when someone mentions you and you have not read it in Chorus a little later. To stop them, untick “Email me when someone mentions me” on your account page:`;
  const text = [
    `Hello ${oneLine(recipientName)},`,
    '',
    ...items.flatMap((i) => [i.line, `Open the comment: ${i.url}`, '']),
    why,
    '',
    '--',
    off,
    settingsUrl,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5;">',
    `<p>Hello ${escapeHtml(oneLine(recipientName))},</p>`,
    ...items.map(
      (i) =>
        `<p>${escapeHtml(i.line)}<br><a href="${escapeHtml(i.url)}">Open the comment in “${escapeHtml(oneLine(i.m.documentTitle))}”</a></p>`,
    ),
    `<p>${escapeHtml(why)}</p>`,
    `<hr><p style="font-size: 14px;">${escapeHtml(off)} <a href="${escapeHtml(settingsUrl)}">Your account: email settings</a></p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
