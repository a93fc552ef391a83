import { expect, test } from '@playwright/test';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, FIRST_LINE, openCoDesign } from '../fixtures/coDesign.ts';

const CHANGED =
  'Service, commissioners, place, scope and timescales, owners, and the level of co-production we aim for.';

/**
 * A patient with the commenter permission cannot type in the text, but suggests an edit
 * with the keyboard alone; a clinician (an editor) sees it live, struck through in the
 * text, and accepts it; the new words appear for everyone and are credited to the patient
 * in the author view and the contribution report.
 */
test('a patient suggests an edit, a clinician accepts it, and the words are credited to the patient', async ({
  browser,
}) => {
  const { owner, patient, clinician, documentUrl, p, c, close } = await openCoDesign(
    browser,
    'suggest',
  );
  await expect(c.status).toHaveText('All changes saved');
  await expect(p.editor).toContainText(FIRST_LINE);

  await test.step('without a selection, the page says what to select', async () => {
    await commentsOf(patient.page).getByRole('button', { name: 'Suggest an edit' }).click();
    await expect(commentsOf(patient.page).getByRole('status')).toHaveText(
      'Select the words you want to change first, then choose “Suggest an edit”.',
    );
  });

  await test.step('the commenter selects a word with the keyboard and suggests new words', async () => {
    await p.editor.getByRole('paragraph').first().click();
    await patient.page.keyboard.press('Home');
    for (let i = 0; i < 'Service, commissioners, place, '.length; i++) {
      await patient.page.keyboard.press('ArrowRight');
    }
    for (let i = 0; i < 'scope'.length; i++) await patient.page.keyboard.press('Shift+ArrowRight');
    await commentsOf(patient.page).getByRole('button', { name: 'Suggest an edit' }).click();
    const form = commentsOf(patient.page).getByRole('form', { name: 'New suggested edit' });
    const words = form.getByRole('textbox', { name: 'Change the words to' });
    await expect(words).toBeFocused();
    await expect(words).toHaveValue('scope');
    await patient.page.keyboard.press('End');
    await patient.page.keyboard.type(' and timescales');
    await form.getByRole('textbox', { name: 'Why (optional)' }).fill('We need to know by when.');
    await expectNoAxeViolations(patient.page, 'document page, writing a suggestion');
    await form.getByRole('button', { name: 'Suggest', exact: true }).click();
    await expect(form).toHaveCount(0);
    const mine = commentsOf(patient.page).getByRole('article', {
      name: /Suggestion by Pat Patient/,
    });
    await expect(mine).toContainText('Replace scope with scope and timescales');
    await expect(mine).toContainText('Waiting for an editor to accept or reject it.');
    // A commenter cannot decide.
    await expect(mine.getByRole('button', { name: /^Accept/ })).toHaveCount(0);
    // Shown in the text as suggested (after the struck-out words), but not written.
    await expect(p.editor.locator('.suggestion-insert')).toHaveText('scope and timescales');
    expect(await editorText(p.editor)).toContain(FIRST_LINE);
  });

  const suggestion = commentsOf(clinician.page).getByRole('article', {
    name: /Suggestion by Pat Patient/,
  });
  await test.step('the clinician sees it live, struck through in the text, and accepts it', async () => {
    await expect(suggestion).toContainText('We need to know by when.');
    const struck = c.editor.locator('.comment-anchor--suggestion');
    await expect(struck).toHaveText('scope');
    await expect(struck).toHaveAttribute(
      'title',
      'Suggested change: replace with “scope and timescales” (see Comments, beside the document)',
    );
    await expectNoAxeViolations(clinician.page, 'document page with a suggestion (editor)');
    await suggestion.getByRole('button', { name: 'Accept the suggestion on “scope”' }).click();
    // Decided, it leaves the list like a resolved thread; the panel says what happened.
    await expect(commentsOf(clinician.page).getByRole('status')).toHaveText(
      'Suggestion accepted: “scope” now reads “scope and timescales” in the document.',
    );
    await expect(
      commentsOf(clinician.page).getByRole('heading', { name: 'Comments', exact: true }),
    ).toBeFocused();
    await expect(suggestion).toHaveCount(0);
    await commentsOf(clinician.page).getByLabel('Show resolved comments (1)').check();
    await expect(suggestion).toContainText('Accepted by Cleo Clinician');
    await expect(suggestion.getByRole('button', { name: /^Accept/ })).toHaveCount(0);
    await expect.poll(() => editorText(c.editor)).toContain(CHANGED);
    await expect.poll(() => editorText(p.editor)).toContain(CHANGED);
    await expect(c.editor.locator('.comment-anchor--suggestion')).toHaveCount(0);
    await expect(commentsOf(patient.page).getByRole('article')).toHaveCount(0);
  });

  await test.step('the author view credits the accepted words to the patient', async () => {
    await clinician.page.getByRole('button', { name: 'Show who wrote what' }).click();
    await c.editor.locator('.author-run', { hasText: 'timescales' }).hover();
    await expect(clinician.page.getByRole('tooltip')).toContainText(
      'Written by Pat Patient (Patient or service user) on',
    );
  });

  await test.step('the contribution report counts the accepted suggestion', async () => {
    await owner.page.goto(documentUrl);
    await owner.page.getByRole('link', { name: 'Contributions' }).click();
    const people = owner.page.getByRole('table', { name: 'Contributions by person' });
    const row = people.getByRole('row').filter({ hasText: 'Pat Patient' });
    await expect(row.getByRole('cell').last()).toHaveText('1');
    await expect(owner.page.getByText(/1 of their suggested edit was accepted/)).toBeVisible();
    await expectNoAxeViolations(owner.page, 'contributions page with an accepted suggestion');
  });

  await close();
});
