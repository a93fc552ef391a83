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

/**
 * A cycle tests a change idea picked from the plan's driver diagram: the link follows the
 * idea when a patient partner rewords it in the diagram, on every screen, and when the
 * lead removes the idea the cycle says so in words, keeping its last words, until another
 * is picked or written.
 */
test('a cycle’s change idea picked from the driver diagram follows a rename, and a removal is said', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'pdsa-idea-lead'));
  const partner = await newActor(browser, person('Pat Partner', 'pdsa-idea-partner'));
  for (const actor of [lead, partner]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Outpatients collaborative');
  await addMember(lead.page, partner.person.email, partner.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await createDocument(lead.page, 'Fewer missed appointments', 'Improvement plan');
  await partner.page.goto(lead.page.url());
  const l = documentPage(lead.page);
  const p = documentPage(partner.page);
  const diagramOf = (page: Page) => page.getByRole('region', { name: 'Driver diagram' });
  const ideaField = (page: Page) => cycleOf(page).getByLabel('Change idea being tested');
  const picker = (page: Page) => cycleOf(page).getByLabel('Or pick one from the driver diagram');
  const BRANCH = 'Reminders that reach people';

  await test.step('the lead builds a driver diagram with two change ideas, and adds a cycle', async () => {
    await l.editor.getByText('Aim, primary drivers, secondary drivers').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert driver diagram' }).click();
    const diagram = diagramOf(lead.page);
    const primary = diagram.getByLabel('Add a primary driver', { exact: true });
    await primary.fill('Patients remember their appointment');
    await primary.press('Enter');
    const secondary = diagram.getByLabel(
      'Add a secondary driver to “Patients remember their appointment”',
    );
    await secondary.fill(BRANCH);
    await secondary.press('Enter');
    const idea = diagram.getByLabel(`Add a change idea to “${BRANCH}”`);
    await idea.fill('Text reminders');
    await idea.press('Enter');
    await idea.fill('Easy rebooking line');
    await idea.press('Enter');
    await expect(diagram).toContainText('1 primary driver, 1 secondary driver and 2 change ideas.');
    await l.editor.getByText('Plan, do, study, act for each change idea').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert PDSA cycle' }).click();
    await lead.page
      .getByRole('region', { name: 'PDSA cycle' })
      .getByLabel('Name of this test')
      .fill(NAME);
    await expect(ideaField(lead.page)).toHaveAccessibleDescription(
      'Write it, or pick one from the driver diagram below.',
    );
  });

  await test.step('picking an idea from the diagram links the cycle to it, on both screens', async () => {
    await expect(picker(lead.page).locator('option')).toHaveText([
      'None: the words written above',
      'Text reminders',
      'Easy rebooking line',
    ]);
    await picker(lead.page).selectOption({ label: 'Text reminders' });
    await expect(cycleOf(lead.page).getByRole('status')).toHaveText(
      'The cycle now tests “Text reminders”, linked to the driver diagram.',
    );
    for (const page of [lead.page, partner.page]) {
      await expect(ideaField(page)).toHaveValue('Text reminders');
      await expect(ideaField(page)).toHaveAccessibleDescription(
        /^From the driver diagram: renamed there, it is renamed here\./,
      );
    }
    await expect(picker(partner.page)).toHaveValue(/^[0-9a-f-]{36}$/);
  });

  await test.step('the partner rewords the idea in the diagram: the cycle follows on every screen', async () => {
    await diagramOf(partner.page)
      .getByLabel(`Change idea 1 of “${BRANCH}”`, { exact: true })
      .fill('Text reminders two days before');
    for (const page of [lead.page, partner.page]) {
      await expect(ideaField(page)).toHaveValue('Text reminders two days before');
      await expect(picker(page).locator('option:checked')).toHaveText(
        'Text reminders two days before',
      );
    }
    await expect(p.status).toHaveText('All changes saved');
    await expectNoAxeViolations(lead.page, 'PDSA cycle linked to a driver diagram’s change idea');
  });

  await test.step('the lead removes the idea: the cycle says so and keeps its words', async () => {
    await diagramOf(lead.page)
      .getByRole('button', { name: 'Remove the change idea “Text reminders two days before”' })
      .click();
    const removed =
      'The change idea “Text reminders two days before” was removed from the driver diagram.';
    for (const page of [lead.page, partner.page]) {
      await expect(ideaField(page)).toHaveValue('Text reminders two days before');
      await expect(ideaField(page)).toHaveAccessibleDescription(
        `${removed} Pick another below, or write one.`,
      );
      await expect(cycleOf(page)).toContainText(removed);
      await expect(picker(page).locator('option')).toHaveText([
        'None: the words written above',
        'Easy rebooking line',
      ]);
    }
    await expect(l.status).toHaveText('All changes saved');
    await expectNoAxeViolations(partner.page, 'PDSA cycle whose change idea was removed');
  });

  await test.step('the partner picks another, then writes their own words, which unlinks it', async () => {
    await picker(partner.page).selectOption({ label: 'Easy rebooking line' });
    await expect(ideaField(lead.page)).toHaveValue('Easy rebooking line');
    await ideaField(partner.page).fill('Easy rebooking line, by text message');
    for (const page of [lead.page, partner.page]) {
      await expect(ideaField(page)).toHaveValue('Easy rebooking line, by text message');
      await expect(picker(page)).toHaveValue('');
    }
    // No longer linked: a rename in the diagram leaves the cycle's own words alone.
    await diagramOf(lead.page)
      .getByLabel(`Change idea 1 of “${BRANCH}”`, { exact: true })
      .fill('One number to rebook');
    await expect(
      diagramOf(partner.page).getByLabel(`Change idea 1 of “${BRANCH}”`, { exact: true }),
    ).toHaveValue('One number to rebook');
    await expect(ideaField(partner.page)).toHaveValue('Easy rebooking line, by text message');
    await expect(p.status).toHaveText('All changes saved');
  });

  await test.step('after a reload the link is still there', async () => {
    await picker(lead.page).selectOption({ label: 'One number to rebook' });
    await partner.page.reload();
    await expect(ideaField(partner.page)).toHaveValue('One number to rebook');
    await expect(ideaField(partner.page)).toHaveAccessibleDescription(
      /^From the driver diagram: renamed there, it is renamed here\./,
    );
  });

  for (const actor of [lead, partner]) await actor.context.close();
});

/**
 * The driver diagram lists the cycles testing each change idea, live with their stage, as
 * links that take focus to the cycle; a cycle links to the run chart of its data, shown in
 * the cycle with a link to the chart. A lead and a patient partner, on two screens.
 */
test('a change idea lists the cycles testing it, and a cycle links to its run chart', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'pdsa-links-lead'));
  const partner = await newActor(browser, person('Pat Partner', 'pdsa-links-partner'));
  for (const actor of [lead, partner]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Outpatients collaborative');
  await addMember(lead.page, partner.person.email, partner.person.name, {
    permission: 'Editor',
    role: 'Patient or service user',
  });
  await createDocument(lead.page, 'Fewer missed appointments', 'Improvement plan');
  await partner.page.goto(lead.page.url());
  const l = documentPage(lead.page);
  const p = documentPage(partner.page);
  const diagramOf = (page: Page) => page.getByRole('region', { name: 'Driver diagram' });
  const testedBy = (page: Page) =>
    diagramOf(page).getByRole('list', { name: 'PDSA cycles testing “Text reminders”' });
  const MEASURE = 'Missed appointments (%)';
  const chartOf = (page: Page) => page.getByRole('region', { name: `Run chart of ${MEASURE}` });
  const chartPicker = (page: Page) => cycleOf(page).getByLabel('Run chart for this cycle’s data');

  await test.step('the lead builds a diagram, a run chart and a cycle testing the idea', async () => {
    await l.editor.getByText('Aim, primary drivers, secondary drivers').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert driver diagram' }).click();
    const diagram = diagramOf(lead.page);
    const primary = diagram.getByLabel('Add a primary driver', { exact: true });
    await primary.fill('Patients remember their appointment');
    await primary.press('Enter');
    const secondary = diagram.getByLabel(
      'Add a secondary driver to “Patients remember their appointment”',
    );
    await secondary.fill('Reminders that reach people');
    await secondary.press('Enter');
    const idea = diagram.getByLabel('Add a change idea to “Reminders that reach people”');
    await idea.fill('Text reminders');
    await idea.press('Enter');
    await l.editor.getByText('Outcome, process and balancing measures').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert run chart' }).click();
    await lead.page
      .getByRole('region', { name: 'Run chart of an unnamed measure' })
      .getByLabel('Measure', { exact: true })
      .fill(MEASURE);
    await l.editor.getByText('Plan, do, study, act for each change idea').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert PDSA cycle' }).click();
    await lead.page
      .getByRole('region', { name: 'PDSA cycle' })
      .getByLabel('Name of this test')
      .fill(NAME);
    await cycleOf(lead.page)
      .getByLabel('Or pick one from the driver diagram')
      .selectOption({ label: 'Text reminders' });
  });

  await test.step('the diagram lists the cycle under its idea, with its stage, on both screens', async () => {
    for (const page of [lead.page, partner.page]) {
      await expect(testedBy(page).getByRole('listitem')).toHaveText([
        `Go to the PDSA cycle ${NAME} (at Plan)`,
      ]);
    }
    await expect(p.status).toHaveText('All changes saved');
    await expectNoAxeViolations(partner.page, 'driver diagram listing the cycles of a change idea');
  });

  await test.step('the partner follows the link: focus goes to the cycle', async () => {
    await testedBy(partner.page)
      .getByRole('button', { name: `Go to the PDSA cycle ${NAME}` })
      .click();
    await expect(cycleOf(partner.page)).toBeFocused();
  });

  await test.step('the lead links the run chart: both see it in the cycle, and can go to it', async () => {
    await expect(chartPicker(lead.page).locator('option')).toHaveText([
      'None',
      `Run chart of “${MEASURE}”`,
    ]);
    await chartPicker(lead.page).selectOption({ label: `Run chart of “${MEASURE}”` });
    await expect(cycleOf(lead.page).getByRole('status')).toHaveText(
      `Run chart of “${MEASURE}” is linked to the cycle.`,
    );
    for (const page of [lead.page, partner.page]) {
      await expect(cycleOf(page)).toContainText(`Data: Run chart of “${MEASURE}”.`);
      await expect(chartPicker(page)).toHaveValue(/^[0-9a-f-]{36}$/);
    }
    await cycleOf(partner.page)
      .getByRole('button', { name: 'Go to the run chart of this cycle' })
      .click();
    await expect(chartOf(partner.page)).toBeFocused();
    await expect(l.status).toHaveText('All changes saved');
    await expectNoAxeViolations(lead.page, 'PDSA cycle linked to a run chart');
  });

  await test.step('the lead starts Do: the partner’s diagram says so, live', async () => {
    const cycle = cycleOf(lead.page);
    await cycle
      .getByLabel(PREDICTION)
      .fill('Texting a reminder two days before halves missed appointments');
    await cycle.getByRole('button', { name: 'Start Do' }).click();
    await cycle.getByRole('button', { name: 'Yes, start Do' }).click();
    await expect(testedBy(partner.page).getByRole('listitem')).toHaveText([
      `Go to the PDSA cycle ${NAME} (at Do)`,
    ]);
    // The chart link does not lock at Do: it can still be changed.
    await chartPicker(partner.page).selectOption({ label: 'None' });
    await expect(cycleOf(lead.page)).not.toContainText('Data: Run chart');
    await expect(p.status).toHaveText('All changes saved');
    await expectNoAxeViolations(partner.page, 'PDSA cycle at Do, its run chart unlinked');
  });

  for (const actor of [lead, partner]) await actor.context.close();
});
