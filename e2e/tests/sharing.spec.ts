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

/**
 * The sharing page: an owner restricts one document to chosen people and raises a
 * patient's access to it above their workspace permission. The patient can then edit
 * it; another member, not chosen, cannot open it at all.
 */
test('an owner restricts a document to a patient, who can then edit it while others cannot open it', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Olu Owner', 'sharing-owner'));
  const patient = await newActor(browser, person('Pia Patient', 'sharing-patient'));
  const editor = await newActor(browser, person('Eli Editor', 'sharing-editor'));
  for (const actor of [owner, patient, editor]) await signUp(actor.page, actor.person);
  await createWorkspace(owner.page, 'Sharing group');
  await addMember(owner.page, patient.person.email, patient.person.name, {
    permission: 'Viewer',
    role: 'Patient or service user',
  });
  await addMember(owner.page, editor.person.email, editor.person.name, { permission: 'Editor' });
  await createDocument(owner.page, 'Shared plan', 'Service design');
  const documentUrl = owner.page.url();

  await owner.page.getByRole('link', { name: 'Sharing', exact: true }).click();
  await expect(
    owner.page.getByRole('heading', { level: 1, name: 'Sharing “Shared plan”' }),
  ).toBeVisible();
  await expectNoAxeViolations(owner.page, 'sharing page');
  const form = owner.page.getByRole('form', { name: 'Sharing' });
  await form.getByLabel('Only people chosen below can open this document').check();
  await form.getByLabel(`Access for ${patient.person.name}`).selectOption({ label: 'Editor' });
  await form.getByRole('button', { name: 'Save sharing' }).click();
  await expect(owner.page.getByRole('status').filter({ hasText: 'Sharing saved' })).toBeVisible();
  await expectNoAxeViolations(owner.page, 'sharing page after saving');

  // The patient, a viewer in the workspace, may now edit this document.
  await patient.page.goto(documentUrl);
  const doc = documentPage(patient.page);
  await expect(doc.status).toHaveText('All changes saved');
  await expect(doc.editor).toHaveAttribute('contenteditable', 'true');
  await doc.editor.getByRole('paragraph').first().click();
  await patient.page.keyboard.press('End');
  await patient.page.keyboard.type(' Written with access raised for this document.');
  await expect(doc.status).toHaveText('All changes saved');
  await expectNoAxeViolations(patient.page, 'document page with raised access');

  // The editor was not chosen: the document is closed to them, as if it did not exist.
  await editor.page.goto(documentUrl);
  const main = editor.page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Go back to your workspaces' })).toBeVisible();
  await expect(main.getByRole('textbox', { name: 'Document content' })).toHaveCount(0);
  await expectNoAxeViolations(editor.page, 'document page closed by sharing');

  // The owner still sees the patient's words.
  await owner.page.goto(documentUrl);
  await expect(documentPage(owner.page).editor).toContainText('Written with access raised');
  for (const actor of [owner, patient, editor]) await actor.context.close();
});
