import { expect, type Page, test } from '@playwright/test';
import {
  createDocument,
  createWorkspace,
  documentPage,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

/**
 * WCAG 2.2 AA at 400% zoom: a 1280-pixel-wide window zoomed to 400% is 320 CSS pixels
 * wide. Content must reflow into that width without scrolling sideways (1.4.10), and the
 * caret of someone typing must not end up hidden under a sticky bar (2.4.11). axe checks
 * neither, so this test measures them.
 */
test.use({ viewport: { width: 320, height: 256 } });

/** What sticks out past the right edge of the window, if anything. */
async function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *')).filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1;
    });
    const found = wide.map(
      (e) => `${e.tagName.toLowerCase()}.${Array.from(e.classList).join('.')}`,
    );
    if (document.documentElement.scrollWidth > width) found.unshift('the page scrolls sideways');
    return found;
  });
}

test('every page reflows into 320 CSS pixels, and the caret stays in view while typing', async ({
  browser,
}) => {
  const { page, person: who } = await newActor(browser, person('Zoe Zoomed', 'zoomed'));
  await page.goto('/signup');
  await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
  expect(await sidewaysOverflow(page), 'sign-up page').toEqual([]);
  await signUp(page, who);
  expect(await sidewaysOverflow(page), 'workspaces page').toEqual([]);
  await createWorkspace(page, 'Zoom group');
  expect(await sidewaysOverflow(page), 'workspace page').toEqual([]);
  await createDocument(page, 'Zoomed plan', 'Improvement plan');
  const doc = documentPage(page);
  await expect(doc.status).toHaveText('All changes saved');
  expect(await sidewaysOverflow(page), 'document page').toEqual([]);
  await expectNoAxeViolations(page, 'document page at 320 CSS pixels');

  await doc.editor.click();
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(`zoomed line ${i}`);
  }
  await expect(doc.editor).toContainText('zoomed line 14');
  // The caret's line is inside the window, and what is drawn there is the text itself,
  // not a bar on top of it.
  const caret = await page.evaluate(() => {
    const range = window.getSelection()?.getRangeAt(0);
    const box = range?.getBoundingClientRect();
    if (!box) return null;
    const onTop = document.elementFromPoint(Math.max(1, box.left), box.top + box.height / 2);
    return {
      top: box.top,
      bottom: box.bottom,
      height: window.innerHeight,
      onTopIsText: !!onTop?.closest('[contenteditable="true"]'),
    };
  });
  expect(caret).not.toBeNull();
  expect(caret?.top).toBeGreaterThanOrEqual(0);
  expect(caret?.bottom).toBeLessThanOrEqual(caret?.height ?? 0);
  expect(caret?.onTopIsText).toBe(true);
  expect(await sidewaysOverflow(page), 'document page after typing').toEqual([]);

  // The scoring page of a procurement evaluation, with its set-up form filled in.
  await page.goto('/');
  await page.getByRole('link', { name: 'Zoom group' }).click();
  await createDocument(page, 'Zoomed tender', 'Procurement evaluation');
  await page.getByRole('link', { name: 'Scoring', exact: true }).click();
  const setup = page.getByRole('form', { name: 'Set up the evaluation' });
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup
    .getByLabel('Criterion 1: title')
    .fill('Quality of care for people with long-term conditions');
  await setup.getByRole('button', { name: 'Add a bid' }).click();
  await setup.getByLabel('Bid 1: bidder').fill('Northside Community Eye Care Partnership');
  expect(await sidewaysOverflow(page), 'scoring page').toEqual([]);
});
