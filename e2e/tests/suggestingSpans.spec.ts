import { expect, test } from '@playwright/test';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, openCoDesign } from '../fixtures/coDesign.ts';

const LINES = [
  'Clinic letters go out weekly.',
  'Reminders follow by text.',
  'Nobody reads the leaflet and',
  'the map is out of date.',
];
const JOINED = [
  'Clinic letters go out weekly and reminders follow by text.',
  'Nobody reads the leaflet and the map is out of date.',
];

/**
 * Suggestions across paragraphs, as in Google Docs: a patient in suggesting mode selects
 * from one paragraph into the next and types over it, and presses Backspace at a
 * paragraph's start (then a space) to suggest joining it to the one before. A clinician
 * sees both drawn in the text (struck-out words and paragraph breaks), accepts both, and
 * both pages end with the joined paragraphs.
 */
test('a patient suggests across paragraphs and joins two with Backspace; a clinician accepts', async ({
  browser,
}) => {
  // Two browsers, six axe scans and four sign-ups on a shared two-core machine.
  test.setTimeout(240_000);
  const { patient, clinician, p, c, close } = await openCoDesign(browser, 'spans');
  await expect(c.status).toHaveText('All changes saved');
  const panel = commentsOf(patient.page);
  const keys = patient.page.keyboard;

  await test.step('the clinician writes four paragraphs under a heading', async () => {
    await c.editor.getByRole('heading', { name: 'Decision log' }).click();
    await clinician.page.keyboard.press('End');
    for (const line of LINES) {
      await clinician.page.keyboard.press('Enter');
      await clinician.page.keyboard.type(line);
    }
    await expect(c.status).toHaveText('All changes saved');
    await expect.poll(() => editorText(p.editor)).toContain(LINES.join('\n'));
  });

  /** Selects "weekly.", the paragraph break and "Reminders follow" with the keyboard. */
  const selectAcross = async () => {
    await p.editor.getByText(LINES[0] ?? '').click();
    await keys.press('Home');
    for (let i = 0; i < 'Clinic letters go out '.length; i++) await keys.press('ArrowRight');
    for (let i = 0; i < 'weekly.'.length + 1 + 'Reminders follow'.length; i++) {
      await keys.press('Shift+ArrowRight');
    }
  };

  await test.step('the Suggest-an-edit form takes a selection across paragraphs and shows its break', async () => {
    await selectAcross();
    await panel.getByRole('button', { name: 'Suggest an edit' }).click();
    const form = panel.getByRole('form', { name: 'New suggested edit' });
    await expect(form.locator('blockquote')).toHaveText(
      'weekly.¶ paragraph break Reminders follow',
    );
    // The new words are one paragraph: the break starts as a space, to be changed.
    await expect(form.getByRole('textbox', { name: 'Change the words to' })).toHaveValue(
      'weekly. Reminders follow',
    );
    await expectNoAxeViolations(patient.page, 'document page, a suggestion form across paragraphs');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(form).toHaveCount(0);
  });

  await test.step('the patient selects from one paragraph into the next and types over it', async () => {
    await panel.getByRole('button', { name: 'Suggest by typing' }).click();
    await selectAcross();
    await keys.type('weekly and reminders follow');
    // Struck out over both paragraphs' words, with the break between them drawn too.
    await expect(p.editor.locator('.suggestion-draft')).toHaveText(['weekly.', 'Reminders follow']);
    await expect(p.editor.locator('.suggestion-break')).toHaveCount(1);
    await expect(p.editor.locator('.suggestion-break .suggestion-marker')).toHaveText(
      'suggested deletion: paragraph break',
    );
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText(
      'weekly and reminders follow',
    );
    expect(await editorText(p.editor)).toContain(LINES.join('\n'));
    await expectNoAxeViolations(patient.page, 'document page, suggesting across paragraphs');
    await keys.press('Enter');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: replace “weekly. ¶ Reminders follow” with “weekly and reminders follow”. It is in Comments, beside the document.',
    );
    const sent = panel.getByRole('article', {
      name: 'Suggestion by Pat Patient on “weekly. ¶ Reminders follow”',
    });
    // The quote shows its paragraph break, and says it.
    await expect(sent.locator('del')).toHaveText('weekly.¶ paragraph break Reminders follow');
  });

  await test.step('Backspace at a paragraph’s start, then a space: a suggestion to join them', async () => {
    await p.editor.getByText(LINES[3] ?? '').click();
    await keys.press('Home');
    await keys.press('Backspace');
    await expect(p.editor.locator('.suggestion-break')).toHaveCount(2);
    await keys.type(' ');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText(' ');
    await expectNoAxeViolations(patient.page, 'document page, joining two paragraphs');
    await keys.press('Enter');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: join two paragraphs with “ ”. It is in Comments, beside the document.',
    );
    await expect(
      panel.getByRole('article', {
        name: 'Suggestion by Pat Patient to join two paragraphs with “ ”',
      }),
    ).toContainText('Join two paragraphs: delete the paragraph break ¶ and put between them');
    // Nothing is written until an editor accepts.
    expect(await editorText(p.editor)).toContain(LINES.join('\n'));
  });

  await test.step('the clinician sees both drawn in the text, and accepts them', async () => {
    const comments = commentsOf(clinician.page);
    await expect(c.editor.locator('.comment-anchor--suggestion')).toHaveText([
      'weekly.',
      'Reminders follow',
    ]);
    await expect(c.editor.locator('.suggestion-break')).toHaveCount(2);
    await expect(c.editor.locator('.suggestion-break').first()).toHaveAttribute(
      'title',
      'Suggested change: join this paragraph to the next',
    );
    await expectNoAxeViolations(clinician.page, 'document page with suggestions across paragraphs');
    await comments
      .getByRole('button', { name: 'Accept the suggestion to join two paragraphs with “ ”' })
      .click();
    await expect(comments.getByRole('status')).toContainText('Suggestion accepted');
    await expect.poll(() => editorText(c.editor)).toContain(`${LINES[1]}\n${JOINED[1]}`);
    await comments
      .getByRole('button', { name: 'Accept the suggestion on “weekly. ¶ Reminders follow”' })
      .click();
    for (const editor of [c.editor, p.editor]) {
      await expect.poll(() => editorText(editor)).toContain(JOINED.join('\n'));
    }
    await expect(c.editor.locator('.suggestion-break')).toHaveCount(0);
    await expect(p.editor.locator('.suggestion-break')).toHaveCount(0);
    await expectNoAxeViolations(clinician.page, 'document page, suggestions accepted');
    await expectNoAxeViolations(patient.page, 'document page, suggestions accepted');
  });

  await test.step('the author view credits the new words to the patient and the moved ones to the clinician', async () => {
    await clinician.page.getByRole('button', { name: 'Show who wrote what' }).click();
    await c.editor.locator('.author-run', { hasText: 'weekly and' }).hover();
    await expect(clinician.page.getByRole('tooltip')).toContainText('Written by Pat Patient');
    await c.editor.locator('.author-run', { hasText: 'the map is out of date.' }).hover();
    await expect(clinician.page.getByRole('tooltip')).toContainText('Written by Cleo Clinician');
  });

  await close();
});
