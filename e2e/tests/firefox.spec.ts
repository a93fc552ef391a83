import { expect, test } from '@playwright/test';
import type { Browser } from 'puppeteer-core';
import {
  documentPage,
  editorLines,
  editorText,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import {
  addLineAboveInFirefox,
  addMemberInFirefox,
  byRole,
  createDocumentInFirefox,
  createWorkspaceInFirefox,
  documentPageInFirefox,
  expectNoAxeViolationsInFirefox,
  hoverOverText,
  launchFirefox,
  newFirefoxActor,
  pressChord,
  signUpInFirefox,
  textsByRole,
} from '../fixtures/firefox.ts';

// One Firefox for the tests in this file (a launch takes 5 to 10 s on two busy cores),
// closed after them whether they pass or fail; each person gets a browser context of their own.
let firefox: Browser;
test.beforeAll(async () => {
  firefox = await launchFirefox();
});
test.afterAll(async () => {
  await firefox?.close();
});

/**
 * Firefox, driven by puppeteer-core over WebDriver BiDi (see fixtures/firefox.ts). The
 * caret fixes in the editor were found in Chrome; Firefox has its own timing of
 * selectionchange, its own Enter and its own input events, so the fast typist runs here too.
 */
test('Firefox: sign up, start a document and type fast; every key lands at the caret', async ({
  baseURL,
}) => {
  const writer = await newFirefoxActor(firefox, person('Fern Firefox', 'firefox-typist'), baseURL);
  const { page } = writer;
  const doc = documentPageInFirefox(page);
  await test.step('sign up, create a workspace and a document, axe on each page', async () => {
    await signUpInFirefox(writer, { axe: true });
    await expectNoAxeViolationsInFirefox(page, 'workspaces list in Firefox');
    await createWorkspaceInFirefox(page, 'Firefox checks');
    await expectNoAxeViolationsInFirefox(page, 'workspace page in Firefox');
    await createDocumentInFirefox(page, 'Typed in Firefox', 'Service design');
    await expect.poll(doc.status).toBe('All changes saved');
    await expectNoAxeViolationsInFirefox(page, 'document page in Firefox');
  });

  const editor = await doc.editor();
  await test.step('type lines, lines above, and a bulleted item, without pauses', async () => {
    await editor.click();
    const keys = page.keyboard;
    await pressChord(keys, ['Control'], 'End');
    await keys.press('Enter');
    await keys.type('bottom line', { delay: 10 });
    for (let round = 0; round < 8; round++) {
      await keys.press('Enter');
      await keys.type(`line ${round} text`, { delay: 10 });
    }
    for (let round = 0; round < 3; round++) {
      await addLineAboveInFirefox(keys, `above ${round}`);
      await keys.type(` end${round}`, { delay: 10 });
    }
    await keys.press('Enter');
    await keys.type('- ', { delay: 10 });
    await keys.type('item text', { delay: 10 });
  });

  await test.step('every line as typed, saved', async () => {
    await expect.poll(() => textsByRole(editor, 'listitem')).toEqual(['item text']);
    await expect.poll(doc.status).toBe('All changes saved');
    const lines = editorLines(await doc.text());
    const start = lines.indexOf('bottom line');
    expect(lines.slice(start), lines.join('\n')).toEqual([
      'bottom line',
      ...Array.from({ length: 7 }, (_, round) => `line ${round} text`),
      'above 0',
      'above 1',
      'above 2',
      'line 7 text end0 end1 end2',
      'item text',
    ]);
    await expectNoAxeViolationsInFirefox(page, 'document page after fast typing in Firefox');
  });

  await writer.context.close();
});

test('a Firefox person and a Chromium person write one document together, live', async ({
  browser,
  baseURL,
}) => {
  const fay = await newFirefoxActor(firefox, person('Fay Firefox', 'fay-firefox'), baseURL);
  const chris = await newActor(browser, person('Chris Chromium', 'chris-chromium'));
  const fayDoc = documentPageInFirefox(fay.page);
  const chrisDoc = documentPage(chris.page);

  await test.step('Fay (Firefox) sets up a document and adds Chris (Chromium)', async () => {
    await Promise.all([signUpInFirefox(fay), signUp(chris.page, chris.person)]);
    await createWorkspaceInFirefox(fay.page, 'Across browsers');
    await addMemberInFirefox(fay.page, chris.person.email, chris.person.name);
    await createDocumentInFirefox(fay.page, 'Written in two browsers', 'Service design');
    await chris.page.goto(fay.page.url());
    await expect.poll(fayDoc.status).toBe('All changes saved');
    await expect(chrisDoc.status).toHaveText('All changes saved');
  });

  const faySentence = 'Fay: a clinic near the bus station would help me.';
  const chrisSentence = 'Chris: we can open on Thursday evenings.';
  const fayEditor = await fayDoc.editor();
  await test.step('they type at the same time in different paragraphs', async () => {
    // Fay at the very end, Chris at the end of the first paragraph.
    await fayEditor.click();
    await pressChord(fay.page.keyboard, ['Control'], 'End');
    await fay.page.keyboard.press('Enter');
    await chrisDoc.editor.getByRole('paragraph').first().click();
    await chris.page.keyboard.press('End');
    await chris.page.keyboard.press('Space');
    await Promise.all([
      fay.page.keyboard.type(faySentence, { delay: 15 }),
      chris.page.keyboard.type(chrisSentence, { delay: 15 }),
    ]);
  });

  await test.step('both end with the same text, with both sentences where they were typed', async () => {
    await expect.poll(fayDoc.text).toContain(chrisSentence);
    await expect.poll(() => editorText(chrisDoc.editor)).toContain(faySentence);
    await expect.poll(fayDoc.status).toBe('All changes saved');
    await expect(chrisDoc.status).toHaveText('All changes saved');
    const [fayText, chrisText] = await Promise.all([fayDoc.text(), editorText(chrisDoc.editor)]);
    expect(fayText).toBe(chrisText);
    const lines = editorLines(fayText);
    expect(lines.at(-1)).toBe(faySentence);
    expect(lines.filter((line) => line.endsWith(` ${chrisSentence}`))).toHaveLength(1);
  });

  await test.step('each sees the other in the presence list, Chris sees Fay’s caret', async () => {
    await expect
      .poll(fayDoc.presence)
      .toEqual(
        expect.arrayContaining([
          expect.stringContaining('Fay Firefox (you)'),
          expect.stringContaining('Chris Chromium'),
        ]),
      );
    await expect(
      chrisDoc.presence.getByRole('listitem').filter({ hasText: 'Fay Firefox' }),
    ).toBeVisible();
    await expect(
      chrisDoc.presence.getByRole('listitem').filter({ hasText: 'Chris Chromium (you)' }),
    ).toBeVisible();
    await expect(chrisDoc.editor.getByText('Fay Firefox', { exact: true })).toBeVisible();
    await expectNoAxeViolations(chris.page, 'document page in Chromium, with Firefox editing');
  });

  await test.step('in Firefox, "Show who wrote what" credits each passage to its writer', async () => {
    const toggle = await byRole(fay.page, 'button', 'Show who wrote what');
    await toggle.click();
    await expect.poll(() => toggle.evaluate((button) => button.ariaPressed)).toBe('true');
    const legend = await byRole(fay.page, 'region', 'Who wrote what: key');
    await expect
      .poll(() => textsByRole(legend, 'listitem'))
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Fay Firefox \(/),
          expect.stringMatching(/^Chris Chromium \(Other\)/),
        ]),
      );
    await hoverOverText(fay.page, fayEditor, 'bus station');
    await expect
      .poll(() => textsByRole(fay.page, 'tooltip'))
      .toEqual([expect.stringMatching(/^Written by Fay Firefox \(.+\) on /)]);
    await hoverOverText(fay.page, fayEditor, 'Thursday');
    await expect
      .poll(() => textsByRole(fay.page, 'tooltip'))
      .toEqual([expect.stringMatching(/^Written by Chris Chromium \(Other\) on /)]);
    // By keyboard: the polite line says who wrote the text at the caret.
    await pressChord(fay.page.keyboard, ['Control'], 'End');
    await fay.page.keyboard.press('ArrowLeft');
    await expect
      .poll(() => textsByRole(fay.page, 'paragraph'))
      .toContainEqual(expect.stringMatching(/^At the cursor: Written by Fay Firefox \(/));
    await expectNoAxeViolationsInFirefox(fay.page, 'document page in Firefox, author view on');
  });

  await fay.context.close();
  await chris.context.close();
});
