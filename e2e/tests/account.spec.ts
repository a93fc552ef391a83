import { expect, test } from '@playwright/test';
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

test('a person credited by role only appears as "A patient"; the audit log filters', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Rhea Owner', 'rhea'));
  const member = await newActor(browser, person('Bea Bright', 'bea'));
  await Promise.all([signUp(owner.page, owner.person), signUp(member.page, member.person)]);

  await createWorkspace(owner.page, 'Kidney care');
  const workspaceUrl = owner.page.url();
  await addMember(owner.page, member.person.email, member.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await createDocument(owner.page, 'Dialysis at home', 'Improvement plan');
  const documentUrl = owner.page.url();

  await test.step('the member chooses to be credited by role only', async () => {
    await member.page.getByRole('link', { name: 'Your account' }).click();
    await expect(
      member.page.getByRole('heading', { level: 1, name: 'Your account' }),
    ).toBeVisible();
    await member.page.getByRole('radio', { name: /My role only/ }).check();
    await member.page.getByRole('button', { name: 'Save name and credit' }).click();
    await expect(member.page.getByRole('status').filter({ hasText: 'Saved.' })).toContainText(
      'A patient',
    );
    await expectNoAxeViolations(member.page, 'account page after saving');
  });

  await test.step('others see "A patient" with the role in the presence list', async () => {
    await member.page.goto(documentUrl);
    await expect(documentPage(member.page).status).toHaveText('All changes saved');
    const presence = documentPage(owner.page).presence;
    const entry = presence.getByRole('listitem').filter({ hasText: 'A patient' });
    await expect(entry).toBeVisible();
    await expect(entry).toContainText('Patient or service user');
    await expect(presence).not.toContainText(member.person.name);
    await expectNoAxeViolations(owner.page, 'document page with a role-only credit');
  });

  await test.step('the owner reads sign-ins in the audit log and filters by action', async () => {
    await owner.page.goto(`${workspaceUrl}/audit`);
    const table = owner.page.getByRole('table', { name: 'Audit log' });
    await expect(table).toContainText('signed in');
    await owner.page
      .getByLabel('Action', { exact: true })
      .selectOption({ label: 'Added a person' });
    await owner.page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = table.getByRole('row').filter({ has: owner.page.getByRole('cell') });
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('added Bea Bright (Editor, Patient or service user)');
    await owner.page.getByLabel('Action', { exact: true }).selectOption({ label: 'Signed in' });
    await owner.page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(rows).toHaveCount(2);
    for (const row of await rows.all()) await expect(row).toContainText('signed in');
    await expectNoAxeViolations(owner.page, 'audit log page, filtered');
  });

  await owner.context.close();
  await member.context.close();
});

test('deleting an account: confirmed with the password, signed out, words kept under the role', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Rhea Owner', 'rhea-del'));
  const member = await newActor(browser, person('Dora Departing', 'dora'));
  await Promise.all([signUp(owner.page, owner.person), signUp(member.page, member.person)]);
  await createWorkspace(owner.page, 'Stroke rehab');
  await addMember(owner.page, member.person.email, member.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await createDocument(owner.page, 'Going home', 'Service design');
  const documentUrl = owner.page.url();
  const words = 'Nobody told me who to call after discharge.';

  await test.step('the member writes in the document', async () => {
    await member.page.goto(documentUrl);
    const { editor, status } = documentPage(member.page);
    await editor.click();
    await member.page.keyboard.press('Control+End');
    await member.page.keyboard.press('Enter');
    await member.page.keyboard.type(words);
    await expect(status).toHaveText('All changes saved');
  });

  await test.step('a wrong password is refused in place; the right one deletes the account', async () => {
    await member.page.getByRole('link', { name: 'Your account' }).click();
    const section = member.page.getByRole('region', { name: 'Delete your account' });
    await expect(section).toContainText('credited to your role only');
    const password = section.getByLabel('Your password');
    await password.fill('not the password');
    await section.getByRole('button', { name: 'Delete my account' }).click();
    await expect(password).toHaveAccessibleDescription(/password is not right/);
    await expectNoAxeViolations(member.page, 'account page, deletion refused');
    await password.fill(member.person.password);
    await section.getByRole('button', { name: 'Delete my account' }).click();
    await expect(member.page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(member.page.getByRole('status')).toHaveText(
      'Your account was deleted, and you were signed out everywhere.',
    );
    await expectNoAxeViolations(member.page, 'sign-in page after deleting the account');
  });

  await test.step('signing in again is refused', async () => {
    await member.page.getByLabel('Email', { exact: true }).fill(member.person.email);
    await member.page.getByLabel('Password', { exact: true }).fill(member.person.password);
    await member.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(member.page).toHaveTitle(/^Error: Sign in/);
  });

  await test.step('the words stay, credited to "A patient", not to her name', async () => {
    await owner.page.goto(documentUrl);
    await expect(documentPage(owner.page).editor).toContainText(words);
    await owner.page.getByRole('link', { name: 'Contributions', exact: true }).click();
    const people = owner.page.getByRole('table', { name: 'Contributions by person' });
    await expect(people).toContainText('A patient');
    await expect(people).not.toContainText(member.person.name);
  });

  await owner.context.close();
  await member.context.close();
});
