import { expect, type Page, test } from '@playwright/test';
import {
  addLineAbove,
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  editorLines,
  editorText,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

/**
 * The editor binding applies a remote edit to the changed blocks only (a patch to
 * y-tiptap, see pnpm-workspace.yaml). These checks fail if a view keeps a stale block:
 * two people split, merge, list and type in the same blocks at once, and both screens,
 * and a fresh load of the stored document, must then read the same. They also fail if a
 * remote edit moves a caret: every line must come out whole and in order (a remote edit
 * arriving between End and Enter used to draw the caret back before End's move).
 */
test('two people restructuring the same blocks at once end with the same document', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const patient = await newActor(browser, person('Pat Patient', 'structure-patient'));
  const clinician = await newActor(browser, person('Dr Clinician', 'structure-clinician'));
  await Promise.all([
    signUp(patient.page, patient.person),
    signUp(clinician.page, clinician.person),
  ]);
  await createWorkspace(patient.page, 'Structure checks');
  await addMember(patient.page, clinician.person.email, clinician.person.name);
  await createDocument(patient.page, 'Restructured design', 'Service design');
  await clinician.page.goto(patient.page.url());
  const pat = documentPage(patient.page);
  const doc = documentPage(clinician.page);
  await expect(pat.status).toHaveText('All changes saved');
  await expect(doc.status).toHaveText('All changes saved');

  // Both start in the last block, a shared list of lines to restructure.
  await pat.editor.click();
  await patient.page.keyboard.press('Control+End');
  for (const line of ['one', 'two', 'three', 'four', 'five', 'six']) {
    await patient.page.keyboard.press('Enter');
    await patient.page.keyboard.type(`line ${line}`);
  }
  await expect(doc.editor).toContainText('line six');

  /** Puts the caret at the end of the paragraph holding `text`. */
  const endOf = async (page: Page, text: string) => {
    await documentPage(page).editor.getByRole('paragraph').filter({ hasText: text }).click();
    await page.keyboard.press('End');
  };
  // Carets are placed before the concurrent part: this test is about keys, not clicks.
  await endOf(patient.page, 'line two');
  await endOf(clinician.page, 'line four');

  for (let round = 0; round < 3; round++) {
    await Promise.all([
      (async () => {
        // A new line, a second one merged into it, typed at the seam.
        const keys = patient.page.keyboard;
        await keys.press('End');
        await keys.press('Enter');
        await keys.type(`pat ${round} tail`, { delay: 10 });
        await keys.press('Enter');
        await keys.type('xyz', { delay: 10 });
        await keys.press('Home');
        await keys.press('Backspace');
        await keys.type(' joined ', { delay: 10 });
      })(),
      (async () => {
        // Types in "line four", makes it a bulleted item and back, adds a line above it.
        const keys = clinician.page.keyboard;
        const bullets = doc.toolbar.getByRole('button', { name: 'Bulleted list' });
        await keys.type(` doc ${round}`, { delay: 10 });
        await bullets.click();
        await keys.type(' listed', { delay: 10 });
        await bullets.click();
        await addLineAbove(keys, `doc ${round} new line`);
      })(),
    ]);
  }

  await expect(pat.status).toHaveText('All changes saved');
  await expect(doc.status).toHaveText('All changes saved');
  // Both screens converge on one text...
  await expect
    .poll(async () => (await editorText(pat.editor)) === (await editorText(doc.editor)), {
      timeout: 10_000,
    })
    .toBe(true);
  const shown = await editorText(pat.editor);
  // ...in which every line is whole and in order.
  const lines = editorLines(shown);
  const after = (first: string, count: number) => {
    const at = lines.indexOf(first);
    return at < 0 ? [] : lines.slice(at, at + count);
  };
  expect(after('line two', 4), shown).toEqual([
    'line two',
    'pat 0 tail joined xyz',
    'pat 1 tail joined xyz',
    'pat 2 tail joined xyz',
  ]);
  expect(after('line three', 5), shown).toEqual([
    'line three',
    'doc 0 new line',
    'doc 1 new line',
    'doc 2 new line',
    'line four doc 0 listed doc 1 listed doc 2 listed',
  ]);
  // ...and is what the server stored: a fresh load renders the stored document.
  // A new browser context: the clinician's session cookie, but not the offline copy in
  // their IndexedDB, so this page can only show what the server holds.
  const { cookies } = await clinician.page.context().storageState();
  const fresher = await browser.newContext();
  await fresher.addCookies(cookies);
  const third = await fresher.newPage();
  await third.goto(patient.page.url());
  const fresh = documentPage(third);
  await expect.poll(() => editorText(fresh.editor), { timeout: 10_000 }).toBe(shown);
  await expectNoAxeViolations(third, 'document page after concurrent restructuring');
  await fresher.close();
});
