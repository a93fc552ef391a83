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

const statusOf = (page: Page) => page.getByRole('region', { name: 'Status' });
const expectNow = (page: Page, status: string) =>
  expect(statusOf(page).getByText(/^Now:/)).toHaveText(`Now: ${status}`);

/**
 * A co-design group takes its service design from draft to approved: the facilitator
 * (owner) names a staff lead and a lived-experience co-chair, a clinician sends it for
 * review, and it is approved only once both have approved it, the co-chair being a patient
 * who may only comment on the text.
 */
test('a service design is approved by its staff lead and its lived-experience co-chair', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Fay Facilitator', 'status-owner'));
  const clinician = await newActor(browser, person('Cleo Clinician', 'status-clinician'));
  const patient = await newActor(browser, person('Pat Partner', 'status-patient'));
  for (const actor of [owner, clinician, patient]) await signUp(actor.page, actor.person);
  await createWorkspace(owner.page, 'Eye screening co-design');
  const workspaceUrl = owner.page.url();
  await addMember(owner.page, clinician.person.email, clinician.person.name, {
    permission: 'Editor',
    role: 'Clinician',
  });
  await addMember(owner.page, patient.person.email, patient.person.name, {
    permission: 'Commenter',
    role: 'Patient or service user',
  });
  await createDocument(owner.page, 'Screening pathway', 'Service design');
  const url = owner.page.url();
  await clinician.page.goto(url);
  await patient.page.goto(url);

  await test.step('a new design is a draft; the owner names its leads from people who fit', async () => {
    for (const page of [owner.page, clinician.page, patient.page]) await expectNow(page, 'Draft');
    const panel = statusOf(owner.page);
    await expect(panel).toContainText(
      'It becomes “Approved” once the staff lead and the lived-experience co-chair have both approved it',
    );
    const coChair = panel.getByLabel('Who is the lived-experience co-chair?');
    await expect(coChair.getByRole('option')).toHaveText(['Nobody yet', 'Pat Partner']);
    await coChair.selectOption({ label: 'Pat Partner' });
    await panel.getByRole('button', { name: 'Name as lived-experience co-chair' }).click();
    await expect(panel.getByRole('status')).toHaveText(
      'Named Pat Partner as lived-experience co-chair.',
    );
    await panel.getByLabel('Who is the staff lead?').selectOption({ label: 'Cleo Clinician' });
    await panel.getByRole('button', { name: 'Name as staff lead' }).click();
    await expect(statusOf(clinician.page)).toContainText(
      'Staff lead: Cleo Clinician, not approved yet',
    );
    await expectNoAxeViolations(owner.page, 'service design with its status (owner)');
  });

  await test.step('the clinician sends it for review; nobody approves before that', async () => {
    const panel = statusOf(clinician.page);
    await expect(panel.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
    await expect(panel.getByRole('button', { name: /^Move back/ })).toHaveCount(0);
    await panel.getByRole('button', { name: 'Send for review with participants' }).click();
    await expect(panel.getByRole('status')).toHaveText('Moved to “In review with participants”.');
    for (const page of [owner.page, clinician.page, patient.page]) {
      await expectNow(page, 'In review with participants');
    }
  });

  await test.step('approved only once both have approved, the co-chair as a commenter', async () => {
    await statusOf(clinician.page).getByRole('button', { name: 'Approve as staff lead' }).click();
    await expect(statusOf(patient.page)).toContainText('Staff lead: Cleo Clinician, approved');
    await expectNow(owner.page, 'In review with participants');
    const mine = statusOf(patient.page);
    await expect(mine.getByRole('button', { name: 'Name as staff lead' })).toHaveCount(0);
    await expectNoAxeViolations(patient.page, 'service design in review (co-chair, commenter)');
    await mine.getByRole('button', { name: 'Approve as lived-experience co-chair' }).click();
    await expect(mine.getByRole('status')).toHaveText(
      'You approved it as lived-experience co-chair: it is now “Approved”, and what was approved is saved as a version.',
    );
    for (const page of [owner.page, clinician.page, patient.page])
      await expectNow(page, 'Approved');
    await expect(
      statusOf(clinician.page).getByRole('button', { name: 'Mark as in implementation' }),
    ).toBeVisible();
  });

  await test.step('it cannot be closed while a priority has no “You said, we did” entry', async () => {
    const editor = clinician.page.getByRole('textbox', { name: 'Document content' });
    await editor.getByText('The three or four priorities the group agreed').click();
    await clinician.page.keyboard.press('End');
    await clinician.page
      .getByRole('toolbar', { name: 'Formatting' })
      .getByRole('button', { name: 'Insert priorities' })
      .click();
    const mine = clinician.page.getByRole('region', { name: 'Priorities' });
    const add = mine.getByRole('group', { name: 'Add a priority' });
    await add.getByLabel('Priority', { exact: true }).fill('Results within a week');
    await add.getByLabel('Evidence behind it (optional)').fill('Eleven of twelve stories');
    await add.getByRole('button', { name: 'Add the priority' }).click();
    const theirs = patient.page.getByRole('region', { name: 'Priorities' });
    await expect(theirs).toContainText('1 priority; 1 has no “You said, we did” entry yet.');
    await expect(theirs.getByLabel('What changed')).toHaveAttribute('readonly', '');
    const panel = statusOf(clinician.page);
    await panel.getByRole('button', { name: 'Mark as in implementation' }).click();
    await expectNow(owner.page, 'In implementation');
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect(panel.getByRole('alert')).toHaveText(
      'The design cannot be closed while a priority has no “You said, we did” entry: add what changed, or what did not and why, for “Results within a week”.',
    );
    await expectNow(clinician.page, 'In implementation');
    await mine
      .getByRole('group', { name: 'Results within a week' })
      .getByLabel('What changed')
      .fill('Results letters now go out within five days');
    await expect(theirs).toContainText('1 priority; each has its “You said, we did” entry.');
    await panel.getByRole('button', { name: 'Close' }).click();
    for (const page of [owner.page, clinician.page, patient.page]) await expectNow(page, 'Closed');
    await expectNoAxeViolations(clinician.page, 'closed service design with priorities');
  });

  await test.step('the audit log tells who named, approved and moved it', async () => {
    await owner.page.goto(`${workspaceUrl}/audit`);
    const log = owner.page.getByRole('table');
    await expect(log).toContainText(
      'moved “Screening pathway” from In review with participants to Approved',
    );
    await expect(log).toContainText('approved “Screening pathway” as lived-experience co-chair');
    await expect(log).toContainText(
      'named Pat Partner as lived-experience co-chair of “Screening pathway”',
    );
  });

  for (const actor of [owner, clinician, patient]) await actor.context.close();
});
