import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type Config, loadConfig, type MailConfig } from '../../config.ts';
import { type Logger, memoryLogger } from '../../logger.ts';
import { type RunningServer, startServer } from '../../server.ts';
import {
  confirmAddress,
  confirmationMail,
  confirmationMails,
  otherMails,
  tokenOf,
} from '../../test/confirmations.ts';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import { startTestSmtp, type TestSmtp } from '../../test/smtp.ts';
import { eventually } from '../../test/syncClient.ts';
import { TEST_ORIGIN, tempDir } from '../../test/testServer.ts';

const EXPIRED_OR_USED =
  'This link has expired or was already used. Sign in and send a new one from Your account.';
const ALREADY_CONFIRMED = 'Your email address is already confirmed.';
const NOT_COMPLETE =
  'This link is not complete. Open the link from the email again, or copy all of it into the address bar.';

/** A server that sends mail to `smtp`, with the mail timings a test needs. */
function mailConfig(
  smtp: TestSmtp,
  mail: Partial<MailConfig> = {},
  env: Record<string, string> = {},
): Config {
  const config = loadConfig({
    PORT: '0',
    CHORUS_ORIGIN: TEST_ORIGIN,
    CHORUS_DATA_DIR: tempDir(),
    CHORUS_IDLE_UNLOAD_MS: '200',
    CHORUS_SMTP_URL: smtp.url,
    CHORUS_MAIL_FROM: 'Chorus <chorus@example.org>',
    CHORUS_MENTION_EMAIL_DELAY_MS: '200',
    ...env,
  });
  if (!config.mail) throw new Error('mail is configured');
  config.mail = { ...config.mail, pollMs: 100, retryBaseMs: 300, maxAttempts: 3, ...mail };
  return config;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const me = async (url: string, who: TestUser) =>
  (await call(url, 'GET', '/auth/me', { cookie: who.cookie })).json.user;
const confirm = (url: string, token: unknown, cookie?: string) =>
  call(url, 'POST', '/auth/confirm-email', { body: { token }, cookie });
const sendAgain = (url: string, who: TestUser) =>
  call(url, 'POST', '/me/email-confirmation', { cookie: who.cookie });

function anchorAt(index: number): string {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, [new Y.XmlText('Long waits for results')]);
  const fragment = doc.getXmlFragment('default');
  const pos = Y.createRelativePositionFromTypeIndex(fragment, index);
  return Buffer.from(Y.encodeRelativePosition(pos)).toString('base64');
}
const anchor = { start: anchorAt(0), end: anchorAt(1) };

/** A workspace and document of `owner` with `people` as commenters; returns the document. */
async function documentWith(url: string, owner: TestUser, people: TestUser[]): Promise<string> {
  const ws = await call(url, 'POST', '/workspaces', {
    body: { name: 'Eye screening' },
    cookie: owner.cookie,
  });
  for (const p of people) {
    const added = await call(url, 'POST', `/workspaces/${ws.json.workspace.id}/members`, {
      body: { email: p.email, permission: 'commenter', participantRole: 'patient' },
      cookie: owner.cookie,
    });
    expect(added.status).toBe(201);
  }
  const doc = await call(url, 'POST', `/workspaces/${ws.json.workspace.id}/documents`, {
    body: { title: 'Screening pathway', kind: 'service_design' },
    cookie: owner.cookie,
  });
  return doc.json.document.id as string;
}

/** `by` mentions `whom` in a new thread; returns the comment's id. */
async function mention(url: string, documentId: string, by: TestUser, whom: TestUser) {
  const res = await call(url, 'POST', `/documents/${documentId}/threads`, {
    cookie: by.cookie,
    body: { anchor, quote: 'Long waits', body: 'What do you think, @Pat?', mentions: [whom.id] },
  });
  expect(res.status).toBe(201);
  const listed = await call(url, 'GET', '/me/notifications', { cookie: whom.cookie });
  return listed.json.mentions[0].id as string;
}

/**
 * Email addresses confirmed with a link, as GitHub and Google do, against a real SMTP
 * server on loopback with real HTTP calls: the link sent at sign-up confirms the address
 * once, signs nobody in, and until then no mention email goes to the address.
 */
describe('confirming an email address (default limits and lifetime)', () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let logger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    logger = memoryLogger();
    server = await startServer(mailConfig(smtp), logger as Logger);
  });
  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('sign-up sends one email to that address, whose link confirms it without signing anyone in', async () => {
    const pat = await buildUser(server.url, 'Pat Patient');
    expect(await me(server.url, pat)).toMatchObject({ email: pat.email, emailConfirmed: false });
    const mail = await confirmationMail(smtp, pat.email);
    expect(mail.to).toEqual([pat.email]);
    expect(mail.from).toBe('"Chorus" <chorus@example.org>');
    expect(mail.subject).toBe('Confirm your email address for Chorus');
    const token = tokenOf(mail);
    const link = `${TEST_ORIGIN}/confirm-email?token=${token}`;
    expect(mail.text).toContain(`\n${link}\n`);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain('If you did not sign up for Chorus, you can ignore this email');
    expect(mail.text).toContain('The link works once, for 24 hours.');
    // Nothing the person chose (their name) reaches an address that may not be theirs.
    expect(`${mail.text}${mail.html}`).not.toContain('Pat Patient');

    // Opened with no session, as from another browser or device.
    const res = await confirm(server.url, token);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ confirmed: true, email: pat.email });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await call(server.url, 'GET', '/auth/me')).status).toBe(401);
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: true });
    const audit = await server.storage.audit.forActor(pat.id, 10);
    expect(audit.map((e) => e.action)).toContain('auth.email_confirmed');

    await pause(300);
    expect(confirmationMails(smtp, pat.email)).toHaveLength(1);
    const again = await sendAgain(server.url, pat);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe(
      'Your email address is already confirmed. There is nothing more to do.',
    );
  });

  it('answers a link opened again once the address is confirmed: already confirmed, not "send a new one"', async () => {
    const pat = await buildUser(server.url, 'Pru Patient');
    const token = tokenOf(await confirmationMail(smtp, pat.email));
    // A mail scanner opens the link first; the person opens it after.
    expect((await confirm(server.url, token)).json).toEqual({ confirmed: true, email: pat.email });
    const again = await confirm(server.url, token);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({
      confirmed: true,
      email: pat.email,
      alreadyConfirmed: true,
      message: ALREADY_CONFIRMED,
    });
    // Recorded once: the second opening changed nothing.
    const audit = await server.storage.audit.forActor(pat.id, 10);
    expect(audit.filter((e) => e.action === 'auth.email_confirmed')).toHaveLength(1);
  });

  it('does not send a second email to an address whose account was deleted and made again within the minute', async () => {
    const email = `again-${Date.now()}@example.org`;
    const password = 'correct horse battery';
    const first = await call(server.url, 'POST', '/auth/signup', {
      body: { name: 'Pat Patient', email, password },
    });
    expect(first.status).toBe(201);
    await confirmationMail(smtp, email);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const deleted = await call(server.url, 'POST', '/account/delete', {
      body: { password },
      cookie,
    });
    expect(deleted.status).toBe(200);
    const second = await call(server.url, 'POST', '/auth/signup', {
      body: { name: 'Pat Patient', email: email.toUpperCase(), password },
    });
    expect(second.status).toBe(201);
    await eventually(() => {
      const throttled = logger.entries.find(
        (e) => e.event === 'mail.confirmation_throttled' && e.fields.userId === second.json.user.id,
      );
      if (!throttled) throw new Error('not tried yet');
    });
    await pause(300);
    const toAddress = smtp.received.filter((m) =>
      m.to.some((to) => to.toLowerCase() === email.toLowerCase()),
    );
    expect(toAddress).toHaveLength(1);
    // Asking from the new account is refused the same way, saying when.
    const cookie2 = (second.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const asked = await call(server.url, 'POST', '/me/email-confirmation', { cookie: cookie2 });
    expect(asked.status).toBe(429);
    expect(Number(asked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a tampered, unknown or malformed token with 400 and changes nothing', async () => {
    const pat = await buildUser(server.url, 'Pia Patient');
    const token = tokenOf(await confirmationMail(smtp, pat.email));
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    const tampered = await confirm(server.url, `${token.slice(0, -1)}${last}`);
    expect(tampered.status).toBe(400);
    expect(tampered.json.error).toMatchObject({ id: 'bad_request', message: EXPIRED_OR_USED });
    for (const bad of [token.slice(1), `${token}a`, token.toUpperCase(), '']) {
      const res = await confirm(server.url, bad);
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe(NOT_COMPLETE);
    }
    const none = await call(server.url, 'POST', '/auth/confirm-email', { body: {} });
    expect(none.status).toBe(400);
    expect(none.json.error.message).toContain('This link has no confirmation code');
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: false });

    // Two clicks at once: one confirms, the other finds it already confirmed.
    const [one, two] = await Promise.all([confirm(server.url, token), confirm(server.url, token)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect([one.json.alreadyConfirmed, two.json.alreadyConfirmed].filter(Boolean)).toHaveLength(1);
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: true });
    const confirmations = (await server.storage.audit.forActor(pat.id, 10)).filter(
      (e) => e.action === 'auth.email_confirmed',
    );
    expect(confirmations).toHaveLength(1);
  });

  it('another person’s token confirms their address, never the one who sends it', async () => {
    const pat = await buildUser(server.url, 'Pam Patient');
    const eve = await buildUser(server.url, 'Eve Else');
    const token = tokenOf(await confirmationMail(smtp, pat.email));
    const res = await confirm(server.url, token, eve.cookie);
    expect(res.json.email).toBe(pat.email);
    expect(await me(server.url, eve)).toMatchObject({ emailConfirmed: false });
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: true });
  });

  it('refuses a second email within the minute after sign-up: 429, saying when, with Retry-After', async () => {
    const pat = await buildUser(server.url, 'Poppy Patient');
    await confirmationMail(smtp, pat.email);
    const res = await sendAgain(server.url, pat);
    expect(res.status).toBe(429);
    expect(res.json.error.id).toBe('too_many_requests');
    expect(res.json.error.message).toMatch(
      /^Chorus sends only a few confirmation emails, because each goes to an address that might not be yours\. Check your inbox and spam folder for the last one, or try again in (\d+ seconds?|1 minute)\.$/,
    );
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await pause(300);
    expect(confirmationMails(smtp, pat.email)).toHaveLength(1);
  });

  it('asks to be signed in to send again, and refuses it from another site', async () => {
    const anon = await call(server.url, 'POST', '/me/email-confirmation');
    expect(anon.status).toBe(401);
    const pat = await buildUser(server.url, 'Pip Patient');
    const crossSite = await call(server.url, 'POST', '/me/email-confirmation', {
      cookie: pat.cookie,
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const token = tokenOf(await confirmationMail(smtp, pat.email));
    const crossSiteConfirm = await call(server.url, 'POST', '/auth/confirm-email', {
      body: { token },
      origin: 'https://evil.example',
    });
    expect(crossSiteConfirm.status).toBe(403);
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: false });
  });

  it('holds mention emails for an unconfirmed address, and sends them once it is confirmed', async () => {
    const owner = await buildUser(server.url, 'Olive Owner');
    const pat = await buildUser(server.url, 'Penny Patient');
    const documentId = await documentWith(server.url, owner, [pat]);
    const commentId = await mention(server.url, documentId, owner, pat);
    // Due after 200 ms; the outbox is looked at every 100 ms: well past due, nothing sent.
    await pause(1500);
    expect(otherMails(smtp, pat.email)).toEqual([]);
    expect(await server.storage.mentionEmails.stateOf(pat.id, commentId)).toBe('pending');
    await confirmAddress(smtp, server.url, pat.email);
    const [email] = await eventually(() => {
      const got = otherMails(smtp, pat.email);
      if (got.length === 0) throw new Error('no mention email yet');
      return got;
    }, 15_000);
    expect(email?.subject).toBe('Olive Owner mentioned you in “Screening pathway”');
    await eventually(async () => {
      expect(await server.storage.mentionEmails.stateOf(pat.id, commentId)).toBe('sent');
    });
    await pause(300);
    expect(otherMails(smtp, pat.email)).toHaveLength(1);
  });
});

describe('confirming an email address (short limits, a page to serve)', () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let logger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    logger = memoryLogger();
    const staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Chorus</title>');
    server = await startServer(
      mailConfig(
        smtp,
        {
          confirmationLimits: [
            { windowMs: 500, max: 1 },
            { windowMs: 60_000, max: 3 },
          ],
        },
        { CHORUS_STATIC_DIR: staticDir },
      ),
      logger as Logger,
    );
  });
  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('sends again when asked, within the limits; the newest link confirms and spends the older ones', async () => {
    const pat = await buildUser(server.url, 'Pat Patient');
    await confirmationMail(smtp, pat.email);
    await pause(600);
    const second = await sendAgain(server.url, pat);
    expect(second.status).toBe(200);
    // How long the link works and when another may be asked for (the shortest limit).
    expect(second.json).toEqual({
      sentTo: pat.email,
      linkValidForMs: 24 * 3600_000,
      sendAgainInMs: 500,
    });
    await confirmationMail(smtp, pat.email, 2);
    await pause(600);
    expect((await sendAgain(server.url, pat)).status).toBe(200);
    const third = await confirmationMail(smtp, pat.email, 3);
    await pause(600);
    // Three in the minute: refused until the first leaves it.
    const fourth = await sendAgain(server.url, pat);
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(fourth.json.error.message).toMatch(/try again in \d+ seconds\.$/);
    await pause(300);
    expect(confirmationMails(smtp, pat.email)).toHaveLength(3);

    expect((await confirm(server.url, tokenOf(third))).status).toBe(200);
    // An older link, spent by the newest, says the address is confirmed (nothing to do).
    const first = confirmationMails(smtp, pat.email)[0];
    expect((await confirm(server.url, tokenOf(first))).json).toMatchObject({
      alreadyConfirmed: true,
      message: ALREADY_CONFIRMED,
    });
  });

  it('makes the account even when the mail server is down, logs it, and sends when asked once it is back', async () => {
    await smtp.down();
    const pat = await buildUser(server.url, 'Pete Patient').catch(async (err: unknown) => {
      await smtp.up();
      throw err;
    });
    try {
      await eventually(() => {
        const failed = logger.entries.find(
          (e) => e.event === 'mail.confirmation_failed' && e.fields.userId === pat.id,
        );
        if (!failed) throw new Error('not tried yet');
        expect(failed.level).toBe('error');
      }, 15_000);
      await pause(600);
      const down = await sendAgain(server.url, pat);
      expect(down.status).toBe(503);
      expect(down.json.error.message).toBe(
        'The confirmation email could not be sent: the mail server did not take it. Try again in a few minutes.',
      );
    } finally {
      await smtp.up();
    }
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: false });
    await pause(600);
    expect((await sendAgain(server.url, pat)).status).toBe(200);
    await confirmAddress(smtp, server.url, pat.email);
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: true });
  });

  it('serves the confirmation page with no Referer allowed, so its token is never passed on', async () => {
    for (const page of ['/confirm-email', '/confirm-email/', '/confirm-email//']) {
      const res = await fetch(`${server.url}${page}?token=${'a'.repeat(32)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const other = await fetch(`${server.url}/account`);
    expect(other.headers.get('referrer-policy')).toBe('same-origin');
  });
});

describe('confirming an email address (links that expire at once, a short wait for mentions)', () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let logger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    logger = memoryLogger();
    server = await startServer(
      mailConfig(smtp, { confirmationTtlMs: 1, unconfirmedWaitMs: 500 }),
      logger as Logger,
    );
  });
  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('refuses an expired link with 400 and leaves the address unconfirmed', async () => {
    const pat = await buildUser(server.url, 'Pat Patient');
    const token = tokenOf(await confirmationMail(smtp, pat.email));
    const res = await confirm(server.url, token);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(EXPIRED_OR_USED);
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: false });
  });

  it('passes over the mentions of an address left unconfirmed, without emailing it', async () => {
    const owner = await buildUser(server.url, 'Olive Owner');
    const pat = await buildUser(server.url, 'Pam Patient');
    const documentId = await documentWith(server.url, owner, [pat]);
    const commentId = await mention(server.url, documentId, owner, pat);
    await eventually(async () => {
      expect(await server.storage.mentionEmails.stateOf(pat.id, commentId)).toBe('dropped');
    }, 15_000);
    expect(
      logger.entries.some(
        (e) =>
          e.event === 'mail.mentions_passed_over' &&
          JSON.stringify(e.fields.reasons) === '["unconfirmed"]',
      ),
    ).toBe(true);
    await pause(300);
    expect(otherMails(smtp, pat.email)).toEqual([]);
  });
});

describe('with no mail server', () => {
  let smtp: TestSmtp;
  let server: RunningServer;

  beforeAll(async () => {
    // Listening, but not configured: it must hear nothing.
    smtp = await startTestSmtp();
    server = await startServer(
      loadConfig({ PORT: '0', CHORUS_ORIGIN: TEST_ORIGIN, CHORUS_DATA_DIR: tempDir() }),
      memoryLogger() as Logger,
    );
  });
  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('sends nothing at sign-up, and says sending again is not possible here', async () => {
    const pat = await buildUser(server.url, 'Pat Patient');
    expect(await me(server.url, pat)).toMatchObject({ emailConfirmed: false });
    const res = await sendAgain(server.url, pat);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toBe(
      'This Chorus server is not set up to send email, so it cannot send a confirmation email. Ask whoever runs it to set up email (CHORUS_SMTP_URL).',
    );
    const unknown = await confirm(server.url, 'a'.repeat(32));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe(EXPIRED_OR_USED);
    await pause(300);
    expect(smtp.received).toEqual([]);
    // No link was made either.
    const issued = await server.storage.emailConfirmations.issue(
      {
        tokenHash: new Uint8Array(32),
        userId: pat.id,
        email: pat.email,
        createdAt: Date.now(),
        expiresAt: Date.now() + 1000,
      },
      [{ windowMs: 3600_000, max: 1 }],
    );
    expect(issued).toEqual({ issued: true });
  });
});

describe('signing up from one address, again and again', () => {
  let smtp: TestSmtp;
  let server: RunningServer;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    server = await startServer(
      mailConfig(smtp, {}, { CHORUS_SIGNUP_MAX_PER_IP: '3', CHORUS_SIGNUP_WINDOW_MS: '60000' }),
      memoryLogger() as Logger,
    );
  });
  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('refuses sign-ups past the limit from one IP with 429 and Retry-After, mailing nobody more', async () => {
    for (const n of [1, 2, 3]) await buildUser(server.url, `Person ${n}`);
    const email = `fourth-${Date.now()}@example.org`;
    const res = await call(server.url, 'POST', '/auth/signup', {
      body: { name: 'Fourth Person', email, password: 'correct horse battery' },
    });
    expect(res.status).toBe(429);
    expect(res.json.error.id).toBe('too_many_requests');
    expect(res.json.error.message).toBe(
      'Too many accounts were made from this network lately. Wait 1 minute and try again; if you already made an account, sign in instead.',
    );
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await pause(300);
    expect(confirmationMails(smtp, email)).toEqual([]);
    expect(await server.storage.users.findByEmail(email)).toBeNull();
  });
});
