import { type CDPSession, expect, type Page, test } from '@playwright/test';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, FIRST_LINE, openCoDesign } from '../fixtures/coDesign.ts';

/**
 * Composes through Chromium's own input method path (`Input.imeSetComposition`, as an
 * input method does: compositionstart, then compositionupdate and the words written into
 * the page at each step), then `commit` ends it: words to commit (`Input.insertText`), or
 * '' to cancel it (an empty composition, as Escape in an input method does).
 */
async function compose(cdp: CDPSession, page: Page, steps: string[]): Promise<void> {
  for (const text of steps) {
    await cdp.send('Input.imeSetComposition', {
      text,
      selectionStart: text.length,
      selectionEnd: text.length,
    });
    await page.waitForTimeout(50);
  }
}

async function commit(cdp: CDPSession, page: Page, words: string): Promise<void> {
  if (words) await cdp.send('Input.insertText', { text: words });
  else await cdp.send('Input.imeSetComposition', { text: '', selectionStart: 0, selectionEnd: 0 });
  await page.waitForTimeout(50);
}

/**
 * Suggesting mode with an input method: Japanese input, and a phone keyboard's word
 * suggestions (which compose every Latin word the same way). The composed words are shown
 * where they are typed while composing, never reach the document (the clinician's page
 * shows nothing of them), and become part of the suggestion when each composition ends.
 */
test('a patient suggests with an input method; nothing composed reaches the document; a clinician accepts', async ({
  browser,
}) => {
  const { patient, clinician, p, c, close } = await openCoDesign(browser, 'compose');
  await expect(c.status).toHaveText('All changes saved');
  await expect(p.editor).toContainText(FIRST_LINE);
  const panel = commentsOf(patient.page);
  const keys = patient.page.keyboard;
  await panel.getByRole('button', { name: 'Suggest by typing' }).click();
  await expect(panel.getByRole('status')).toHaveText(
    'Suggesting is on: what you type in the document becomes a suggestion.',
  );
  const cdp = await patient.page.context().newCDPSession(patient.page);
  const composing = p.editor.locator('.suggestion-composing');
  const draft = p.editor.locator('.suggestion-insert--draft');

  await test.step('composed words are shown where they are typed, and reach nobody', async () => {
    await p.editor.getByRole('paragraph').first().click();
    await keys.press('Home');
    for (let i = 0; i < 'Service, commissioners, place, scope'.length; i++) {
      await keys.press('ArrowRight');
    }
    await keys.type(' ');
    await expect(draft).toHaveText(' ');
    // The clinician's caret is at the start of the same paragraph (they type there later).
    await c.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('Home');
    await compose(cdp, patient.page, ['に', 'にほ', 'にほん', 'にほんご']);
    // Shown after the words typed so far, boxed as the draft is, not as the document's.
    await expect(composing).toHaveText('\u200bにほんご');
    await expect(draft).toHaveText(' ');
    expect(await editorText(p.editor)).toContain(FIRST_LINE);
    // The clinician's document (the shared one) holds nothing of it, while it is composed.
    expect(await editorText(c.editor)).toContain(FIRST_LINE);
    await expect(c.editor).not.toContainText('に');
    await expect(c.editor.locator('.suggestion-insert')).toHaveCount(0);
    await expectNoAxeViolations(patient.page, 'document page, composing a suggestion', {
      samePage: true,
    });
    await expectNoAxeViolations(clinician.page, 'document page, someone else composing', {
      samePage: true,
    });
  });

  await test.step('others’ edits in the same paragraph arrive without breaking the composition', async () => {
    await clinician.page.keyboard.type('Agreed: ');
    await expect(c.status).toHaveText('All changes saved');
    await expect.poll(() => editorText(p.editor)).toContain('Agreed: Service');
    await expect(composing).toHaveText('\u200bにほんご');
    await compose(cdp, patient.page, ['にほんご']);
    await commit(cdp, patient.page, '日本語');
    // Ended: the words are the draft's, after the space typed before them.
    await expect(composing).toHaveCount(0);
    await expect(draft).toHaveText(' 日本語');
    expect(await editorText(c.editor)).not.toContain('日本語');
    await expectNoAxeViolations(patient.page, 'document page, a composed word in the draft');
  });

  await test.step('a phone keyboard composes each Latin word: they join the same suggestion', async () => {
    await keys.type(' ');
    await compose(cdp, patient.page, ['c', 'cl', 'cli', 'clin']);
    await expect(composing).toHaveText('\u200bclin');
    await commit(cdp, patient.page, 'clinic');
    await expect(draft).toHaveText(' 日本語 clinic');
    // Backspace after it takes back a letter, as for typed words; then a letter typed.
    await keys.press('Backspace');
    await expect(draft).toHaveText(' 日本語 clini');
    await keys.type('c');
    await expect(draft).toHaveText(' 日本語 clinic');
    await keys.press('Enter');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: add “ 日本語 clinic”. It is in Comments, beside the document.',
    );
    await expect(draft).toHaveCount(0);
    await expect(
      panel.getByRole('article', { name: 'Suggestion by Pat Patient to add “ 日本語 clinic”' }),
    ).toBeVisible();
  });

  await test.step('a cancelled composition leaves nothing; Escape discards a composed one', async () => {
    await p.editor.getByText('Each decision, when it was made').click();
    await compose(cdp, patient.page, ['き', 'きゃ']);
    await expect(composing).toHaveText('\u200bきゃ');
    await commit(cdp, patient.page, '');
    await expect(composing).toHaveCount(0);
    await expect(draft).toHaveCount(0);
    expect(await editorText(p.editor)).toContain(
      'Each decision, when it was made, and the evidence',
    );
    expect(await editorText(p.editor)).not.toContain('き');
    // An accented letter from a dead key is a composition too.
    await compose(cdp, patient.page, ['´']);
    await commit(cdp, patient.page, 'é');
    await expect(draft).toHaveText('é');
    await keys.press('Escape');
    await expect(panel.getByRole('status')).toHaveText('Your suggestion was discarded.');
    await expect(draft).toHaveCount(0);
    await expect(panel.getByRole('article')).toHaveCount(1);
    expect(await editorText(c.editor)).not.toContain('é');
  });

  await test.step('composing over selected words suggests replacing them', async () => {
    await p.editor.getByRole('paragraph').first().click();
    await keys.press('End');
    await keys.press('ArrowLeft');
    for (let i = 0; i < 'for'.length; i++) await keys.press('Shift+ArrowLeft');
    await compose(cdp, patient.page, ['つ', 'つき']);
    await expect(p.editor.locator('.suggestion-draft')).toHaveText('for');
    await expect(composing).toHaveText('\u200bつき');
    await commit(cdp, patient.page, '月');
    await expect(draft).toHaveText('月');
    await p.editor.getByText('Each decision, when it was made').click();
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: replace “for” with “月”. It is in Comments, beside the document.',
    );
  });

  await test.step('the clinician sees the composed words drawn live, accepts, and they are the patient’s', async () => {
    const comments = commentsOf(clinician.page);
    await expect(
      c.editor.locator('.suggestion-insert', { hasText: '日本語 clinic' }),
    ).toBeVisible();
    await expect(c.editor.locator('.suggestion-insert', { hasText: '月' })).toBeVisible();
    await expectNoAxeViolations(clinician.page, 'document page with composed suggestions');
    await comments
      .getByRole('button', { name: 'Accept the suggestion to add “ 日本語 clinic”' })
      .click();
    await comments.getByRole('button', { name: 'Accept the suggestion on “for”' }).click();
    const accepted =
      'Agreed: Service, commissioners, place, scope 日本語 clinic, owners, and the level of co-production we aim 月.';
    await expect.poll(() => editorText(c.editor)).toContain(accepted);
    await expect.poll(() => editorText(p.editor)).toContain(accepted);
    await clinician.page.getByRole('button', { name: 'Show who wrote what' }).click();
    await c.editor.locator('.author-run', { hasText: '日本語' }).hover();
    await expect(clinician.page.getByRole('tooltip')).toContainText(
      'Written by Pat Patient (Patient or service user) on',
    );
    await expectNoAxeViolations(clinician.page, 'document page, composed words accepted');
  });

  await cdp.detach();
  await close();
});
