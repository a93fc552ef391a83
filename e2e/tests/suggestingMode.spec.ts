import { expect, test } from '@playwright/test';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, FIRST_LINE, openCoDesign } from '../fixtures/coDesign.ts';

const CHANGED =
  'Service, commissioners, place, scope and timescales, leads, and the level of co-production we aim for.';

/**
 * Suggesting mode, as in Google Docs: a patient with the commenter permission types in the
 * text itself; nothing they type is written, it is drawn as a suggestion and sent when they
 * press Enter or move away. A clinician sees both suggestions live in the text and accepts
 * them; the words are the patient's.
 */
test('a patient suggests by typing in the text; a clinician accepts; the words are the patient’s', async ({
  browser,
}) => {
  const { patient, clinician, p, c, close } = await openCoDesign(browser, 'typing');
  await expect(c.status).toHaveText('All changes saved');
  await expect(p.editor).toContainText(FIRST_LINE);
  const panel = commentsOf(patient.page);
  const toggle = panel.getByRole('button', { name: 'Suggest by typing' });
  const keys = patient.page.keyboard;

  await test.step('the patient turns suggesting on: the page says so in words', async () => {
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggesting is on: what you type in the document becomes a suggestion.',
    );
    await expect(panel.getByText(/Enter sends it/)).toBeVisible();
    await expect(p.editor).toHaveAttribute('aria-readonly', 'false');
    await expectNoAxeViolations(patient.page, 'document page, suggesting mode on');
  });

  await test.step('typing after a word draws words to add; Enter sends them', async () => {
    await p.editor.getByRole('paragraph').first().click();
    await keys.press('Home');
    for (let i = 0; i < 'Service, commissioners, place, scope'.length; i++) {
      await keys.press('ArrowRight');
    }
    await keys.type(' and timescalez');
    await keys.press('Backspace');
    await keys.type('s');
    const draft = p.editor.locator('.suggestion-insert--draft');
    await expect(draft).toHaveText(' and timescales');
    // Nothing was written: the document's own words are as they were, for both.
    expect(await editorText(p.editor)).toContain(FIRST_LINE);
    await expectNoAxeViolations(patient.page, 'document page, typing a suggestion');
    await keys.press('Enter');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: add “ and timescales”. It is in Comments, beside the document.',
    );
    await expect(
      panel.getByRole('article', { name: 'Suggestion by Pat Patient to add “ and timescales”' }),
    ).toContainText('Add and timescales');
    await expect(draft).toHaveCount(0);
  });

  await test.step('typing over selected words suggests replacing them; moving away sends it', async () => {
    // The caret is still after "scope"; ", " then select "owners".
    await keys.press('ArrowRight');
    await keys.press('ArrowRight');
    for (let i = 0; i < 'owners'.length; i++) await keys.press('Shift+ArrowRight');
    await keys.type('leads');
    await expect(p.editor.locator('.suggestion-draft')).toHaveText('owners');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText('leads');
    await keys.press('ArrowDown');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: replace “owners” with “leads”. It is in Comments, beside the document.',
    );
    await expect(panel.getByRole('article')).toHaveCount(2);
  });

  await test.step('Escape discards a suggestion being typed; nothing is sent', async () => {
    await keys.type('never mind');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText('never mind');
    await keys.press('Escape');
    await expect(panel.getByRole('status')).toHaveText('Your suggestion was discarded.');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveCount(0);
    await expect(panel.getByRole('article')).toHaveCount(2);
    expect(await editorText(p.editor)).toContain(FIRST_LINE);
  });

  // Words from an input method (a composition): suggestingCompose.spec.ts.

  await test.step('words typed on a paragraph someone else deletes are not lost: they are said', async () => {
    await p.editor.getByText('Pathway, access, workforce').click();
    await keys.type('our words');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText('our words');
    await c.editor.getByText('Pathway, access, workforce').click({ clickCount: 3 });
    await clinician.page.keyboard.press('Backspace');
    await clinician.page.keyboard.press('Backspace');
    await expect(panel.getByRole('status')).toHaveText(
      'Someone deleted the words your suggestion was on, so it was not sent; its words were: “our words”.',
    );
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveCount(0);
    expect(await editorText(p.editor)).not.toContain('our words');
  });

  await test.step('and on words someone else deletes, leaving the paragraph empty', async () => {
    await p.editor.getByText('Stories, quotes (with consent)').click();
    await keys.type('my story');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText('my story');
    await c.editor.getByText('Stories, quotes (with consent)').click({ clickCount: 3 });
    await clinician.page.keyboard.press('Backspace');
    await expect(panel.getByRole('status')).toHaveText(
      'Someone deleted the words your suggestion was on, so it was not sent; its words were: “my story”.',
    );
    await expect(panel.getByRole('article')).toHaveCount(2);
  });

  await test.step('words suggested into an empty paragraph are written there when accepted', async () => {
    // The clinician (editing) starts an empty paragraph under a heading.
    await c.editor.getByRole('heading', { name: 'Decision log' }).click();
    await clinician.page.keyboard.press('End');
    await clinician.page.keyboard.press('Enter');
    await expect(c.status).toHaveText('All changes saved');
    await p.editor.getByRole('heading', { name: 'Decision log' }).click();
    await keys.press('End');
    await keys.press('ArrowDown');
    await keys.type('Decided together.');
    await keys.press('Enter');
    await expect(panel.getByRole('status')).toHaveText(
      'Suggestion sent: add “Decided together.”. It is in Comments, beside the document.',
    );
    await commentsOf(clinician.page)
      .getByRole('button', { name: 'Accept the suggestion to add “Decided together.”' })
      .click();
    await expect.poll(() => editorText(p.editor)).toContain('Decision log\nDecided together.\n');
  });

  await test.step('the clinician sees both live in the text, and accepts them', async () => {
    const added = c.editor.locator('.suggestion-insert', { hasText: 'and timescales' });
    await expect(added).toHaveAttribute(
      'title',
      'Suggested words to add: “ and timescales” (see Comments, beside the document)',
    );
    await expect(c.editor.locator('.comment-anchor--suggestion')).toHaveText('owners');
    await expect(c.editor.locator('.suggestion-insert', { hasText: 'leads' })).toHaveCount(1);
    expect(await editorText(c.editor)).toContain(FIRST_LINE);
    await expectNoAxeViolations(clinician.page, 'document page with suggestions typed in');
    const comments = commentsOf(clinician.page);
    await comments
      .getByRole('button', { name: 'Accept the suggestion to add “ and timescales”' })
      .click();
    await expect(comments.getByRole('status')).toHaveText(
      'Suggestion accepted: “ and timescales” is now in the document.',
    );
    await comments.getByRole('button', { name: 'Accept the suggestion on “owners”' }).click();
    await expect.poll(() => editorText(c.editor)).toContain(CHANGED);
    await expect.poll(() => editorText(p.editor)).toContain(CHANGED);
    await expect(c.editor.locator('.suggestion-insert')).toHaveCount(0);
  });

  await test.step('the author view credits the added words to the patient', async () => {
    await clinician.page.getByRole('button', { name: 'Show who wrote what' }).click();
    await c.editor.locator('.author-run', { hasText: 'timescales' }).hover();
    await expect(clinician.page.getByRole('tooltip')).toContainText(
      'Written by Pat Patient (Patient or service user) on',
    );
  });

  await test.step('an editor can suggest too: formatting is off, and their words are a suggestion', async () => {
    const comments = commentsOf(clinician.page);
    await c.editor.getByText('Who is taking part, how each person').click();
    await clinician.page.keyboard.press('End');
    await c.toolbar.getByRole('button', { name: 'Insert service details' }).click();
    const details = clinician.page.getByRole('region', { name: 'About this service' });
    const service = details.getByLabel('Service', { exact: true });
    await expect(service).not.toHaveAttribute('readonly');
    await comments.getByRole('button', { name: 'Suggest by typing' }).click();
    await expect(c.toolbar.getByRole('button', { name: 'Bold' })).toBeDisabled();
    // A block's own fields are not words of the text: read-only while suggesting.
    await expect(service).toHaveAttribute('readonly');
    await expect(details).toContainText('How far co-production goes: not chosen yet');
    await expect(
      clinician.page.getByText(/Suggesting: formatting and blocks are off/),
    ).toBeVisible();
    await c.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('Home');
    await clinician.page.keyboard.type('Reviewed yearly: ');
    await clinician.page.keyboard.press('Enter');
    await expect(comments.getByRole('status')).toHaveText(
      'Suggestion sent: add “Reviewed yearly: ”. It is in Comments, beside the document.',
    );
    expect(await editorText(c.editor)).not.toContain('Reviewed yearly');
    await expect(
      commentsOf(patient.page).getByRole('article', {
        name: 'Suggestion by Cleo Clinician to add “Reviewed yearly: ”',
      }),
    ).toBeVisible();
    await expectNoAxeViolations(clinician.page, 'document page, an editor suggesting');
    await comments.getByRole('button', { name: 'Suggest by typing' }).click();
    await expect(c.toolbar.getByRole('button', { name: 'Bold' })).toBeEnabled();
    await expect(service).not.toHaveAttribute('readonly');
  });

  await test.step('turned off, typing does nothing for a commenter', async () => {
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await p.editor.getByRole('paragraph').first().click();
    await keys.type('zzz');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveCount(0);
    expect(await editorText(p.editor)).not.toContain('zzz');
  });

  await close();
});
