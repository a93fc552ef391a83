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

const diagramOf = (page: Page) => page.getByRole('region', { name: 'Driver diagram' });

/**
 * A driver diagram built by two people at once with the keyboard alone (no dragging):
 * the lead adds drivers while a patient partner adds the change ideas under them, and
 * both see the same tree, as nested lists, live.
 */
test('a driver diagram is built together with the keyboard and read as nested lists', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'drivers-lead'));
  const partner = await newActor(browser, person('Pat Partner', 'drivers-partner'));
  for (const actor of [lead, partner]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Outpatients');
  await addMember(lead.page, partner.person.email, partner.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await createDocument(lead.page, 'Fewer missed appointments', 'Improvement plan');
  await partner.page.goto(lead.page.url());
  const l = documentPage(lead.page);

  await l.editor.getByText('Aim, primary drivers, secondary drivers').click();
  await lead.page.keyboard.press('End');
  await l.toolbar.getByRole('button', { name: 'Insert driver diagram' }).click();
  const mine = diagramOf(lead.page);
  await mine
    .getByLabel('Aim', { exact: true })
    .fill('Missed appointments from 12% to 8% by June 2027');
  const addPrimary = mine.getByLabel('Add a primary driver', { exact: true });
  await addPrimary.fill('Patients remember their appointment');
  await addPrimary.press('Enter');

  const theirs = diagramOf(partner.page);
  const secondaryField = theirs.getByLabel(
    'Add a secondary driver to “Patients remember their appointment”',
  );
  await secondaryField.fill('Reminders that reach people');
  await secondaryField.press('Enter');
  // The lead adds a second primary driver while the partner adds a change idea.
  const ideaField = theirs.getByLabel('Add a change idea to “Reminders that reach people”');
  await ideaField.fill('Text reminders two days before');
  await addPrimary.fill('Rebooking is easy');
  await Promise.all([ideaField.press('Enter'), addPrimary.press('Enter')]);

  for (const page of [lead.page, partner.page]) {
    const diagram = diagramOf(page);
    await expect(diagram).toContainText('2 primary drivers, 1 secondary driver and 1 change idea.');
    await expect(
      diagram.getByRole('list', { name: 'Change ideas of “Reminders that reach people”' }),
    ).toBeVisible();
    await expect(diagram.getByLabel('Primary driver 2')).toHaveValue('Rebooking is easy');
    await expect(
      diagram.getByLabel('Change idea 1 of “Reminders that reach people”', { exact: true }),
    ).toHaveValue('Text reminders two days before');
  }
  await expect(l.status).toHaveText('All changes saved');
  await expectNoAxeViolations(partner.page, 'improvement plan with a driver diagram');

  await mine.getByRole('button', { name: 'Remove the primary driver “Rebooking is easy”' }).click();
  // The button is gone: focus goes to the diagram's summary, and the removal is said.
  await expect(mine.getByRole('status')).toHaveText(
    'Removed “Rebooking is easy” and everything under it.',
  );
  await expect(mine.getByText(/^1 primary driver/)).toBeFocused();
  await expect(diagramOf(partner.page)).toContainText(
    '1 primary driver, 1 secondary driver and 1 change idea.',
  );
  // A PDSA cycle in the same plan offers the diagram's change ideas to test.
  await l.editor.getByText('Plan, do, study, act for each change idea').click();
  await lead.page.keyboard.press('End');
  await l.toolbar.getByRole('button', { name: 'Insert PDSA cycle' }).click();
  const cycle = lead.page.getByRole('region', { name: 'PDSA cycle' });
  const picker = cycle.getByLabel('Or pick one from the driver diagram');
  await expect(picker.locator('option')).toHaveText([
    'None: the words written above',
    'Text reminders two days before',
  ]);
  await picker.selectOption({ label: 'Text reminders two days before' });
  await expect(cycle.getByLabel('Change idea being tested')).toHaveValue(
    'Text reminders two days before',
  );
  await expect(l.status).toHaveText('All changes saved');
  await expectNoAxeViolations(lead.page, 'PDSA cycle offering the diagram’s change ideas');

  for (const actor of [lead, partner]) await actor.context.close();
});
