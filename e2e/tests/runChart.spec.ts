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

const chartOf = (page: Page, measure: string) =>
  page.getByRole('region', { name: `Run chart of ${measure}` });

async function addPoint(chart: Locator, date: string, value: string, note = '') {
  const form = chart.getByRole('group', { name: 'Add a data point' });
  await form.getByLabel('Date', { exact: true }).fill(date);
  await form.getByLabel('Value', { exact: true }).fill(value);
  if (note) await form.getByLabel('Note (optional)').fill(note);
  await form.getByRole('button', { name: 'Add the point' }).click();
}

/**
 * An improvement team keeps a measure's run chart in the plan itself: an improvement lead
 * adds it and data points, a clinician adds points at the same time, both see the chart and
 * its signals explained in words, and a patient partner (commenter) reads it.
 */
test('a run chart in an improvement plan is co-edited live and explains its signals', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'chart-lead'));
  const clinician = await newActor(browser, person('Cleo Clinician', 'chart-clinician'));
  const patient = await newActor(browser, person('Pat Partner', 'chart-patient'));
  for (const actor of [lead, clinician, patient]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Falls collaborative');
  await addMember(lead.page, clinician.person.email, clinician.person.name, {
    permission: 'Editor',
    role: 'Clinician',
  });
  await addMember(lead.page, patient.person.email, patient.person.name, {
    permission: 'Commenter',
    role: 'Patient or service user',
  });
  await createDocument(lead.page, 'Fewer falls on Ward 7', 'Improvement plan');
  const documentUrl = lead.page.url();
  await clinician.page.goto(documentUrl);
  await patient.page.goto(documentUrl);
  const l = documentPage(lead.page);
  await expect(l.status).toHaveText('All changes saved');

  await test.step('the lead inserts a run chart under Measures and names the measure', async () => {
    await l.editor.getByText('Outcome, process and balancing measures').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert run chart' }).click();
    const chart = chartOf(lead.page, 'an unnamed measure');
    await expect(chart).toContainText('No data points yet');
    await chart.getByLabel('Measure', { exact: true }).fill('Falls per 1,000 bed days');
    await expect(chartOf(clinician.page, 'Falls per 1,000 bed days')).toBeVisible();
  });

  const leadChart = chartOf(lead.page, 'Falls per 1,000 bed days');
  const clinicianChart = chartOf(clinician.page, 'Falls per 1,000 bed days');
  await test.step('the lead defines the measure; the clinician reads the definition live', async () => {
    await leadChart.getByText('Definition of the measure (not written yet)').click();
    await leadChart.getByRole('radio', { name: /^Outcome:/ }).check();
    await leadChart.getByLabel('Numerator', { exact: true }).fill('Falls on the ward');
    await leadChart.getByLabel('Denominator', { exact: true }).fill('Occupied bed days ÷ 1,000');
    await leadChart.getByLabel('Target', { exact: true }).fill('3 by March 2027');
    const summary = clinicianChart.getByText(
      'Definition of the measure: outcome measure, target 3 by March 2027',
    );
    await expect(summary).toBeVisible();
    await summary.click();
    await expect(clinicianChart.getByLabel('Denominator', { exact: true })).toHaveValue(
      'Occupied bed days ÷ 1,000',
    );
    await expectNoAxeViolations(lead.page, 'run chart with its measure defined');
  });
  await test.step('a point without a real date or a number is refused, and what was typed stays', async () => {
    const form = leadChart.getByRole('group', { name: 'Add a data point' });
    await form.getByLabel('Value', { exact: true }).fill('about nine');
    await form.getByRole('button', { name: 'Add the point' }).click();
    await expect(form.getByRole('alert')).toHaveText(
      'Enter the date the value was measured, for example 2026-03-01.',
    );
    await form.getByLabel('Date', { exact: true }).fill('2026-01-05');
    await form.getByRole('button', { name: 'Add the point' }).click();
    await expect(form.getByRole('alert')).toHaveText(
      'Enter the value as a number, for example 12 or 4.5.',
    );
    await expect(form.getByLabel('Value', { exact: true })).toHaveValue('about nine');
    await expect(leadChart).toContainText('No data points yet');
  });

  await test.step('both add points at the same time, and both keep theirs', async () => {
    await addPoint(leadChart, '2026-01-05', '9.5', 'Before the bed alarms');
    await expect(leadChart.getByRole('status')).toHaveText('Added 9.5 on 5 Jan 2026.');
    await addPoint(leadChart, '2026-01-12', '8.1');
    await Promise.all([
      addPoint(leadChart, '2026-01-19', '7.4'),
      addPoint(clinicianChart, '2026-01-26', '6.2', 'Bed alarms on all bays'),
    ]);
    for (const chart of [leadChart, clinicianChart]) {
      await expect(chart.getByRole('table', { name: 'Data points' }).getByRole('row')).toHaveCount(
        5,
      );
    }
    await expect(l.status).toHaveText('All changes saved');
  });

  await test.step('a fifth falling point is a trend, explained in words to everyone', async () => {
    await addPoint(clinicianChart, '2026-02-02', '5.0');
    const trend =
      'Trend: 5 points in a row each lower than the one before, from 5 Jan 2026 to 2 Feb 2026.';
    for (const page of [lead.page, clinician.page, patient.page]) {
      const signals = chartOf(page, 'Falls per 1,000 bed days').getByRole('list', {
        name: 'Signals of change',
      });
      await expect(signals).toContainText(trend);
    }
    await expect(leadChart).toContainText('the median (middle value) is 7.4');
    await expect(
      leadChart.getByRole('img', { name: 'Run chart of Falls per 1,000 bed days' }),
    ).toBeVisible();
    await expectNoAxeViolations(lead.page, 'improvement plan with a run chart (editor)');
  });

  await test.step('the patient partner reads the chart but cannot change it', async () => {
    const chart = chartOf(patient.page, 'Falls per 1,000 bed days');
    await expect(chart.getByRole('group', { name: 'Add a data point' })).toHaveCount(0);
    await expect(chart.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
    await expect(chart.getByLabel('Measure', { exact: true })).toHaveAttribute('readonly', '');
    await expectNoAxeViolations(patient.page, 'improvement plan with a run chart (commenter)');
  });

  await test.step('a point removed is gone for everyone, and everything survives a reload', async () => {
    await leadChart.getByRole('button', { name: 'Remove the point of 26 Jan 2026, 6.2' }).click();
    // Focus moves to the next point's button, not to the page.
    await expect(
      leadChart.getByRole('button', { name: 'Remove the point of 2 Feb 2026, 5' }),
    ).toBeFocused();
    await expect(
      clinicianChart.getByRole('table', { name: 'Data points' }).getByRole('row'),
    ).toHaveCount(5);
    await expect(l.status).toHaveText('All changes saved');
    await clinician.page.reload();
    const again = chartOf(clinician.page, 'Falls per 1,000 bed days');
    await expect(again.getByRole('table', { name: 'Data points' })).toContainText(
      'Before the bed alarms',
    );
    await expect(again.getByRole('table', { name: 'Data points' })).not.toContainText(
      'Bed alarms on all bays',
    );
    await expect(again.getByRole('table', { name: 'Data points' }).getByRole('row')).toHaveCount(5);
  });

  for (const actor of [lead, clinician, patient]) await actor.context.close();
});
