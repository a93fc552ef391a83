import { expect, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { score } from '../fixtures/evaluation.ts';

/** Signs the declaration of interests with no conflict, as a panel member must before scoring. */
async function declareNoConflict(page: Page) {
  const form = page.getByRole('form', { name: 'Your declaration' });
  await form.getByLabel('I will keep the bids, scores and discussions confidential').check();
  await form.getByRole('radio', { name: 'No' }).check();
  await form.getByRole('button', { name: 'Sign the declaration' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Declarations of interests' })).toBeFocused();
}

/**
 * A procurement panel: the commissioner sets up criteria, a bid and the panel and chairs
 * it; a lay evaluator and a clinician score alone, neither seeing the other's scores; the
 * chair opens moderation with a recorded reason, and then everyone sees every score; the
 * panel agrees a score per criterion, the chair signs off, and every score exports as CSV.
 */
test('a lay evaluator and a clinician score alone; moderation reveals both, the panel agrees scores and the chair signs off', async ({
  browser,
}) => {
  const chair = await newActor(browser, person('Cher Commissioner', 'eval-chair'));
  const lay = await newActor(browser, person('Lee Lay', 'eval-lay'));
  const clinician = await newActor(browser, person('Cal Clinician', 'eval-clinician'));
  for (const actor of [chair, lay, clinician]) await signUp(actor.page, actor.person);
  await createWorkspace(chair.page, 'Eye care procurement');
  await addMember(chair.page, lay.person.email, lay.person.name, {
    role: 'Patient or service user',
  });
  await addMember(chair.page, clinician.person.email, clinician.person.name, {
    role: 'Clinician',
  });
  await createDocument(chair.page, 'Lot 1: community eye care', 'Procurement evaluation');
  await chair.page.getByRole('link', { name: 'Scoring', exact: true }).click();
  await expect(
    chair.page.getByRole('heading', { level: 1, name: 'Scoring of Lot 1: community eye care' }),
  ).toBeVisible();
  const scoringUrl = chair.page.url();
  await expectNoAxeViolations(chair.page, 'evaluation set-up');

  // Set-up, with weights that do not add up at first: the page says so in words.
  const setup = chair.page.getByRole('form', { name: 'Set up the evaluation' });
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 1: title').fill('Quality of care');
  await setup.getByLabel('Criterion 1: weight, per cent').fill('70');
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 2: title').fill('Patient experience');
  await setup.getByLabel('Criterion 2: how it is scored').selectOption({ label: 'Scored 0 to 5' });
  await setup.getByLabel('Criterion 2: weight, per cent').fill('20');
  // The panel words patient experience's levels itself, starting from the standard wording.
  await setup.getByLabel('Criterion 2: describe each level in our own words').check();
  const top = setup.getByLabel('Criterion 2, level 5: what it means');
  await expect(top).toHaveValue('Excellent: exceeds the requirement, with strong evidence');
  await top.fill('Excellent: designed with patients, with evidence of it');
  await expectNoAxeViolations(chair.page, 'evaluation set-up with a criterion’s own descriptors');
  await setup.getByRole('button', { name: 'Add a bid' }).click();
  await setup.getByLabel('Bid 1: bidder').fill('Northside Eye Care');
  await setup.getByLabel(`Panel role for ${chair.person.name}`).selectOption({ label: 'Chair' });
  await setup
    .getByLabel(`Panel role for ${lay.person.name}`)
    .selectOption({ label: 'Lay evaluator' });
  await setup
    .getByLabel(`Panel role for ${clinician.person.name}`)
    .selectOption({ label: 'Evaluator' });
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('status')).toHaveText('Set-up saved.');
  const start = chair.page.getByRole('region', { name: 'Start scoring' });
  await expect(start).toContainText('The weights of the scored criteria add up to 90%');
  await expect(start.getByRole('button', { name: 'Start scoring' })).toHaveCount(0);
  await setup.getByLabel('Criterion 2: weight, per cent').fill('30');
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await start.getByRole('button', { name: 'Start scoring' }).click();
  await expect(chair.page.getByText('Stage: Individual scoring.')).toBeVisible();
  await expectNoAxeViolations(chair.page, 'evaluation while scoring, as chair');

  await declareNoConflict(chair.page);

  // The lay evaluator declares no conflict, scores both criteria and submits.
  await lay.page.goto(scoringUrl);
  await expect(lay.page.getByRole('heading', { name: 'Your scores' })).toHaveCount(0);
  await expectNoAxeViolations(lay.page, 'declaration of interests');
  await declareNoConflict(lay.page);
  await score(
    lay.page,
    'Quality of care for Northside Eye Care',
    /^3 – Good/,
    'Lee: clear referral pathway, but little on waiting times.',
  );
  await score(
    lay.page,
    'Patient experience for Northside Eye Care',
    /^5 – Excellent/,
    'Lee: patients co-designed the reminder letters.',
  );
  await expect(
    lay.page
      .getByRole('form', { name: 'Patient experience for Northside Eye Care' })
      .getByRole('radio', { name: '5 – Excellent: designed with patients, with evidence of it' }),
  ).toBeChecked();
  await expectNoAxeViolations(lay.page, 'score sheet');
  // A change not yet saved stops the submission rather than vanishing with it.
  const layQuality = lay.page.getByRole('form', { name: 'Quality of care for Northside Eye Care' });
  await layQuality.getByLabel('Your rationale').fill('Lee: second thoughts, not saved yet.');
  await lay.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(
    lay.page.getByRole('region', { name: 'Your scores' }).getByRole('alert').last(),
  ).toContainText('Save or undo your changes first: Quality of care for Northside Eye Care');
  await layQuality
    .getByLabel('Your rationale')
    .fill('Lee: clear referral pathway, but little on waiting times.');
  await lay.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(lay.page.getByText('You have submitted your scores.')).toBeFocused();

  // The clinician cannot see the lay evaluator's scores, and a bare score is refused
  // without losing what was chosen.
  // The clinician declares a conflict: kept out until the chair records an exception.
  await clinician.page.goto(scoringUrl);
  const declaration = clinician.page.getByRole('form', { name: 'Your declaration' });
  await declaration.getByLabel('I will keep the bids, scores and discussions confidential').check();
  await declaration.getByRole('radio', { name: 'Yes' }).check();
  await declaration
    .getByLabel('Describe the conflict')
    .fill('My partner sits on the board of Northside Eye Care.');
  await declaration.getByRole('button', { name: 'Sign the declaration' }).click();
  await expect(clinician.page.getByText('You declared a conflict of interest')).toBeVisible();
  await expect(clinician.page.getByRole('heading', { name: 'Your scores' })).toHaveCount(0);
  await chair.page.reload();
  const exception = chair.page.getByRole('form', {
    name: `Exception for ${clinician.person.name}`,
  });
  await exception
    .getByLabel(`How ${clinician.person.name}’s conflict is mitigated`)
    .fill('Cal scores clinical quality only; the lay evaluator reviews any outlier.');
  await exception.getByRole('button', { name: `Let ${clinician.person.name} take part` }).click();
  await expect(chair.page.getByRole('region', { name: 'Declarations of interests' })).toContainText(
    'the chair allowed them to take part',
  );
  await expectNoAxeViolations(chair.page, 'declarations register');
  await clinician.page.reload();
  await expect(clinician.page.getByRole('heading', { name: 'Your scores' })).toBeVisible();
  await expect(clinician.page.getByRole('main')).not.toContainText('clear referral pathway');
  const quality = clinician.page.getByRole('form', {
    name: 'Quality of care for Northside Eye Care',
  });
  await quality.getByRole('radio', { name: /^1 – Poor/ }).check();
  await quality.getByLabel('Your rationale').fill('Too thin');
  await quality.getByRole('button', { name: 'Save this score' }).click();
  await expect(quality.getByRole('alert')).toContainText('at least 20 characters');
  await expect(quality.getByRole('radio', { name: /^1 – Poor/ })).toBeChecked();
  await quality
    .getByLabel('Your rationale')
    .fill('Cal: staffing plan does not cover rural clinics.');
  await quality.getByRole('button', { name: 'Save this score' }).click();
  await expect(quality.getByRole('status')).toHaveText(/Saved/);
  await score(
    clinician.page,
    'Patient experience for Northside Eye Care',
    /^4 – Good/,
    'Cal: the letters were tested with patients.',
  );

  // The chair sees who has submitted, not what; opening early needs a reason.
  const panel = chair.page.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText(`${lay.person.name}: Lay evaluator, has submitted`);
  await expect(panel).toContainText(`${clinician.person.name}: Evaluator, has not submitted yet`);
  await expect(chair.page.getByRole('main')).not.toContainText('clear referral pathway');
  const open = chair.page.getByRole('form', { name: 'Open moderation' });
  await open.getByRole('button', { name: 'Open moderation' }).click();
  await expect(open.getByRole('alert')).toContainText('Give the reason');
  await expect(open.getByLabel('Why moderation cannot wait')).toBeVisible();

  // Once the clinician submits, moderation opens without a reason; focus goes to the stage.
  await clinician.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(clinician.page.getByText('You have submitted your scores.')).toBeVisible();
  // No reload: the server tells the chair's page, which follows the evaluation live, at once
  // (it would ask by itself only a minute later).
  await expect(chair.page.getByText(/appears as they do it/)).toBeVisible();
  await expect(panel).toContainText(`${clinician.person.name}: Evaluator, has submitted`, {
    timeout: 3_000,
  });
  await expect(open).toContainText('Every evaluator has submitted.');
  await open.getByRole('button', { name: 'Open moderation' }).click();
  await expect(chair.page.getByText('Stage: Moderation.')).toBeFocused();
  await expect(chair.page.getByRole('main')).toContainText('clear referral pathway');
  await expect(chair.page.getByRole('main')).toContainText('staffing plan does not cover');
  // 70% × (3 + 1) / 2 of 4 = 35, plus 30% × (5 + 4) / 2 of 5 = 27.
  const northside = chair.page
    .getByRole('table', { name: 'Weighted totals and ranking' })
    .getByRole('row', { name: /Northside Eye Care/ });
  await expect(northside.getByRole('cell')).toHaveText(['62', '1st']);
  await expect(chair.page.getByText('Wide disagreement')).toBeVisible();
  await expectNoAxeViolations(chair.page, 'moderation');

  // The lay evaluator's open page learns of it at once and offers the new stage rather
  // than swapping it in under them; then they see the clinician's rationale too.
  const movedOn = lay.page.getByRole('alert').filter({ hasText: 'The evaluation has moved on' });
  await expect(movedOn).toContainText('The evaluation has moved on to: Moderation.', {
    timeout: 3_000,
  });
  await expectNoAxeViolations(lay.page, 'the evaluation moved on notice');
  await movedOn.getByRole('button', { name: 'Show the evaluation as it is now' }).click();
  await expect(lay.page.getByText('Stage: Moderation.')).toBeFocused();
  await expect(lay.page.getByRole('main')).toContainText('staffing plan does not cover');
  await expect(lay.page.getByRole('button', { name: 'Save this score' })).toHaveCount(0);

  // The panel agrees a score per criterion: one unlike both individual scores needs a reason.
  const agreeQuality = lay.page.getByRole('form', {
    name: 'Agreed score for Quality of care for Northside Eye Care',
  });
  await agreeQuality.getByLabel('Agreed score', { exact: true }).selectOption({
    label: '2 – Satisfactory: meets the requirement, with minor gaps',
  });
  await agreeQuality
    .getByLabel('Agreed rationale')
    .fill('Agreed: a clear pathway; rural staffing needs a plan.');
  await agreeQuality.getByRole('button', { name: 'Save the agreed score' }).click();
  await expect(agreeQuality.getByRole('alert')).toContainText(
    'differs from every individual score (1, 3)',
  );
  await agreeQuality
    .getByLabel('Reason, if the agreed score differs from every individual score')
    .fill('Met in the middle after reading the staffing annex together.');
  await agreeQuality.getByRole('button', { name: 'Save the agreed score' }).click();
  await expect(agreeQuality.getByRole('status')).toHaveText('Agreed score saved.');
  await expectNoAxeViolations(lay.page, 'moderation with agreed scores');

  await chair.page.reload();
  const agreeExperience = chair.page.getByRole('form', {
    name: 'Agreed score for Patient experience for Northside Eye Care',
  });
  // Moderation offers the panel's own wording too.
  await agreeExperience.getByLabel('Agreed score', { exact: true }).selectOption({
    label: '5 – Excellent: designed with patients, with evidence of it',
  });
  await agreeExperience
    .getByLabel('Agreed rationale')
    .fill('Agreed: reminder letters were co-designed with patients.');
  await agreeExperience.getByRole('button', { name: 'Save the agreed score' }).click();
  await expect(agreeExperience.getByRole('status')).toHaveText('Agreed score saved.');
  await chair.page.getByRole('button', { name: 'Sign off the evaluation' }).click();
  await chair.page.getByRole('button', { name: 'Yes, sign off' }).click();
  await expect(chair.page.getByText('Stage: Signed off.')).toBeVisible();
  // 70% × 2 of 4 = 35, plus 30% × 5 of 5 = 30.
  const agreedRow = chair.page
    .getByRole('table', { name: 'Agreed totals and ranking' })
    .getByRole('row', { name: /Northside Eye Care/ });
  await expect(agreedRow.getByRole('cell')).toHaveText(['65', '1st']);
  await expect(chair.page.getByRole('button', { name: 'Save the agreed score' })).toHaveCount(0);
  await expectNoAxeViolations(chair.page, 'signed-off evaluation');

  // The record for the file: every score, individual and agreed, as CSV.
  const csvLink = chair.page.getByRole('link', {
    name: 'Download every score as a spreadsheet (CSV)',
  });
  const csv = await chair.page.request.get((await csvLink.getAttribute('href')) ?? '');
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text).toContain('Lee: clear referral pathway');
  expect(text).toContain('Met in the middle after reading the staffing annex together.');
  const reportLink = chair.page.getByRole('link', {
    name: /Download the evaluation report \(Word\)/,
  });
  const docx = await chair.page.request.get((await reportLink.getAttribute('href')) ?? '');
  expect(docx.status()).toBe(200);
  expect(docx.headers()['content-type']).toContain('wordprocessingml');

  // A correction after sign-off is a recorded new round, never a silent edit.
  const correct = chair.page.getByRole('form', { name: 'Correct the signed-off evaluation' });
  await correct
    .getByLabel('What needs correcting, and why')
    .fill('The patient experience rationale names the wrong service.');
  await correct.getByRole('button', { name: 'Reopen for a correction' }).click();
  await expect(chair.page.getByText('Stage: Moderation.')).toBeFocused();
  await expect(chair.page.getByRole('region', { name: 'Moderation rounds' })).toContainText(
    'Round 2, a correction after sign-off, started by Cher Commissioner because: The patient experience rationale names the wrong service.',
  );
  await expect(chair.page.getByText(/^Round 1 \(superseded\): 2 of 4\./)).toBeVisible();
  await expectNoAxeViolations(chair.page, 'moderation reopened for a correction');
  for (const actor of [chair, lay, clinician]) await actor.context.close();
});
