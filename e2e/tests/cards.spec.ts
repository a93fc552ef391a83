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
 * The fixed parts of a plan: an improvement plan's charter (with guidance when the aim
 * does not say how much or by when) and a service design's details with how far
 * co-production goes, filled in by one person and read live by a patient partner.
 */
test('a charter, a service’s details, participants and proposed service are filled in live, with the aim explained', async ({
  browser,
}) => {
  const lead = await newActor(browser, person('Lee Lead', 'cards-lead'));
  const partner = await newActor(browser, person('Pat Partner', 'cards-partner'));
  for (const actor of [lead, partner]) await signUp(actor.page, actor.person);
  await createWorkspace(lead.page, 'Eye health');
  await addMember(lead.page, partner.person.email, partner.person.name, {
    permission: 'Commenter',
    role: 'Patient or service user',
  });
  const workspaceUrl = lead.page.url();
  await createDocument(lead.page, 'Fewer missed appointments', 'Improvement plan');
  await partner.page.goto(lead.page.url());
  const l = documentPage(lead.page);

  await test.step('the charter’s aim says what it still lacks; the partner reads it live', async () => {
    await l.editor.getByText('Problem, baseline, aim').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert charter' }).click();
    const charter = lead.page.getByRole('region', { name: 'Charter' });
    await charter.getByLabel('Aim').fill('Fewer missed appointments');
    await expect(charter).toContainText(
      'The aim does not say how much (a number) or by when (a month or year) yet.',
    );
    await charter.getByLabel('Aim').fill('Fewer missed appointments, from 12% to 8%, by June 2027');
    await expect(charter.getByText(/The aim does not say/)).toHaveCount(0);
    await charter.getByLabel('How patients are involved').fill('Two patient partners on the team');
    const theirs = partner.page.getByRole('region', { name: 'Charter' });
    await expect(theirs.getByLabel('Aim')).toHaveValue(
      'Fewer missed appointments, from 12% to 8%, by June 2027',
    );
    await expect(theirs.getByLabel('How patients are involved')).toHaveAttribute('readonly', '');
    await expectNoAxeViolations(lead.page, 'improvement plan with a charter');
  });

  await test.step('a service design’s details say how far co-production goes', async () => {
    await lead.page.goto(workspaceUrl);
    await createDocument(lead.page, 'Screening pathway', 'Service design');
    await partner.page.goto(lead.page.url());
    await l.editor.getByText('Service, commissioners, place').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert service details' }).click();
    const details = lead.page.getByRole('region', { name: 'About this service' });
    await details.getByLabel('Service', { exact: true }).fill('Diabetic eye screening');
    await details.getByLabel('Co-design: we design the service together').check();
    await expectNoAxeViolations(lead.page, 'service design details (editor, with radios)');
    const theirs = partner.page.getByRole('region', { name: 'About this service' });
    await expect(theirs).toContainText(
      'How far co-production goes: Co-design: we design the service together',
    );
    await expect(theirs.getByLabel('Service', { exact: true })).toHaveValue(
      'Diabetic eye screening',
    );
    await expect(l.status).toHaveText('All changes saved');
    await expectNoAxeViolations(partner.page, 'service design details (commenter)');
  });

  await test.step('participants are listed with how each wants to be credited and quoted', async () => {
    await l.editor.getByText('Who is taking part, how each person').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert participants' }).click();
    const list = lead.page.getByRole('region', { name: 'Participants' });
    const add = list.getByRole('group', { name: 'Add a participant' });
    await add.getByLabel('Name').fill('Priya');
    await add.getByRole('button', { name: 'Add the participant' }).click();
    await expect(add.getByRole('alert')).toHaveText('Choose the person’s role in the group.');
    await add.getByLabel('Role in the group').selectOption({ label: 'Patient or service user' });
    await add.getByRole('button', { name: 'Add the participant' }).click();
    const priya = list.getByRole('group', { name: 'Priya', exact: true });
    await priya.getByLabel('By their role only, for example “a patient”').check();
    await priya.getByLabel('Yes, they agreed to be quoted').check();
    await expectNoAxeViolations(lead.page, 'service design with participants (editor)');
    const theirs = partner.page.getByRole('region', { name: 'Participants' });
    await expect(theirs).toContainText('1 participant (Patient or service user: 1).');
    await expect(theirs).toContainText(
      'Role: Patient or service user. Credited: By their role only, for example “a patient”. Agreed to be quoted: Yes, they agreed to be quoted.',
    );
    await expectNoAxeViolations(partner.page, 'service design with participants (commenter)');
  });

  await test.step('the proposed service is written in its own card, read live', async () => {
    await l.editor.getByText('Pathway, access, workforce').click();
    await lead.page.keyboard.press('End');
    await l.toolbar.getByRole('button', { name: 'Insert proposed service' }).click();
    const proposed = lead.page.getByRole('region', { name: 'Proposed service' });
    await proposed.getByLabel('Pathway').fill('Screening at the GP practice, results by text');
    await proposed
      .getByLabel('Effect on health inequalities')
      .fill('Evening clinics for people who cannot leave work');
    const theirs = partner.page.getByRole('region', { name: 'Proposed service' });
    await expect(theirs.getByLabel('Effect on health inequalities')).toHaveValue(
      'Evening clinics for people who cannot leave work',
    );
    await expect(theirs.getByLabel('Pathway')).toHaveAttribute('readonly', '');
    await expect(l.status).toHaveText('All changes saved');
    await expectNoAxeViolations(lead.page, 'service design with a proposed service');
  });

  for (const actor of [lead, partner]) await actor.context.close();
});
