import { expect, test } from '@playwright/test';
import {
  createDocument,
  createWorkspace,
  documentPage,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

test('someone outside the workspace gets a clear message, not the document', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Olu Owner', 'owner'));
  await signUp(owner.page, owner.person);
  await createWorkspace(owner.page, 'Falls prevention');
  await createDocument(owner.page, 'Falls improvement plan', 'Improvement plan');
  const documentUrl = owner.page.url();

  const outsider = await newActor(browser, person('Sam Stranger', 'outsider'));
  await test.step('a signed-out visitor is asked to sign in, then brought back', async () => {
    await outsider.page.goto(documentUrl);
    await expect(outsider.page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await outsider.page.getByRole('link', { name: 'Create an account' }).click();
    await expect(
      outsider.page.getByRole('heading', { level: 1, name: 'Create an account' }),
    ).toBeVisible();
    await outsider.page.getByLabel('Name', { exact: true }).fill(outsider.person.name);
    await outsider.page.getByLabel('Email', { exact: true }).fill(outsider.person.email);
    await outsider.page.getByLabel('Password', { exact: true }).fill(outsider.person.password);
    await outsider.page.getByRole('button', { name: 'Create account' }).click();
  });

  await test.step('the non-member sees the reason plainly, with a way home', async () => {
    await expect(outsider.page).toHaveURL(documentUrl);
    const main = outsider.page.getByRole('main');
    await expect(main.getByRole('heading', { level: 1 })).toHaveText('Document not available');
    await expect(main).toContainText('does not exist, or you are not a member');
    await expect(main.getByRole('textbox', { name: 'Document content' })).toHaveCount(0);
    await expect(main.getByRole('link', { name: 'Go back to your workspaces' })).toBeVisible();
    await expectNoAxeViolations(outsider.page, 'document page for a non-member');
  });

  await owner.context.close();
  await outsider.context.close();
});

test('a wrong password shows the error and keeps the typed email', async ({ browser }) => {
  const member = await newActor(browser, person('Mo Member', 'member'));
  await signUp(member.page, member.person);
  await member.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(member.page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  await member.page.getByLabel('Email', { exact: true }).fill(member.person.email);
  await member.page.getByLabel('Password', { exact: true }).fill('not the right password');
  await member.page.getByRole('button', { name: 'Sign in' }).click();

  const alert = member.page.getByRole('alert');
  await expect(alert).toContainText('That email and password do not match an account');
  await expect(member.page.getByLabel('Email', { exact: true })).toHaveValue(member.person.email);
  await expect(member.page).toHaveTitle(/^Error: Sign in/);
  await expectNoAxeViolations(member.page, 'sign-in page with an error');

  await member.page.getByLabel('Password', { exact: true }).fill(member.person.password);
  await member.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(
    member.page.getByRole('heading', { level: 1, name: 'Your workspaces' }),
  ).toBeVisible();

  await member.context.close();
});

test('when the session ends, editing stops and the typed text stays', async ({ browser }) => {
  const writer = await newActor(browser, person('Wren Writer', 'writer'));
  await signUp(writer.page, writer.person);
  await createWorkspace(writer.page, 'Procurement panel');
  await createDocument(writer.page, 'Home care evaluation', 'Procurement evaluation');
  const doc = documentPage(writer.page);
  await expect(doc.status).toHaveText('All changes saved');
  await doc.editor.getByRole('paragraph').first().click();
  await writer.page.keyboard.press('End');
  await writer.page.keyboard.type(' Typed before signing out.');
  await expect(doc.status).toHaveText('All changes saved');

  // Signing out in another tab ends the session; the server closes this tab's socket.
  const otherTab = await writer.context.newPage();
  await otherTab.goto('/');
  await otherTab.getByRole('button', { name: 'Sign out' }).click();
  await expect(otherTab.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  await expect(writer.page.getByRole('alert')).toContainText('Your session has ended');
  await expect(doc.editor).toHaveAttribute('contenteditable', 'false');
  await expect(doc.editor).toContainText('Typed before signing out.');
  await expectNoAxeViolations(writer.page, 'document page after the session ended');
  await writer.context.close();
});
