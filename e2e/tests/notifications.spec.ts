import { expect, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

const commentsOf = (page: Page) => page.getByRole('complementary', { name: 'Comments' });
const notificationsButton = (page: Page, unread: number) =>
  page.getByRole('banner').getByRole('button', { name: `Notifications, ${unread} unread` });
const FIRST_LINE =
  'Service, commissioners, place, scope, owners, and the level of co-production we aim for.';

/**
 * A patient has the workspace page open; a clinician mentions them in a comment; the
 * patient's header count goes to 1 without a reload and the arrival is announced; the
 * patient opens the panel with the keyboard, follows the link to the thread, and the count
 * goes back to 0. A second mention is cleared with "Mark all as read".
 */
test('a mention reaches the person mentioned as it happens, and opening it marks it read', async ({
  browser,
}) => {
  const patient = await newActor(browser, person('Pat Patient', 'notify-patient'));
  const clinician = await newActor(browser, person('Cleo Clinician', 'notify-clinician'));
  for (const actor of [patient, clinician]) await signUp(actor.page, actor.person);
  await createWorkspace(clinician.page, 'Eye screening co-design');
  const workspaceUrl = clinician.page.url();
  await addMember(clinician.page, patient.person.email, patient.person.name, {
    permission: 'Commenter',
    role: 'Patient or service user',
  });
  await createDocument(clinician.page, 'Screening pathway', 'Service design');
  const c = documentPage(clinician.page);
  await expect(c.status).toHaveText('All changes saved');

  await test.step('the patient has the workspace page open, with nothing unread', async () => {
    await patient.page.goto(workspaceUrl);
    await expect(
      patient.page.getByRole('heading', { level: 1, name: 'Eye screening co-design' }),
    ).toBeVisible();
    await expect(notificationsButton(patient.page, 0)).toBeVisible();
    await expectNoAxeViolations(patient.page, 'workspace page with the notifications button');
    // Marks this page, so a reload would be noticed.
    await patient.page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
  });

  await test.step('the clinician mentions the patient in a comment', async () => {
    await c.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('Home');
    await clinician.page.keyboard.press('Shift+End');
    await clinician.page.keyboard.press('Control+Alt+M');
    const form = commentsOf(clinician.page).getByRole('form', { name: 'New comment' });
    await form.getByRole('textbox', { name: 'Your comment' }).fill('Does this read well to you?');
    await form.getByLabel('Mention someone').selectOption({ label: 'Pat Patient' });
    await form.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect(form).toHaveCount(0);
  });

  await test.step('the patient’s count goes to 1 within seconds, without a reload, and it is announced', async () => {
    await expect(notificationsButton(patient.page, 1)).toBeVisible({ timeout: 5_000 });
    await expect(patient.page.getByRole('banner').locator('[aria-live="polite"]')).toHaveText(
      'Cleo Clinician mentioned you in “Screening pathway”',
    );
    expect(
      await patient.page.evaluate(
        () => (window as unknown as { notReloaded?: boolean }).notReloaded,
      ),
    ).toBe(true);
  });

  const panel = patient.page.getByRole('region', { name: 'Notifications' });
  await test.step('the patient opens the panel with the keyboard; focus moves into it and Escape returns it', async () => {
    await notificationsButton(patient.page, 1).focus();
    await patient.page.keyboard.press('Enter');
    await expect(notificationsButton(patient.page, 1)).toHaveAttribute('aria-expanded', 'true');
    await expect(panel.getByRole('heading', { name: 'Notifications' })).toBeFocused();
    const item = panel.getByRole('listitem');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText('Unread:');
    await expect(item).toContainText('Does this read well to you? @Pat Patient');
    await expect(item).toContainText(`On “${FIRST_LINE}”, in Eye screening co-design`);
    await expectNoAxeViolations(patient.page, 'workspace page with the notifications panel open');
    await patient.page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(notificationsButton(patient.page, 1)).toBeFocused();
    await patient.page.keyboard.press('Enter');
    await expect(panel.getByRole('heading', { name: 'Notifications' })).toBeFocused();
    // Focus or a click going elsewhere hides it, so it never covers what has focus.
    await panel.getByRole('link').last().focus();
    await patient.page.keyboard.press('Tab');
    await expect(panel).toBeHidden();
    await notificationsButton(patient.page, 1).click();
    await expect(panel).toBeVisible();
    await patient.page.getByRole('heading', { level: 1, name: 'Eye screening co-design' }).click();
    await expect(panel).toBeHidden();
    await notificationsButton(patient.page, 1).click();
  });

  await test.step('following the link opens the thread and marks the mention read', async () => {
    await panel
      .getByRole('link', { name: 'Unread: Cleo Clinician mentioned you in “Screening pathway”' })
      .click();
    const p = documentPage(patient.page);
    await expect(p.editor).toContainText(FIRST_LINE);
    await expect(commentsOf(patient.page).getByRole('article')).toBeFocused();
    await expect(notificationsButton(patient.page, 0)).toBeVisible();
    await expectNoAxeViolations(patient.page, 'document page reached from a notification');
  });

  const thread = commentsOf(clinician.page).getByRole('article');
  const reply = async (words: string) => {
    await thread.getByRole('textbox', { name: 'Your reply' }).fill(words);
    await thread.getByLabel('Mention someone').selectOption({ label: 'Pat Patient' });
    await thread.getByRole('button', { name: 'Send reply' }).click();
  };
  await test.step('a mention in the document already open: its link takes focus to the thread', async () => {
    await reply('Could you look again?');
    await expect(notificationsButton(patient.page, 1)).toBeVisible({ timeout: 5_000 });
    await notificationsButton(patient.page, 1).click();
    await expect(panel.getByRole('heading', { name: 'Notifications' })).toBeFocused();
    await panel
      .getByRole('link', { name: 'Unread: Cleo Clinician mentioned you in “Screening pathway”' })
      .click();
    await expect(commentsOf(patient.page).getByRole('article')).toBeFocused();
    await expect(notificationsButton(patient.page, 0)).toBeVisible();
  });

  await test.step('another mention, in a reply, is cleared with "Mark all as read"', async () => {
    await reply('One more thing.');
    await expect(notificationsButton(patient.page, 1)).toBeVisible({ timeout: 5_000 });
    await notificationsButton(patient.page, 1).click();
    await expect(panel.getByRole('listitem')).toHaveCount(3);
    await expect(panel.getByRole('listitem').first()).toContainText('Unread:');
    await expect(panel.getByRole('listitem').nth(1)).not.toContainText('Unread:');
    await expectNoAxeViolations(patient.page, 'document page with the notifications panel open');
    // At 320 CSS pixels wide the panel stays within the screen (WCAG 1.4.10 reflow).
    await patient.page.setViewportSize({ width: 320, height: 640 });
    const box = await panel.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(320);
    await expectNoAxeViolations(patient.page, 'notifications panel at 320 CSS pixels');
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await expect(notificationsButton(patient.page, 0)).toBeVisible();
    await expect(panel.getByText('Unread:')).toHaveCount(0);
  });

  for (const actor of [patient, clinician]) await actor.context.close();
});
