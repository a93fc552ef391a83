import { expect, type Page, test } from '@playwright/test';
import {
  createDocument,
  createInviteLink,
  createWorkspace,
  documentPage,
  newActor,
  type Person,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

/** Opens an invite link signed out, signs up through it and joins the workspace. */
async function joinThroughInvite(
  page: Page,
  link: string,
  who: Person,
  workspaceName: string,
): Promise<void> {
  await page.goto(link);
  await expect(
    page.getByRole('heading', { level: 1, name: `Join ${workspaceName}` }),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Sign up to join' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(who.name);
  await page.getByLabel('Email', { exact: true }).fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  // Back on the invite page, now signed in.
  await page.getByRole('button', { name: `Join ${workspaceName}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: workspaceName })).toBeVisible();
}

test('invite links bring a patient and a clinician in; lowering access is live', async ({
  browser,
  baseURL,
}) => {
  // Four people, three sign-ups and seven axe scans: more than the 60 s default on a busy machine.
  test.setTimeout(150_000);
  const workspaceName = 'Eye screening redesign';
  const documentTitle = 'Eye screening service design';
  const owner = await newActor(browser, person('Olive Owner', 'olive'));
  await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: baseURL ?? 'http://localhost:3117',
  });

  await signUp(owner.page, owner.person);
  await createWorkspace(owner.page, workspaceName);
  const workspaceUrl = owner.page.url();
  await createDocument(owner.page, documentTitle, 'Service design');
  const documentUrl = owner.page.url();

  let patientLink = '';
  let clinicianLink = '';
  await test.step('the owner creates two invite links and copies one', async () => {
    await owner.page.goto(workspaceUrl);
    patientLink = await createInviteLink(owner.page, {
      permission: 'Commenter',
      role: 'Patient or service user',
    });
    const invites = owner.page.getByRole('region', { name: 'Invite people' });
    await invites.getByRole('button', { name: 'Copy link' }).click();
    await expect(invites.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
    clinicianLink = await createInviteLink(owner.page, { permission: 'Editor', role: 'Clinician' });
    expect(clinicianLink).not.toBe(patientLink);
    await expectNoAxeViolations(owner.page, 'workspace page with management');
  });

  const patient = await newActor(browser, person('Pat Patient', 'pat'));
  await test.step('the patient joins through the first link and can only read', async () => {
    await patient.page.goto(patientLink);
    const main = patient.page.getByRole('main');
    await expect(main).toContainText('Commenter');
    await expect(main).toContainText('Patient or service user');
    await expectNoAxeViolations(patient.page, 'invite page, signed out');
    await joinThroughInvite(patient.page, patientLink, patient.person, workspaceName);
    await patient.page.getByRole('link', { name: documentTitle }).click();
    const doc = documentPage(patient.page);
    await expect(doc.editor.getByRole('heading', { name: 'About this service' })).toBeVisible();
    // A commenter may move a caret and select text (to comment on it), not change it.
    await expect(doc.editor).toHaveAttribute('aria-readonly', 'true');
    await expect(patient.page.getByRole('main')).toContainText(
      'you can comment on this document but not change its text',
    );
    await expect(patient.page.getByRole('textbox', { name: 'Document title' })).toHaveCount(0);
    await expectNoAxeViolations(patient.page, 'document page for a commenter');
  });

  const clinician = await newActor(browser, person('Clara Clinician', 'clara'));
  const clinicianSentence = 'Clara: we can offer Saturday clinics.';
  await test.step('the clinician joins through the second link and edits live', async () => {
    await owner.page.goto(documentUrl);
    await joinThroughInvite(clinician.page, clinicianLink, clinician.person, workspaceName);
    await clinician.page.getByRole('link', { name: documentTitle }).click();
    const doc = documentPage(clinician.page);
    await expect(doc.status).toHaveText('All changes saved');
    await expect(doc.editor).toHaveAttribute('contenteditable', 'true');
    await doc.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('End');
    await clinician.page.keyboard.type(` ${clinicianSentence}`);
    await expect(documentPage(owner.page).editor).toContainText(clinicianSentence);
    await expect(
      documentPage(owner.page)
        .presence.getByRole('listitem')
        .filter({ hasText: 'Clara Clinician' }),
    ).toContainText('Clinician');
    await expect(doc.status).toHaveText('All changes saved');
  });

  await test.step('the owner lowers the clinician to Viewer; the open editor follows', async () => {
    await owner.page.goto(workspaceUrl);
    await expect(owner.page.getByRole('heading', { level: 1, name: workspaceName })).toBeVisible();
    await owner.page.getByLabel('Permission for Clara Clinician').selectOption({ label: 'Viewer' });
    await owner.page.getByRole('button', { name: 'Save changes for Clara Clinician' }).click();
    await expect(
      owner.page.getByRole('status').filter({ hasText: 'Clara Clinician is now Viewer' }),
    ).toBeVisible();

    const doc = documentPage(clinician.page);
    const alert = clinician.page.getByRole('alert');
    await expect(alert).toContainText('Your access to this document changed.', { timeout: 5000 });
    await expect(alert).toContainText('You can now view this document only.', { timeout: 5000 });
    await expect(doc.editor).toHaveAttribute('contenteditable', 'false', { timeout: 5000 });
    await expect(doc.editor).toContainText(clinicianSentence);
    await expect(clinician.page.getByRole('main')).toContainText(
      'You can view this document but not change it.',
    );
    await expectNoAxeViolations(clinician.page, 'document page after access changed');
  });

  await test.step('a withdrawn link explains itself to whoever opens it', async () => {
    const invites = owner.page.getByRole('region', { name: 'Invite people' });
    const row = invites.getByRole('row').filter({ hasText: 'Editor, Clinician' });
    await row.getByRole('button', { name: /^Withdraw/ }).click();
    await expect(row).toContainText('Withdrawn');
    const stranger = await newActor(browser, person('Sid Stranger', 'sid'));
    await stranger.page.goto(clinicianLink);
    await expect(
      stranger.page.getByRole('heading', { level: 1, name: 'Invite link cannot be used' }),
    ).toBeVisible();
    await expect(stranger.page.getByRole('main')).toContainText(
      'This invite link was withdrawn. Ask the person who sent it for a new one.',
    );
    await expect(
      stranger.page.getByRole('link', { name: 'Go back to your workspaces' }),
    ).toBeVisible();
    await expectNoAxeViolations(stranger.page, 'invite page for a withdrawn link');
    await stranger.context.close();
  });

  await test.step('the audit log tells the story in words', async () => {
    await owner.page.getByRole('link', { name: 'Audit log' }).click();
    const table = owner.page.getByRole('table', { name: 'Audit log' });
    await expect(table).toBeVisible();
    await expect(table).toContainText('changed Clara Clinician’s permission from Editor to Viewer');
    await expect(table).toContainText('created an invite (Commenter, Patient or service user)');
    await expect(table).toContainText('joined with an invite (Editor, Clinician)');
    await expect(table).toContainText('withdrew an invite');
    await expectNoAxeViolations(owner.page, 'audit log page');
  });

  await test.step('the account page is reachable from the header', async () => {
    await owner.page.getByRole('link', { name: 'Your account' }).click();
    await expect(owner.page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
    await expect(
      owner.page.getByRole('table', { name: 'Your sessions' }).getByRole('row', {
        name: /This device/,
      }),
    ).toBeVisible();
    await expectNoAxeViolations(owner.page, 'account page');
  });

  await owner.context.close();
  await patient.context.close();
  await clinician.context.close();
});
