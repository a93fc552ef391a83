import { CONFIRM_EMAIL_PATH } from '@chorus/shared';
import { escapeHtml } from './escape.ts';
import type { OutgoingMail } from './transport.ts';

export const CONFIRMATION_SUBJECT = 'Confirm your email address for Chorus';

/** "24 hours", "1 hour", "5 minutes": how long a link works, in words. */
export function lifetimeWords(ms: number): string {
  const hours = ms / 3600_000;
  if (hours >= 1 && Number.isInteger(hours)) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The link in the email: the confirmation page, with the token in its query. */
export const confirmationLink = (publicUrl: string, token: string) =>
  `${publicUrl}${CONFIRM_EMAIL_PATH}?token=${encodeURIComponent(token)}`;

/**
 * The email that asks someone to confirm that `address` is theirs. It holds nothing the
 * person who signed up chose (not even their name): it may reach someone who never heard
 * of Chorus, and a sign-up form must not become a way to send them words of one's choice.
 */
export function composeConfirmationEmail(
  address: string,
  link: string,
  lifetimeMs: number,
): Omit<OutgoingMail, 'to'> {
  const lifetime = lifetimeWords(lifetimeMs);
  const opening = `Someone, we hope you, made an account on Chorus with this email address (${address}). To confirm that it is yours, open this link:`;
  const rules = `The link works once, for ${lifetime}. Until the address is confirmed, Chorus sends it no emails about your work, such as when someone mentions you. If the link has run out, sign in and send a new one from Your account.`;
  const ignore =
    'If you did not sign up for Chorus, you can ignore this email: without the link, this address is never confirmed and Chorus sends it no notifications.';
  const text = ['Hello,', '', opening, '', link, '', rules, '', ignore, ''].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(CONFIRMATION_SUBJECT)}</title></head>`,
    '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5;">',
    '<p>Hello,</p>',
    `<p>${escapeHtml(opening)}</p>`,
    `<p><a href="${escapeHtml(link)}">Confirm my email address</a></p>`,
    `<p style="font-size: 14px;">Or copy this address into your browser: ${escapeHtml(link)}</p>`,
    `<p>${escapeHtml(rules)}</p>`,
    `<p>${escapeHtml(ignore)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: CONFIRMATION_SUBJECT, text, html };
}
