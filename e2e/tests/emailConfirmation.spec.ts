import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, type Request, test } from '@playwright/test';
import { type ChildServer, freePort, startChildServer } from '../../server/src/test/childServer.ts';
import { startTestSmtp, type TestSmtp } from '../../server/src/test/smtp.ts';
import { newActor, person, signUp } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

const clientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/dist');

const EXPIRED_OR_USED =
  'This link has expired or was already used. Sign in and send a new one from Your account.';

/** Presses Enter on a link or button reached with the keyboard (focused, as Tab would). */
async function activate(page: Page, name: string, role: 'link' | 'button' = 'link') {
  const target = page.getByRole(role, { name });
  await target.focus();
  await expect(target).toBeFocused();
  await page.keyboard.press('Enter');
}

/** The link in the confirmation email sent to `address`, once it has arrived. */
function linkIn(smtp: TestSmtp, address: string): string | null {
  for (const mail of smtp.to(address)) {
    const found = /^(http:\/\/\S+\/confirm-email\?token=[a-z2-7]{32})$/m.exec(mail.text);
    if (found?.[1]) return found[1];
  }
  return null;
}

/** The account page, reached from the header's link with the keyboard. */
async function openAccount(page: Page) {
  await activate(page, 'Your account');
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
}

test('on a server with no mail server: the account page says the address cannot be confirmed, and a bad link is explained', async ({
  browser,
}) => {
  const patient = await newActor(browser, person('Pat Patient', 'confirm-none'));
  await signUp(patient.page, patient.person);
  const page = patient.page;

  await test.step('the account page says the address is not confirmed, and why', async () => {
    await openAccount(page);
    await expect(page.getByText(`Your email address: ${patient.person.email}`)).toBeVisible();
    await expect(page.locator('#email-address')).toContainText('Not confirmed');
    await expect(page.locator('#email-unavailable')).toHaveText(
      'This Chorus server is not set up to send email, so it sends none for now, and cannot confirm your address. Your choice is kept for when it is.',
    );
    await expect(
      page.getByRole('button', { name: 'Send the confirmation email again' }),
    ).toHaveCount(0);
    const box = page.getByRole('checkbox', { name: 'Email me when someone mentions me' });
    await expect(box).toHaveAccessibleDescription(/These emails go only to a confirmed address/);
    await expectNoAxeViolations(page, 'account page, address not confirmed, no mail server');
  });

  await test.step('a link whose token is unknown: said in an alert, token gone from the address bar, no Referer allowed', async () => {
    const response = await page.goto(`/confirm-email?token=${'a'.repeat(32)}`);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await expect(
      page.getByRole('heading', { level: 1, name: 'Email address not confirmed' }),
    ).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText(EXPIRED_OR_USED);
    await expect(page).toHaveURL(/\/confirm-email$/);
    await expectNoAxeViolations(page, 'confirmation page, unknown link');
    await activate(page, 'Go to Your account to send a new confirmation email');
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  });

  await test.step('a link cut short is explained too', async () => {
    await page.goto('/confirm-email?token=abc');
    await expect(page.getByRole('alert')).toHaveText(
      'This address has no confirmation code in it. Open the link from the email again, or copy all of it into the address bar.',
    );
    await expectNoAxeViolations(page, 'confirmation page, link cut short');
  });

  await test.step('signed out, the page offers to sign in to send a new link', async () => {
    const stranger = await newActor(browser, person('Sam Stranger', 'confirm-stranger'));
    await stranger.page.goto(`/confirm-email?token=${'b'.repeat(32)}`);
    await expect(stranger.page.getByRole('alert')).toHaveText(EXPIRED_OR_USED);
    await expect(
      stranger.page.getByRole('link', { name: 'Sign in to send a new confirmation email' }),
    ).toBeVisible();
    await expectNoAxeViolations(stranger.page, 'confirmation page, signed out');
    await stranger.context.close();
  });
  await patient.context.close();
});

/**
 * With a real mail server: a Chorus process of its own (the configured e2e server sends no
 * email) and a real SMTP server on loopback in the test process. The patient signs up, the
 * email arrives, its link confirms the address in the browser.
 */
test.describe('with a mail server', () => {
  let smtp: TestSmtp;
  let server: ChildServer;
  let origin: string;
  const dataDir = path.join(os.tmpdir(), `chorus-e2e-confirm-${Date.now()}`);

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    smtp = await startTestSmtp();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    server = await startChildServer(port, dataDir, {
      CHORUS_ORIGIN: origin,
      CHORUS_STATIC_DIR: clientDist,
      CHORUS_SMTP_URL: smtp.url,
      CHORUS_MAIL_FROM: 'Chorus <chorus@example.org>',
    });
  });
  test.afterAll(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited;
    await smtp?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('sending again says how long the link works, and rests the button for the minute, saying why', async ({
    browser,
  }) => {
    // A minute must pass after the sign-up's email before another may go (one a minute).
    test.setTimeout(150_000);
    const patient = await newActor(browser, person('Pia Patient', 'confirm-again'), {
      baseURL: origin,
    });
    const page = patient.page;
    const email = patient.person.email;
    await signUp(page, patient.person);
    const signedUpAt = Date.now();
    await expect.poll(() => smtp.to(email).length, { timeout: 15_000 }).toBe(1);
    await openAccount(page);
    const button = page.getByRole('button', { name: 'Send the confirmation email again' });
    await expect(button).toHaveAccessibleDescription(
      /When you signed up, Chorus sent a link to this address\./,
    );
    await page.waitForTimeout(Math.max(0, signedUpAt + 61_000 - Date.now()));

    await test.step('sent: the status says where and for how long; the button rests, saying why', async () => {
      await activate(page, 'Send the confirmation email again', 'button');
      await expect(page.getByRole('status').filter({ hasText: 'Sent to' })).toHaveText(
        `Sent to ${email}. Open the link in that email to confirm your address; it works for 24 hours. If it does not arrive, check your spam folder.`,
      );
      await expect.poll(() => smtp.to(email).length, { timeout: 15_000 }).toBe(2);
      await expect(button).toHaveAttribute('aria-disabled', 'true');
      await expect(button).toHaveAccessibleDescription(
        /you can ask for another in 1 minute, once you have checked your inbox and spam folder\./,
      );
      // Pressed again at once: nothing is sent, and nothing is refused either.
      await activate(page, 'Send the confirmation email again', 'button');
      await expect(page.getByRole('alert')).toHaveCount(0);
      expect(smtp.to(email)).toHaveLength(2);
      await expectNoAxeViolations(page, 'account page, confirmation email sent again');
    });
    await patient.context.close();
  });

  test('a patient confirms their address with the emailed link, with the keyboard; the link works once', async ({
    browser,
  }) => {
    const patient = await newActor(browser, person('Pat Patient', 'confirm-mail'), {
      baseURL: origin,
    });
    const page = patient.page;
    const email = patient.person.email;
    await signUp(page, patient.person);
    const reminder = page.getByRole('region', { name: 'Confirm your email address' });

    await test.step('the home page asks them to confirm their address, and says why', async () => {
      await expect(reminder).toContainText(
        `Chorus emails you when someone mentions you only once you have confirmed that ${email} is yours.`,
      );
      await expect(
        reminder.getByRole('link', { name: 'Confirm it on the account page' }),
      ).toHaveAttribute('href', '/account#email-preferences');
      await expectNoAxeViolations(page, 'home page, address not confirmed');
    });

    await test.step('the account page says the address is not confirmed; asking again at once is refused, in words', async () => {
      await openAccount(page);
      await expect(page.locator('#email-address')).toContainText('Not confirmed');
      await expect(page.locator('#email-address')).toContainText(
        'When you signed up, Chorus sent a link to this address.',
      );
      await activate(page, 'Send the confirmation email again', 'button');
      // The sign-up's email went a moment ago: at most one a minute.
      await expect(page.getByRole('alert')).toContainText(
        'Chorus sends only a few confirmation emails, because each goes to an address that might not be yours.',
      );
      await expectNoAxeViolations(page, 'account page, asked again too soon');
    });

    await expect.poll(() => linkIn(smtp, email), { timeout: 15_000 }).not.toBeNull();
    const link = linkIn(smtp, email) ?? '';
    expect(link.startsWith(`${origin}/confirm-email?token=`)).toBe(true);
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(smtp.to(email)).toHaveLength(1);
    expect(smtp.to(email)[0]?.subject).toBe('Confirm your email address for Chorus');

    await test.step('the link confirms it: said in a status message, the token gone, never sent as a Referer', async () => {
      const requests: Request[] = [];
      page.on('request', (request) => requests.push(request));
      await page.goto(link);
      await expect(
        page.getByRole('heading', { level: 1, name: 'Email address confirmed' }),
      ).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'is confirmed' })).toHaveText(
        `${email} is confirmed as yours. Chorus can now email you, for example when someone mentions you.`,
      );
      await expect(page).toHaveURL(`${origin}/confirm-email`);
      expect(await page.evaluate(() => window.location.href)).not.toContain(token);
      // The page's scripts, its styles and its API calls (the confirmation itself among them).
      expect(requests.some((r) => r.url().endsWith('/api/auth/confirm-email'))).toBe(true);
      expect(requests.some((r) => r.url().includes('/assets/'))).toBe(true);
      const referers = await Promise.all(
        requests.map(async (r) => (await r.allHeaders()).referer ?? ''),
      );
      expect(referers.filter((r) => r.includes(token))).toEqual([]);
      await expectNoAxeViolations(page, 'confirmation page, confirmed');
    });

    await test.step('onward to the account page, which now says Confirmed', async () => {
      await activate(page, 'Go to your workspaces');
      await expect(page.getByRole('heading', { level: 1, name: 'Your workspaces' })).toBeVisible();
      await expect(reminder).toHaveCount(0);
      await openAccount(page);
      await expect(page.locator('#email-address')).toContainText('Confirmed');
      await expect(page.locator('#email-address')).not.toContainText('Not confirmed');
      await expect(
        page.getByRole('button', { name: 'Send the confirmation email again' }),
      ).toHaveCount(0);
      const box = page.getByRole('checkbox', { name: 'Email me when someone mentions me' });
      await expect(box).not.toHaveAccessibleDescription(/go only to a confirmed address/);
      await expectNoAxeViolations(page, 'account page, address confirmed');
    });

    await test.step('the same link a second time says it is already confirmed, not to send another', async () => {
      await page.goto(link);
      await expect(
        page.getByRole('heading', { level: 1, name: 'Email address confirmed' }),
      ).toBeVisible();
      await expect(page.getByRole('status').filter({ hasText: 'already' })).toHaveText(
        `Your email address is already confirmed: ${email} is confirmed as yours, and there is nothing more to do.`,
      );
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expectNoAxeViolations(page, 'confirmation page, link used again');
    });
    await patient.context.close();
  });
});
