import { expect, test } from '@playwright/test';
import { newActor, person, signUp } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

test('a patient turns mention emails off and on again with the keyboard; the choice survives a reload', async ({
  browser,
}) => {
  const patient = await newActor(browser, person('Pat Patient', 'pat-email'));
  await signUp(patient.page, patient.person);
  const page = patient.page;
  const box = page.getByRole('checkbox', { name: 'Email me when someone mentions me' });
  const saved = page.getByRole('status').filter({ hasText: 'Saved.' });

  await test.step('the account page shows the setting, on by default, and says email is not set up here', async () => {
    await page.getByRole('link', { name: 'Your account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Emails' })).toBeVisible();
    await expect(box).toBeChecked();
    // The e2e server has no mail server (CHORUS_SMTP_URL unset): the page says so.
    await expect(box).toHaveAccessibleDescription(/not set up to send email/);
    await expect(box).toHaveAccessibleDescription(/never holds what they wrote/);
    await expectNoAxeViolations(page, 'account page with the email setting');
  });

  await test.step('off with the keyboard, said in a status message, kept after a reload', async () => {
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box).not.toBeChecked();
    await expect(saved).toHaveText('Saved. You will not get emails when someone mentions you.');
    await expectNoAxeViolations(page, 'account page, mention emails off');
    await page.reload();
    await expect(box).not.toBeChecked();
  });

  await test.step('on again with the keyboard, kept after a reload', async () => {
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box).toBeChecked();
    await expect(saved).toContainText('You will get an email when someone mentions you');
    await page.reload();
    await expect(box).toBeChecked();
    await expectNoAxeViolations(page, 'account page, mention emails on after a reload');
  });

  await test.step('the link in emails leads to the setting', async () => {
    await page.goto('/account#email-preferences');
    await expect(box).toBeVisible();
    await expect(page.locator('#email-preferences')).toContainText(
      'Email me when someone mentions me',
    );
  });
});
