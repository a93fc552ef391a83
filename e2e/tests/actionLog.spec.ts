import { expect, type Locator, type Page, test } from '@playwright/test';
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

const logOf = (page: Page) => page.getByRole('region', { name: 'Action log' });

async function addAction(log: Locator, action: string, owner: string, due: string) {
  const form = log.getByRole('group', { name: 'Add an action' });
  await form.getByLabel('Action', { exact: true }).fill(action);
  await form.getByLabel('Owner (optional)').fill(owner);
  await form.getByLabel('Due date (optional)').fill(due);
  await form.getByRole('button', { name: 'Add the action' }).click();
}

/**
 * An improvement team keeps its actions in the plan: two people add actions at the same
 * time and both keep theirs, a status change shows on every screen, an action past its
 * date says "Overdue" in words, and a commenter reads the log.
 */
test('an action log is co-edited live, flags overdue actions in words, and reads for commenters', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'actions-lead'));
  const nurse = await newActor(browser, person('Nia Nurse', 'actions-nurse'));
  const reader = await newActor(browser, person('Rae Reader', 'actions-reader'));
  for (const actor of [lead, nurse, reader]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Sepsis collaborative');
  await addMember(lead.page, nurse.person.email, nurse.person.name, {
    permission: 'Editor',
    role: 'Clinician',
  });
  await addMember(lead.page, reader.person.email, reader.person.name, {
    permission: 'Commenter',
    role: 'Patient or service user',
  });
  await createDocument(lead.page, 'Faster antibiotics', 'Improvement plan');
  const url = lead.page.url();
  await nurse.page.goto(url);
  await reader.page.goto(url);
  const l = documentPage(lead.page);

  await test.step('the lead adds a log under Action log; an action without words is refused', async () => {
    await l.editor.getByText('Action, owner, due date and status.').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert action log' }).click();
    const log = logOf(lead.page);
    await expect(log).toContainText('No actions yet.');
    await log.getByRole('button', { name: 'Add the action' }).click();
    await expect(log.getByRole('alert')).toHaveText(
      'Describe the action, for example: Book a room for the next workshop.',
    );
    await expect(logOf(nurse.page)).toBeVisible();
  });

  await test.step('both add an action at the same time, and both keep theirs', async () => {
    await Promise.all([
      addAction(logOf(lead.page), 'Agree the screening tool', 'Lee Lead', '2026-01-15'),
      addAction(logOf(nurse.page), 'Train night staff', 'Nia Nurse', '2099-03-01'),
    ]);
    for (const page of [lead.page, nurse.page, reader.page]) {
      const table = logOf(page).getByRole('table', { name: 'Actions' });
      await expect(table.getByRole('row')).toHaveCount(3);
    }
    await expect(logOf(reader.page)).toContainText('2 actions: 2 not started. 1 is overdue.');
    await expect(l.status).toHaveText('All changes saved');
  });

  await test.step('a status change shows everywhere, and a finished action is not overdue', async () => {
    await logOf(nurse.page)
      .getByLabel('Status of “Agree the screening tool”')
      .selectOption({ label: 'Done' });
    const readerLog = logOf(reader.page);
    await expect(readerLog).toContainText('2 actions: 1 not started, 1 done.');
    await expect(readerLog.getByText('Overdue')).toHaveCount(0);
    await expect(readerLog.getByRole('row').filter({ hasText: 'Train night staff' })).toContainText(
      '1 Mar 2099',
    );
    // A commenter reads the log but has nothing to change it with.
    await expect(readerLog.getByRole('textbox')).toHaveCount(0);
    await expect(readerLog.getByRole('button')).toHaveCount(0);
    await expectNoAxeViolations(reader.page, 'improvement plan with an action log (commenter)');
  });

  await test.step('an action removed is gone for everyone, also after a reload', async () => {
    const log = logOf(lead.page);
    await log.getByRole('button', { name: 'Remove “Agree the screening tool”' }).click();
    await expect(log.getByRole('button', { name: 'Remove “Train night staff”' })).toBeFocused();
    await expectNoAxeViolations(lead.page, 'improvement plan with an action log (editor)');
    await expect(l.status).toHaveText('All changes saved');
    await nurse.page.reload();
    await expect(logOf(nurse.page)).toContainText('1 action: 1 not started.');
    await expect(logOf(nurse.page).getByLabel('Owner of “Train night staff”')).toHaveValue(
      'Nia Nurse',
    );
  });

  for (const actor of [lead, nurse, reader]) await actor.context.close();
});
