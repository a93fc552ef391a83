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

const NAME = 'Cycle 1: text reminders in one clinic';
const cycleOf = (page: Page) => page.getByRole('region', { name: `PDSA cycle: ${NAME}` });
const PREDICTION = 'Prediction: what do you expect to happen, and why?';

/**
 * An improvement lead and a patient partner run a PDSA cycle in their plan: they plan it
 * together, the prediction locks when Do starts (also against a change the patient partner
 * made offline just before), and the study is read against what was predicted.
 */
test('a PDSA cycle is planned together, and its prediction locks when Do starts', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'pdsa-lead'));
  const partner = await newActor(browser, person('Pat Partner', 'pdsa-partner'));
  const reader = await newActor(browser, person('Rae Reader', 'pdsa-reader'));
  for (const actor of [lead, partner, reader]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Outpatients collaborative');
  await addMember(lead.page, partner.person.email, partner.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await addMember(lead.page, reader.person.email, reader.person.name, {
    permission: 'Commenter',
    role: 'Clinician',
  });
  await createDocument(lead.page, 'Fewer missed appointments', 'Improvement plan');
  const url = lead.page.url();
  await partner.page.goto(url);
  await reader.page.goto(url);
  const l = documentPage(lead.page);
  const p = documentPage(partner.page);
  await expect(l.status).toHaveText('All changes saved');

  await test.step('the lead adds a cycle under PDSA cycles and names it; everyone sees it', async () => {
    await l.editor.getByText('Plan, do, study, act for each change idea').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert PDSA cycle' }).click();
    const cycle = lead.page.getByRole('region', { name: 'PDSA cycle' });
    await cycle.getByLabel('Name of this test').fill(NAME);
    await cycle.getByLabel('Change idea being tested').fill('Text reminders two days before');
    await expect(cycleOf(partner.page)).toBeVisible();
    await expect(cycleOf(reader.page).getByLabel('Change idea being tested')).toHaveValue(
      'Text reminders two days before',
    );
  });

  await test.step('Do cannot start without a prediction; the partner writes it', async () => {
    const cycle = cycleOf(lead.page);
    await cycle.getByRole('button', { name: 'Start Do' }).click();
    await cycle.getByRole('button', { name: 'Yes, start Do' }).click();
    await expect(cycle.getByRole('alert')).toHaveText(
      'Write the prediction first: what do you expect to happen, and why?',
    );
    await cycle.getByRole('button', { name: 'Cancel' }).click();
    await cycleOf(partner.page)
      .getByLabel(PREDICTION)
      .fill('Missed appointments fall from 12% to 8%, as people forget less');
    await expect(cycle.getByLabel(PREDICTION)).toHaveValue(
      'Missed appointments fall from 12% to 8%, as people forget less',
    );
    await expect(p.status).toHaveText('All changes saved');
    await expectNoAxeViolations(lead.page, 'improvement plan with a PDSA cycle (planning)');
  });

  await test.step('a change made offline just before Do started is set back, and shown to its writer', async () => {
    await partner.context.setOffline(true);
    await expect(p.status).toHaveText(/^Offline: /);
    await cycleOf(partner.page).getByLabel(PREDICTION).fill('Missed appointments stop altogether');
    const cycle = cycleOf(lead.page);
    await cycle.getByRole('button', { name: 'Start Do' }).click();
    await cycle.getByRole('button', { name: 'Yes, start Do' }).click();
    await expect(l.status).toHaveText('All changes saved');
    await partner.context.setOffline(false);
    const locked = 'Missed appointments fall from 12% to 8%, as people forget less';
    for (const page of [lead.page, partner.page, reader.page]) {
      const c = cycleOf(page);
      await expect(
        c.getByRole('list', { name: 'Stages of the cycle' }).locator('[aria-current="step"]'),
      ).toHaveText('Do (current stage)');
      await expect(c.getByText('Prediction (locked when Do started)')).toBeVisible();
      await expect(c).toContainText(locked);
      await expect(c.getByLabel(PREDICTION)).toHaveCount(0);
    }
    const alert = cycleOf(partner.page).getByRole('alert');
    await expect(alert).toContainText('Do started while you were changing the prediction');
    await expect(alert).toContainText('Missed appointments stop altogether');
    await expect(p.status).toHaveText('All changes saved');
    await expectNoAxeViolations(partner.page, 'PDSA cycle with a late prediction change');
  });

  await test.step('do, study against the prediction, and act; completing needs a decision', async () => {
    const mine = cycleOf(partner.page);
    await mine
      .getByLabel('What happened: observations and problems')
      .fill('40 texts sent; two numbers were wrong');
    await mine.getByRole('button', { name: 'Move to Study' }).click();
    // The button pressed is gone: focus goes to the stage line, and the move is said.
    await expect(mine.getByText(/^Now at:/)).toBeFocused();
    await expect(mine.getByRole('status')).toHaveText('The cycle moved to Study.');
    const cycle = cycleOf(lead.page);
    await expect(cycle.getByText('What we predicted:')).toBeVisible();
    await expect(cycle.getByLabel('What happened: observations and problems')).toHaveValue(
      '40 texts sent; two numbers were wrong',
    );
    await cycle
      .getByLabel('What we found, compared with the prediction')
      .fill('Missed appointments fell to 9%: close to the prediction');
    await cycle.getByRole('button', { name: 'Move to Act' }).click();
    await cycle.getByRole('button', { name: 'Complete the cycle' }).click();
    await expect(cycle.getByRole('alert')).toHaveText(
      'Choose whether to adopt, adapt or abandon the change first.',
    );
    await cycle.getByLabel('Adapt: change it and test again').check();
    await expect(cycle.getByRole('alert')).toHaveCount(0);
    await expectNoAxeViolations(lead.page, 'PDSA cycle at Act (editor, with radios)');
    await cycle.getByRole('button', { name: 'Complete the cycle' }).click();
    await expect(cycleOf(partner.page)).toContainText('This cycle is complete.');
    await expect(l.status).toHaveText('All changes saved');
  });

  await test.step('a commenter reads the cycle but cannot change it, also after a reload', async () => {
    await reader.page.reload();
    const cycle = cycleOf(reader.page);
    await expect(cycle.getByText('Decision:')).toBeVisible();
    await expect(cycle).toContainText('Adapt: change it and test again');
    await expect(cycle.getByLabel('Next steps')).toHaveAttribute('readonly', '');
    await expect(cycle.getByRole('button')).toHaveCount(0);
    await expectNoAxeViolations(reader.page, 'completed PDSA cycle (commenter)');
  });

  for (const actor of [lead, partner, reader]) await actor.context.close();
});
