import { expect, type Locator, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  editorText,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

/** The server's rule for a word: letters or digits, with inner apostrophes. */
const countWords = (text: string) =>
  text.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)?.length ?? 0;

/** A table row by its row header (other rows may mention the same name in details). */
const rowOf = (table: Locator, name: string) =>
  table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name }) });

/** Types a new paragraph at the very end of the document and waits until it is saved. */
async function appendParagraph(page: Page, text: string): Promise<void> {
  const doc = documentPage(page);
  await doc.editor.click();
  await page.keyboard.press('Control+End');
  // The browser moves the caret; the editor learns of it from a selectionchange event a
  // moment later. Enter before then would split the paragraph the click landed in.
  await page.waitForTimeout(200);
  await page.keyboard.press('Enter');
  await page.keyboard.type(text, { delay: 10 });
  await expect(doc.editor.locator(':scope > *').last()).toHaveText(text);
  await expect(doc.status).toHaveText('All changes saved');
}

test('who wrote what: live author view, contribution report, versions and restore', async ({
  browser,
}) => {
  // Two people, three pages and four axe runs: more than the default minute.
  test.setTimeout(180_000);
  const patient = await newActor(browser, person('Pat Patient', 'patient'));
  const clinician = await newActor(browser, person('Dr Clinician', 'clinician'));
  await Promise.all([
    signUp(patient.page, patient.person),
    signUp(clinician.page, clinician.person),
  ]);

  const title = 'Evening clinic design';
  await test.step('the clinician sets up the workspace, with the patient as a patient', async () => {
    await createWorkspace(clinician.page, 'Attribution workspace');
    await addMember(clinician.page, patient.person.email, patient.person.name, {
      permission: 'Editor',
      role: 'Patient or service user',
    });
    await createDocument(clinician.page, title, 'Service design');
  });
  const documentUrl = clinician.page.url();
  await patient.page.goto(documentUrl);

  const patientSentence = 'Evening appointments would let me keep my job.';
  const clinicianSentence = 'We can pilot a Tuesday evening clinic from March.';
  const patientExtra = 'Thanks for listening to us.';
  const patientDoc = documentPage(patient.page);
  const clinicianDoc = documentPage(clinician.page);

  await test.step('each types a sentence of their own', async () => {
    await expect(patientDoc.status).toHaveText('All changes saved');
    await appendParagraph(patient.page, patientSentence);
    await expect(clinicianDoc.editor).toContainText(patientSentence);
    await appendParagraph(clinician.page, clinicianSentence);
    await expect(patientDoc.editor).toContainText(clinicianSentence);
  });

  await test.step('"Show who wrote what" credits each sentence, on hover and at the caret', async () => {
    const page = clinician.page;
    const toggle = page.getByRole('button', { name: 'Show who wrote what' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');

    const legend = page.getByRole('region', { name: 'Who wrote what: key' });
    const byPerson = legend.getByRole('list').first();
    await expect(byPerson.getByRole('listitem').filter({ hasText: 'Pat Patient' })).toContainText(
      'Patient or service user',
    );
    await expect(byPerson.getByRole('listitem').filter({ hasText: 'Dr Clinician' })).toBeVisible();
    await expect(legend.getByRole('heading', { name: 'By role' })).toBeVisible();
    // Roles are listed in the order their authors are met in the text, which varies.
    const byRole = legend.getByRole('list').nth(1).getByRole('listitem');
    await expect(byRole).toHaveCount(2);
    await expect(byRole.filter({ hasText: 'Patient or service user' })).toHaveText(
      'Patient or service user: 1 person (Pat Patient)',
    );
    await expect(byRole.filter({ hasText: 'Other' })).toHaveText('Other: 1 person (Dr Clinician)');

    const patientRun = clinicianDoc.editor.locator('.author-run', { hasText: 'keep my job' });
    const clinicianRun = clinicianDoc.editor.locator('.author-run', { hasText: 'Tuesday' });
    await patientRun.hover();
    const tip = page.getByRole('tooltip');
    // Today's date, as the page writes it ("25 Nov 2026"): the words are being written now.
    const today = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date());
    await expect(tip).toContainText(`Written by Pat Patient (Patient or service user) on ${today}`);
    await clinicianRun.hover();
    await expect(tip).toContainText('Written by Dr Clinician (Other) on');

    // Keyboard: the polite caret line follows the caret without taking focus.
    const caretLine = page.getByText(/^At the cursor:/);
    await clinicianDoc.editor.getByRole('paragraph').filter({ hasText: patientSentence }).click();
    await page.keyboard.press('Home');
    await expect(caretLine).toContainText('Written by Pat Patient (Patient or service user)');
    await expect(caretLine).toHaveAttribute('aria-live', 'polite');
    await clinicianDoc.editor.getByRole('paragraph').filter({ hasText: clinicianSentence }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await expect(caretLine).toContainText('Written by Dr Clinician (Other)');
    await expect(clinicianDoc.editor).toBeFocused();

    // A remote edit: what was drawn stays drawn, and the new words are credited live.
    await appendParagraph(patient.page, patientExtra);
    await expect(
      clinicianDoc.editor.locator('.author-run', { hasText: patientExtra }),
    ).toHaveAttribute('data-author', (await patientRun.getAttribute('data-author')) ?? 'missing');
    await expect(clinicianRun).toBeVisible();

    await expectNoAxeViolations(page, 'document page with the author view on');
  });

  await test.step('the contribution report counts each person’s words', async () => {
    const page = clinician.page;
    await page.getByRole('link', { name: 'Contributions', exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: `Contributions to ${title}` }),
    ).toBeVisible();
    await expect(page.getByRole('note')).toContainText('do not measure ideas');

    const people = page.getByRole('table', { name: 'Contributions by person' });
    const patientRow = rowOf(people, 'Pat Patient');
    const clinicianRow = rowOf(people, 'Dr Clinician');
    await expect(patientRow.getByRole('cell').nth(0)).toHaveText('Patient or service user');
    await expect(patientRow.getByRole('cell').nth(1)).toHaveText(
      String(countWords(patientSentence) + countWords(patientExtra)),
    );
    await expect(clinicianRow.getByRole('cell').nth(1)).toHaveText(
      String(countWords(clinicianSentence)),
    );
    await expect(page.getByRole('table', { name: 'Contributions by role' })).toContainText(
      'Patient or service user',
    );
    await expect(
      page.getByText(/^Pat Patient wrote \d+% of the words now in the document/),
    ).toBeVisible();

    const passages = page.getByRole('region', {
      name: 'Words by patients and service users in this version',
    });
    const passage = passages.getByRole('link', { name: patientSentence });
    await expect(passage).toBeVisible();

    const csvLink = page.getByRole('link', { name: 'Download as CSV' });
    await expect(csvLink).toHaveAttribute('download', '');
    const href = await csvLink.getAttribute('href');
    expect(href).toMatch(/\/report\.csv$/);
    const csv = await page.request.get(href ?? '');
    expect(csv.ok()).toBe(true);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain(patientSentence);

    await expectNoAxeViolations(page, 'contribution report');

    // The passage link opens the document with the passage selected and announced.
    await passage.click();
    await expect(clinicianDoc.editor).toBeVisible();
    await expect(page.getByText('Showing a passage by Pat Patient.')).toBeAttached();
    await expect
      .poll(() => page.evaluate(() => window.getSelection()?.toString() ?? ''))
      .toBe(patientSentence);
  });

  const versionName = 'Agreed wording';
  const replacement = 'Clinic hours will be reviewed in spring.';
  await test.step('save a version, change the text, compare by author', async () => {
    const page = clinician.page;
    await page.getByRole('link', { name: 'Versions', exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: `Versions of ${title}` }),
    ).toBeVisible();
    await page.getByLabel('Version name').fill(versionName);
    await page.getByRole('button', { name: 'Save version' }).click();
    await expect(page.getByRole('heading', { level: 3, name: versionName })).toBeVisible();

    // The clinician replaces the patient's sentence.
    await page.goto(documentUrl);
    await clinicianDoc.editor.getByRole('paragraph').filter({ hasText: patientSentence }).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.type(replacement, { delay: 5 });
    await expect(clinicianDoc.status).toHaveText('All changes saved');
    await expect(patientDoc.editor).toContainText(replacement);

    await page.getByRole('link', { name: 'Versions', exact: true }).click();
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3, name: versionName }) });
    await item.getByRole('button', { name: 'Compare with current' }).click();
    const result = page.getByRole('region', {
      name: `Changes from “${versionName}” to the current document`,
    });
    await expect(result.locator('del', { hasText: patientSentence })).toContainText(
      'removed, written by Pat Patient',
    );
    await expect(result.locator('ins', { hasText: replacement })).toContainText(
      'added by Dr Clinician',
    );
    await expect(result.getByRole('listitem').filter({ hasText: 'Dr Clinician' })).toBeVisible();

    // The same through the two-select form.
    await page.getByLabel('From', { exact: true }).selectOption({ index: 1 });
    await page.getByLabel('To', { exact: true }).selectOption({ label: 'Current document' });
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect(page.locator('del', { hasText: patientSentence })).toBeVisible();

    await expectNoAxeViolations(page, 'versions page with a comparison');
    // Looking and comparing changed nothing.
    await expect(patientDoc.editor).toContainText(replacement);
    await expect(patientDoc.editor).not.toContainText(patientSentence);
  });

  await test.step('restore the version: both people see the document go back', async () => {
    const page = clinician.page;
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { level: 3, name: versionName }) });
    await item.getByRole('button', { name: 'Restore this version' }).click();
    await expect(item).toContainText('A backup of the current document will be saved first.');
    await expect(item).toContainText('Everyone sees the change at once.');
    await item.getByRole('button', { name: 'Yes, restore this version' }).click();
    await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
    for (const doc of [clinicianDoc, patientDoc]) {
      await expect(doc.editor).toContainText(patientSentence);
      await expect(doc.editor).not.toContainText(replacement);
    }
    const [a, b] = await Promise.all([
      editorText(patientDoc.editor),
      editorText(clinicianDoc.editor),
    ]);
    expect(a).toBe(b);

    // Credit for the restored words stays with the patient.
    await page.getByRole('link', { name: 'Contributions', exact: true }).click();
    const people = page.getByRole('table', { name: 'Contributions by person' });
    await expect(rowOf(people, 'Pat Patient').getByRole('cell').nth(1)).toHaveText(
      String(countWords(patientSentence) + countWords(patientExtra)),
    );
    // Replacing the patient's sentence deleted their words; the report says whose.
    await expect(rowOf(people, 'Dr Clinician')).toContainText('deleted 8 words by Pat Patient');

    await page.getByRole('link', { name: /Versions of this document/ }).click();
    await expect(
      page.getByRole('heading', { level: 3, name: 'Backup before restore' }),
    ).toBeVisible();
  });

  await patient.context.close();
  await clinician.context.close();
});
