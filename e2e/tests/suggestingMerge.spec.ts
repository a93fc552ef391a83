import { expect, test } from '@playwright/test';
import { editorText } from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { commentsOf, FIRST_LINE, openCoDesign } from '../fixtures/coDesign.ts';

/**
 * Suggesting mode merges, as Google Docs does: a patient who types again at the place of
 * their own open suggestion continues it (one suggestion, revised) instead of starting a
 * second one beside it; taking it back to nothing withdraws it. The clinician sees each
 * revision live and accepts the last one.
 */
test('typing again at one’s own suggestion continues it; taken back to nothing, it is withdrawn', async ({
  browser,
}) => {
  const { patient, clinician, p, c, close } = await openCoDesign(browser, 'merging');
  await expect(c.status).toHaveText('All changes saved');
  await expect(p.editor).toContainText(FIRST_LINE);
  const panel = commentsOf(patient.page);
  const status = panel.getByRole('status');
  const keys = patient.page.keyboard;
  const drawn = (editor: typeof p.editor) =>
    editor.locator('.suggestion-insert', { hasText: 'timescales' });

  await test.step('a first suggestion is sent with Enter', async () => {
    await panel.getByRole('button', { name: 'Suggest by typing' }).click();
    await p.editor.getByRole('paragraph').first().click();
    await keys.press('Home');
    for (let i = 0; i < 'Service, commissioners, place, scope'.length; i++) {
      await keys.press('ArrowRight');
    }
    await keys.type(' and timescales');
    await keys.press('Enter');
    await expect(status).toHaveText(
      'Suggestion sent: add “ and timescales”. It is in Comments, beside the document.',
    );
    await expect(panel.getByRole('article')).toHaveCount(1);
  });

  await test.step('typing at its place again continues it: one suggestion, drawn once', async () => {
    // The caret stayed where the words go.
    await keys.type(' agreed');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText(
      ' and timescales agreed',
    );
    // The listed suggestion is not drawn beside the draft that continues it.
    await expect(drawn(p.editor)).toHaveCount(1);
    await expectNoAxeViolations(patient.page, 'document page, continuing a suggestion');
    await keys.press('Enter');
    await expect(status).toHaveText(
      'Your suggestion now reads: add “ and timescales agreed”. It is in Comments, beside the document.',
    );
    await expect(panel.getByRole('article')).toHaveCount(1);
    await expect(
      panel.getByRole('article', {
        name: 'Suggestion by Pat Patient to add “ and timescales agreed”',
      }),
    ).toBeVisible();
    // Live for the clinician too, in the list and in the text.
    await expect(
      commentsOf(clinician.page).getByRole('article', {
        name: 'Suggestion by Pat Patient to add “ and timescales agreed”',
      }),
    ).toBeVisible();
    await expect(drawn(c.editor)).toHaveText(' and timescales agreed');
  });

  await test.step('Escape leaves it as it was', async () => {
    await keys.type('!');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText(
      ' and timescales agreed!',
    );
    await keys.press('Escape');
    await expect(status).toHaveText(
      'Your changes to your suggestion were discarded: it is as it was.',
    );
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveCount(0);
    await expect(drawn(p.editor)).toHaveText(' and timescales agreed');
  });

  await test.step('Backspace takes words back from it; the clinician accepts what it says now', async () => {
    for (let i = 0; i < ' agreed'.length; i++) await keys.press('Backspace');
    await expect(p.editor.locator('.suggestion-insert--draft')).toHaveText(' and timescales');
    await keys.press('Enter');
    await expect(status).toHaveText(
      'Your suggestion now reads: add “ and timescales”. It is in Comments, beside the document.',
    );
    const comments = commentsOf(clinician.page);
    await comments
      .getByRole('button', { name: 'Accept the suggestion to add “ and timescales”' })
      .click();
    await expect(comments.getByRole('status')).toHaveText(
      'Suggestion accepted: “ and timescales” is now in the document.',
    );
    const changed = FIRST_LINE.replace('scope,', 'scope and timescales,');
    await expect.poll(() => editorText(p.editor)).toContain(changed);
    await expect.poll(() => editorText(c.editor)).toContain(changed);
    await expectNoAxeViolations(clinician.page, 'document page, a continued suggestion accepted');
  });

  await test.step('a suggestion taken back to nothing is withdrawn', async () => {
    await p.editor.getByText('Pathway, access, workforce').click();
    await keys.press('End');
    await keys.type(' Soon.');
    await keys.press('Enter');
    await expect(status).toHaveText(
      'Suggestion sent: add “ Soon.”. It is in Comments, beside the document.',
    );
    await expect(panel.getByRole('article', { name: /to add “ Soon\.”/ })).toBeVisible();
    for (let i = 0; i < ' Soon.'.length; i++) await keys.press('Backspace');
    await keys.press('Enter');
    await expect(status).toHaveText(
      'Your suggestion was taken back to nothing, so it was withdrawn.',
    );
    await expect(panel.getByRole('article', { name: /to add “ Soon\.”/ })).toHaveCount(0);
    await expect(
      commentsOf(clinician.page).getByRole('article', { name: /to add “ Soon\.”/ }),
    ).toHaveCount(0);
    await expect(c.editor.locator('.suggestion-insert')).toHaveCount(0);
    expect(await editorText(p.editor)).not.toContain('Soon.');
    await expectNoAxeViolations(patient.page, 'document page, a suggestion withdrawn');
  });

  await close();
});
