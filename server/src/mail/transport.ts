import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';

/** One email to one person. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail; rejects when the mail server cannot be reached or refuses it. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * An SMTP transport (nodemailer) for CHORUS_SMTP_URL: smtps:// is TLS from the start
 * (port 465 by default); smtp:// upgrades with STARTTLS, required unless the server is on
 * this machine (port 587 by default). Timeouts are short so a mail server that hangs holds an email's claim
 * for seconds, not the library's default minutes.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function smtpTransport(config: MailConfig): MailTransport {
  const url = new URL(config.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // smtp:// must still be encrypted (STARTTLS) unless the mail server is on this machine:
    // otherwise someone on the way could strip the offer and read the password and mail.
    requireTLS: !secure && !LOOPBACK.has(url.hostname),
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail({ from: config.from, ...mail });
    },
    close() {
      transporter.close();
    },
  };
}
