import { readFileSync } from 'node:fs';
import { expect, type Locator, test } from '@playwright/test';
import JSZip from 'jszip';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, FIRST_LINE, openCoDesign } from '../fixtures/coDesign.ts';

/** The highlighted (commented) text: one stretch, perhaps split by a remote caret. */
const anchoredText = (editor: Locator) => async () =>
  (await editor.locator('[data-thread]').allTextContents()).join('');

/**
 * A patient with the commenter permission comments on the text with the keyboard alone; a
 * clinician sees it at once, credited, replies, and edits the text around it; the comment
 * stays on its words; only its author may change it; resolving hides it for everyone.
 */
test('a patient comments on the text, a clinician replies, and the thread follows the text live', async ({
  browser,
}) => {
  const { owner, patient, clinician, documentUrl, p, c, close } = await openCoDesign(
    browser,
    'comments',
  );
  await expect(c.status).toHaveText('All changes saved');
  await expect(p.editor).toContainText(FIRST_LINE);

  await test.step('the commenter selects a line with the keyboard and comments on it', async () => {
    await expect(patient.page.getByText('you can comment on this document')).toBeVisible();
    await p.editor.getByRole('paragraph').first().click();
    await patient.page.keyboard.press('Home');
    await patient.page.keyboard.press('Shift+End');
    await patient.page.keyboard.press('Control+Alt+M');
    const form = commentsOf(patient.page).getByRole('form', { name: 'New comment' });
    await expect(form).toContainText(FIRST_LINE);
    await expect(form.getByRole('textbox', { name: 'Your comment' })).toBeFocused();
    await patient.page.keyboard.type('Say how long people wait for results now.');
    await form.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect(form).toHaveCount(0);
    await expect(commentsOf(patient.page).getByRole('article')).toContainText(
      'Say how long people wait for results now.',
    );
    await expectNoAxeViolations(patient.page, 'document page with a comment (commenter)');
  });

  await test.step('the commenter cannot change the text itself', async () => {
    await p.editor.getByRole('paragraph').first().click();
    await patient.page.keyboard.type('XYZ');
    await expect(p.editor).not.toContainText('XYZ');
  });

  const thread = commentsOf(clinician.page).getByRole('article', {
    name: /Comment by Pat Patient/,
  });
  await test.step('the clinician sees it at once, credited, with its text highlighted', async () => {
    await expect(thread).toContainText('Say how long people wait for results now.');
    await expect(thread).toContainText('Pat Patient');
    await expect(thread).toContainText('Patient or service user');
    await expect.poll(anchoredText(c.editor)).toBe(FIRST_LINE);
    // Only the author may change a comment: the clinician is offered no way to.
    await expect(thread.getByRole('button', { name: 'Edit your comment' })).toHaveCount(0);
    await expectNoAxeViolations(clinician.page, 'document page with a comment (editor)');
  });

  await test.step('a reply reaches the patient live', async () => {
    await thread.getByRole('textbox', { name: 'Your reply' }).fill('The median is nine weeks.');
    // Only people who can read the document are offered; picking one adds "@Name".
    await thread.getByLabel('Mention someone').selectOption({ label: 'Pat Patient' });
    await expect(thread.getByRole('textbox', { name: 'Your reply' })).toHaveValue(
      'The median is nine weeks. @Pat Patient ',
    );
    await expect(thread.getByRole('list', { name: 'Mentioned' })).toContainText('Pat Patient');
    await thread.getByRole('button', { name: 'Send reply' }).click();
    await expect(thread.getByRole('textbox', { name: 'Your reply' })).toHaveValue('');
    const theirs = commentsOf(patient.page).getByRole('article');
    await expect(theirs).toContainText('The median is nine weeks. @Pat Patient');
    await expect(theirs).toContainText('Cleo Clinician');
    await expect(theirs).toContainText('Mentions you');
    await expect(theirs).toContainText('Mentions: Pat Patient');
  });

  await test.step('edits around the commented words leave the comment on them', async () => {
    await c.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('Home');
    await clinician.page.keyboard.type('Draft: ');
    // To the end of the commented paragraph (it wraps, so End would stop mid-way).
    await c.editor.getByRole('heading', { name: 'Participants' }).click();
    await clinician.page.keyboard.press('Home');
    await clinician.page.keyboard.press('ArrowLeft');
    await clinician.page.keyboard.type(' Agreed in May.');
    await expect(c.status).toHaveText('All changes saved');
    await expect.poll(() => editorText(p.editor)).toContain(`Draft: ${FIRST_LINE} Agreed in May.`);
    await expect.poll(anchoredText(p.editor)).toBe(FIRST_LINE);
    await expect.poll(anchoredText(c.editor)).toBe(FIRST_LINE);
  });

  await test.step('the author edits their own comment; "Show in the document" selects its text', async () => {
    const mine = commentsOf(patient.page).getByRole('article');
    await mine.getByRole('button', { name: 'Edit your comment' }).click();
    await mine
      .getByRole('textbox', { name: 'Your comment' })
      .fill('Say how long people wait for their results now.');
    await mine.getByRole('button', { name: 'Save' }).click();
    await expect(thread).toContainText('Say how long people wait for their results now.');
    await expect(thread).toContainText('(edited)');
    await mine.getByRole('button', { name: 'Show in the document' }).click();
    await expect
      .poll(() => patient.page.evaluate(() => window.getSelection()?.toString()))
      .toBe(FIRST_LINE);
  });

  await test.step('the Word export can carry the open comments, credited, and who wrote what', async () => {
    await clinician.page.getByText('Word download options').click();
    await clinician.page.getByRole('radio', { name: 'Open comments, beside their words' }).check();
    await clinician.page.getByRole('checkbox', { name: /^Mark who wrote what/ }).check();
    await expectNoAxeViolations(clinician.page, 'document page with the Word download options');
    const [download] = await Promise.all([
      clinician.page.waitForEvent('download'),
      clinician.page.getByRole('button', { name: 'Download Word document' }).click(),
    ]);
    const zip = await JSZip.loadAsync(readFileSync(await download.path()));
    // The thread is a Word comment on the words it is on, credited as its author chose.
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    expect(xml).toMatch(/<w:commentRangeStart w:id="1"\/>/);
    expect(xml).toMatch(/<w:commentRangeEnd w:id="1"\/>/);
    const notes = (await zip.file('word/comments.xml')?.async('string')) ?? '';
    expect(notes).toContain('Say how long people wait for their results now.');
    expect(notes).toContain('w:author="Pat Patient (Patient or service user)"');
    // The clinician's words around the thread are marked as theirs, and the key names them.
    const words = xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(words).toContain('Who wrote what');
    expect(words).toMatch(/Abc Cleo Clinician Clinician Tinted and with a solid underline \d+/);
    expect(xml).toMatch(/<w:u w:val="single" w:color="[0-9A-F]{6}"\/>/);
  });

  await test.step('resolving hides the thread for everyone; it can be shown and reopened', async () => {
    await commentsOf(patient.page)
      .getByRole('button', { name: /^Resolve/ })
      .click();
    // The thread left the list: focus goes to the list's heading, not to nowhere.
    await expect(
      commentsOf(patient.page).getByRole('heading', { name: 'Comments', exact: true }),
    ).toBeFocused();
    await expect(thread).toHaveCount(0);
    await expect(c.editor.locator('[data-thread]')).toHaveCount(0);
    await commentsOf(clinician.page).getByLabel('Show resolved comments (1)').check();
    await expect(thread).toContainText('Resolved by Pat Patient');
    // Its words are still found (not highlighted, but "Show in the document" works).
    await expect(thread.getByRole('button', { name: 'Show in the document' })).toBeVisible();
    await expect(thread).not.toContainText('has been deleted');
    await expectNoAxeViolations(clinician.page, 'document page with a resolved comment shown');
    await thread.getByRole('button', { name: /^Reopen/ }).click();
    await expect.poll(anchoredText(c.editor)).toBe(FIRST_LINE);
  });

  await test.step('a half-written reply survives someone else resolving the thread', async () => {
    const box = thread.getByRole('textbox', { name: 'Your reply' });
    await box.fill('Half-written thought');
    await commentsOf(patient.page)
      .getByRole('button', { name: /^Resolve/ })
      .click();
    await expect(thread).toContainText('Resolved by Pat Patient');
    await commentsOf(clinician.page).getByLabel('Show resolved comments (1)').uncheck();
    await expect(box).toHaveValue('Half-written thought');
    await thread.getByRole('button', { name: 'Send reply' }).click();
    // A reply reopens a resolved thread.
    await expect(box).toHaveValue('');
    await expect(thread).not.toContainText('Resolved by');
    await expect(commentsOf(patient.page).getByRole('article')).toContainText(
      'Half-written thought',
    );
  });

  await test.step('the contribution report counts the comments each person made', async () => {
    await owner.page.goto(documentUrl);
    await owner.page.getByRole('link', { name: 'Contributions' }).click();
    const people = owner.page.getByRole('table', { name: 'Contributions by person' });
    const row = people.getByRole('row').filter({ hasText: 'Pat Patient' });
    // Role, words now, in total, deleted, then comments made.
    await expect(row.getByRole('cell').nth(4)).toHaveText('1');
    await expectNoAxeViolations(owner.page, 'contributions page with comments');
  });

  await test.step('the author deletes their comment after confirming; the replies keep their place', async () => {
    const mine = commentsOf(patient.page).getByRole('article');
    await mine.getByRole('button', { name: 'Delete your comment' }).click();
    await mine.getByRole('button', { name: 'Yes, delete it' }).click();
    await expect(mine).toContainText('This comment was deleted by its author.');
    await expect(mine).toContainText('The median is nine weeks.');
    await expect(thread).toContainText('This comment was deleted by its author.');
  });

  await test.step('the workspace page lists what mentions the patient, with a link to it', async () => {
    await patient.page.getByRole('link', { name: 'Back to Eye screening co-design' }).click();
    const mentions = patient.page.getByRole('region', { name: 'Mentions of you' });
    await expect(mentions).toContainText('The median is nine weeks. @Pat Patient');
    await expect(mentions).toContainText(`On “${FIRST_LINE}”`);
    await expectNoAxeViolations(patient.page, 'workspace page with a mention');
    await mentions.getByRole('link', { name: 'Cleo Clinician in Screening pathway' }).click();
    await expect(p.editor).toContainText(FIRST_LINE);
    // The link leads to the thread itself, not just the document.
    await expect(commentsOf(patient.page).getByRole('article')).toBeFocused();
  });

  await close();
});
