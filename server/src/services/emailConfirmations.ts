import { durationWords, ErrorId } from '@chorus/shared';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { MailConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { composeConfirmationEmail, confirmationLink } from '../mail/confirmationEmail.ts';
import type { MailTransport } from '../mail/transport.ts';
import { nextSendAt } from '../storage/sendLimits.ts';
import type { Storage, UserRecord } from '../storage/types.ts';
import { recordAudit } from './audit.ts';

/**
 * A new token for a confirmation link: 160 bits from the CSPRNG, as 32 characters of
 * lower-case base32 (what `CONFIRM_EMAIL_TOKEN_PATTERN` accepts).
 */
export function newConfirmationToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * What is stored of a token: its SHA-256, so a copy of the database confirms nobody's
 * address. Looked up by equality: the token is too long to guess, so timing leaks nothing
 * worth having (unlike a password, nobody chooses it).
 */
export const hashConfirmationToken = (token: string) => sha256(new TextEncoder().encode(token));

export const EXPIRED_OR_USED =
  'This link has expired or was already used. Sign in and send a new one from Your account.';

type Sent = { sent: true; at: number } | { sent: false; retryAt: number };

/**
 * Confirming that an account's email address is the person's, as GitHub and Google do: a
 * link with a single-use token goes to the address at sign-up (and again when the person
 * asks, a few times at most); opening it proves the mailbox is theirs. Chorus emails
 * notifications only to a confirmed address. With no mail server (`mail` null) nothing is
 * sent and nothing can be asked for.
 */
export class EmailConfirmations {
  readonly #sending = new Set<Promise<void>>();

  constructor(
    private readonly storage: Storage,
    private readonly mail: MailConfig | null,
    private readonly transport: MailTransport | null,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sends the first email after a sign-up, in the background: the account exists whatever
   * happens to the email, and a failure is logged (the person can ask again from their
   * account page).
   */
  afterSignUp(user: UserRecord): void {
    if (!this.mail || !this.transport) return;
    const sending: Promise<void> = this.#send(user)
      .then((outcome) => {
        if (!outcome.sent) {
          this.logger.log('warn', 'mail.confirmation_throttled', { userId: user.id });
        }
      })
      .catch((err: unknown) => {
        this.logger.log('error', 'mail.confirmation_failed', {
          userId: user.id,
          error: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => this.#sending.delete(sending));
    this.#sending.add(sending);
  }

  /**
   * Sends the email again when the person asks: 409 when this server sends no email or the
   * address is already confirmed, 429 (with when to try again) past the limits, 503 when
   * the mail server does not take it.
   */
  async sendAgain(
    user: UserRecord,
  ): Promise<{ sentTo: string; linkValidForMs: number; sendAgainInMs: number }> {
    if (!this.mail || !this.transport) {
      throw new AppError(
        ErrorId.conflict,
        'This Chorus server is not set up to send email, so it cannot send a confirmation email. Ask whoever runs it to set up email (CHORUS_SMTP_URL).',
      );
    }
    if (user.emailConfirmedAt != null) {
      throw new AppError(
        ErrorId.conflict,
        'Your email address is already confirmed. There is nothing more to do.',
      );
    }
    let outcome: Sent;
    try {
      outcome = await this.#send(user);
    } catch (err) {
      this.logger.log('error', 'mail.confirmation_failed', {
        userId: user.id,
        error: err instanceof Error ? err.message : String(err),
      });
      throw new AppError(
        ErrorId.unavailable,
        'The confirmation email could not be sent: the mail server did not take it. Try again in a few minutes.',
      );
    }
    if (!outcome.sent) {
      const wait = Math.max(0, outcome.retryAt - this.now());
      throw new AppError(
        ErrorId.tooManyRequests,
        `Chorus sends only a few confirmation emails, because each goes to an address that might not be yours. Check your inbox and spam folder for the last one, or try again in ${durationWords(wait)}.`,
        undefined,
        { 'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))) },
      );
    }
    // How long until this send alone stops blocking another (the shortest limit, a minute):
    // the page says so rather than inviting a second press that would be refused. Earlier
    // sends may make the real wait longer; the server then says how long.
    const next = nextSendAt([outcome.at], this.mail.confirmationLimits, outcome.at);
    return {
      sentTo: user.email,
      linkValidForMs: this.mail.confirmationTtlMs,
      sendAgainInMs: next === null ? 0 : next - outcome.at,
    };
  }

  /**
   * Confirms the address a link was sent to. The token is the proof (whoever holds it
   * reads that mailbox), so no session is needed, and none is made: opening the link signs
   * nobody in. A used token whose account's address is (still) confirmed answers that it
   * is already confirmed. 400 for a token unknown, used, expired or sent to an address the
   * account no longer has; nothing changes then.
   */
  async confirm(
    token: string,
    ip: string | null,
  ): Promise<{ email: string; alreadyConfirmed: boolean }> {
    const hash = hashConfirmationToken(token);
    const confirmed = await this.storage.emailConfirmations.consume(hash, this.now());
    if (!confirmed) {
      // Opened again (or by a mail scanner first) once the address is confirmed: telling
      // the person to send a new link would lead only to "already confirmed" (409).
      const earlier = await this.storage.emailConfirmations.alreadyConfirmed(hash);
      if (earlier) return { email: earlier.email, alreadyConfirmed: true };
      throw new AppError(ErrorId.badRequest, EXPIRED_OR_USED, { token: EXPIRED_OR_USED });
    }
    await recordAudit(
      this.storage,
      { actorId: confirmed.userId, action: 'auth.email_confirmed', ip },
      this.logger,
    );
    this.logger.log('info', 'auth.email_confirmed', { userId: confirmed.userId });
    return { email: confirmed.email, alreadyConfirmed: false };
  }

  /** Resolves once the emails being sent in the background are sent or have failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.#sending]);
  }

  /** Stores a new token (within the limits) and emails its link. Rejects if sending fails. */
  async #send(user: UserRecord): Promise<Sent> {
    const { mail, transport } = this;
    if (!mail || !transport) throw new Error('This server sends no email.');
    const token = newConfirmationToken();
    const now = this.now();
    const issued = await this.storage.emailConfirmations.issue(
      {
        tokenHash: hashConfirmationToken(token),
        userId: user.id,
        email: user.email,
        createdAt: now,
        expiresAt: now + mail.confirmationTtlMs,
      },
      mail.confirmationLimits,
    );
    if (!issued.issued) return { sent: false, retryAt: issued.retryAt };
    const email = composeConfirmationEmail(
      user.email,
      confirmationLink(mail.publicUrl, token),
      mail.confirmationTtlMs,
    );
    // Counted against the limits even if this fails: the mail server may have taken it.
    await transport.send({ to: user.email, ...email });
    this.logger.log('info', 'mail.confirmation_sent', { userId: user.id });
    return { sent: true, at: now };
  }
}
