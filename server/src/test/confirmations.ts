import { expect } from 'vitest';
import { CONFIRMATION_SUBJECT } from '../mail/confirmationEmail.ts';
import { call } from './factories.ts';
import type { ReceivedMail, TestSmtp } from './smtp.ts';
import { eventually } from './syncClient.ts';

/** The emails `address` was sent asking to confirm it, oldest first. */
export const confirmationMails = (smtp: TestSmtp, address: string) =>
  smtp.to(address).filter((m) => m.subject === CONFIRMATION_SUBJECT);

/** The emails `address` was sent but those asking to confirm it (mention emails). */
export const otherMails = (smtp: TestSmtp, address: string) =>
  smtp.to(address).filter((m) => m.subject !== CONFIRMATION_SUBJECT);

/** The token in a confirmation email's link (in its plain text). */
export function tokenOf(mail: ReceivedMail | undefined): string {
  const found = /\/confirm-email\?token=([a-z2-7]{32})\n/.exec(mail?.text ?? '');
  if (!found?.[1]) throw new Error(`no confirmation link in: ${mail?.text}`);
  return found[1];
}

/** Waits until `address` has been sent `count` confirmation emails; returns the newest. */
export async function confirmationMail(
  smtp: TestSmtp,
  address: string,
  count = 1,
): Promise<ReceivedMail> {
  return eventually(() => {
    const got = confirmationMails(smtp, address);
    const mail = got[count - 1];
    if (!mail) throw new Error(`${got.length} of ${count} confirmation emails so far`);
    return mail;
  }, 15_000);
}

/** Confirms `address` as its owner would: with the link in the email sent at sign-up. */
export async function confirmAddress(
  smtp: TestSmtp,
  baseUrl: string,
  address: string,
): Promise<void> {
  const token = tokenOf(await confirmationMail(smtp, address));
  const res = await call(baseUrl, 'POST', '/auth/confirm-email', { body: { token } });
  expect(res.status).toBe(200);
}
