import { statSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

const evidenceOf = (page: Page) => page.getByRole('region', { name: 'Experience evidence' });

/**
 * Experience-based co-design starts from people's own words: a facilitator adds a quote,
 * which warns that consent is not recorded until a carer records it; a touchpoint marked
 * negative shows under its journey stage, in words, on both screens.
 */
test('experience evidence records consent for quotes and maps touchpoints to the journey', async ({
  browser,
}) => {
  const facilitator = await newActor(browser, person('Fay Facilitator', 'evidence-fay'));
  const carer = await newActor(browser, person('Cal Carer', 'evidence-cal'));
  for (const actor of [facilitator, carer]) await signUp(actor.page, actor.person);
  await createWorkspace(facilitator.page, 'Eye screening co-design');
  await addMember(facilitator.page, carer.person.email, carer.person.name, {
    permission: 'Editor',
    role: 'Carer',
  });
  await createDocument(facilitator.page, 'Screening pathway', 'Service design');
  await carer.page.goto(facilitator.page.url());
  const f = documentPage(facilitator.page);

  await test.step('a quote without consent says so, on every screen', async () => {
    await f.editor.getByText('Stories, quotes (with consent)').click();
    await facilitator.page.keyboard.press('End');
    await f.toolbar.getByRole('button', { name: 'Insert experience evidence' }).click();
    const mine = evidenceOf(facilitator.page);
    const add = mine.getByRole('group', { name: 'Add evidence' });
    await add.getByRole('button', { name: 'Add the evidence' }).click();
    await expect(add.getByRole('alert')).toHaveText('Write what they said, in their words.');
    await add.getByLabel('In their words').fill('The letter scared me more than the test');
    await add.getByRole('button', { name: 'Add the evidence' }).click();
    await expect(add.getByRole('status')).toHaveText('Added the quote. Record consent below it.');
    const theirs = evidenceOf(carer.page);
    await expect(theirs).toContainText('1 quote or story has no consent to be quoted.');
    await expect(theirs).toContainText(
      'Consent: Consent not recorded yet and not anonymised: keep it within the group',
    );
  });

  await test.step('the carer records consent; the warning goes for both', async () => {
    const quote = evidenceOf(carer.page).getByRole('group', { name: /^Quote 1/ });
    await quote.getByLabel('Yes, they agreed to be quoted').check();
    await quote.getByLabel('Who (as they agreed to be named)').fill('A carer');
    await expect(evidenceOf(facilitator.page).getByText(/^Consent:/)).toHaveCount(0);
    await expect(evidenceOf(facilitator.page)).not.toContainText('no consent to be quoted');
  });

  await test.step('a touchpoint shows under its stage of the journey, in words', async () => {
    const add = evidenceOf(carer.page).getByRole('group', { name: 'Add evidence' });
    await add.getByLabel('Touchpoint').check();
    await add.getByLabel('What happened').fill('Waited three weeks for results');
    await add.getByRole('button', { name: 'Add the evidence' }).click();
    const touchpoint = evidenceOf(carer.page).getByRole('group', { name: /^Touchpoint 2/ });
    await touchpoint.getByLabel('Stage of the journey').fill('Results');
    await touchpoint.getByLabel('Negative: it went badly').check();
    const journey = evidenceOf(facilitator.page).getByRole('list', {
      name: 'Touchpoints at Results',
    });
    await expect(journey).toHaveText('Negative: Waited three weeks for results');
    await expect(f.status).toHaveText('All changes saved');
    await expectNoAxeViolations(facilitator.page, 'service design with experience evidence');
  });

  const TOUCHPOINT = 'Touchpoint (Results): “Waited three weeks for results”';
  await test.step('a decision is recorded and linked to the evidence it rests on', async () => {
    await f.editor.getByText('Each decision, when it was made').click();
    await facilitator.page.keyboard.press('End');
    await f.toolbar.getByRole('button', { name: 'Insert decision log' }).click();
    const log = facilitator.page.getByRole('region', { name: 'Decision log' });
    const add = log.getByRole('group', { name: 'Record a decision' });
    await add
      .getByLabel('Decision', { exact: true })
      .fill('Results letters go out within five days');
    await add.getByRole('button', { name: 'Record the decision' }).click();
    const theirs = carer.page.getByRole('region', { name: 'Decision log' });
    await expect(theirs).toContainText('1 decision; 1 does not say what evidence it rests on yet.');
    // Picked from the document's own pieces of evidence, not retyped.
    const links = theirs
      .getByRole('group', { name: /^Decision 1/ })
      .getByRole('group', { name: /^Evidence it rests on/ });
    await expect(links.getByRole('checkbox')).toHaveCount(2);
    await links.getByLabel(TOUCHPOINT).check();
    await expect(log).toContainText('1 decision; each says what evidence it rests on.');
    await expect(log.getByLabel(TOUCHPOINT)).toBeChecked();
    // The link follows the piece: renamed, the label changes; the link stays.
    await evidenceOf(facilitator.page)
      .getByRole('group', { name: /^Touchpoint 2/ })
      .getByLabel('What happened')
      .fill('Waited three weeks for a letter');
    await expect(
      links.getByLabel('Touchpoint (Results): “Waited three weeks for a letter”'),
    ).toBeChecked();
    await expect(f.status).toHaveText('All changes saved');
    await expectNoAxeViolations(carer.page, 'service design with a decision log');
  });

  await test.step('a priority is linked to the quote behind it', async () => {
    await f.editor.getByText('The three or four priorities the group agreed').click();
    await facilitator.page.keyboard.press('End');
    await f.toolbar.getByRole('button', { name: 'Insert priorities' }).click();
    const mine = facilitator.page.getByRole('region', { name: 'Priorities' });
    const add = mine.getByRole('group', { name: 'Add a priority' });
    await add.getByLabel('Priority', { exact: true }).fill('Kinder letters');
    await add.getByRole('button', { name: 'Add the priority' }).click();
    await mine
      .getByRole('group', { name: 'Evidence it rests on, for the priority Kinder letters' })
      .getByLabel('Quote from A carer: “The letter scared me more than the test”')
      .check();
    await expect(
      carer.page
        .getByRole('region', { name: 'Priorities' })
        .getByLabel('Quote from A carer: “The letter scared me more than the test”'),
    ).toBeChecked();
    await expect(f.status).toHaveText('All changes saved');
    await expectNoAxeViolations(facilitator.page, 'service design with linked priorities');
  });

  await test.step('two people change the links of one priority at once; both changes stay', async () => {
    const QUOTE = 'Quote from A carer: “The letter scared me more than the test”';
    const TOUCHPOINT = 'Touchpoint (Results): “Waited three weeks for a letter”';
    const STORY = 'Story: “I rang three times and nobody knew”';
    const add = evidenceOf(facilitator.page).getByRole('group', { name: 'Add evidence' });
    await add.getByLabel('Story', { exact: true }).check();
    await add.getByLabel('In their words').fill('I rang three times and nobody knew');
    await add.getByRole('button', { name: 'Add the evidence' }).click();
    const linksOf = (page: Page) =>
      page
        .getByRole('region', { name: 'Priorities' })
        .getByRole('group', { name: 'Evidence it rests on, for the priority Kinder letters' });
    await expect(linksOf(carer.page).getByLabel(STORY)).not.toBeChecked();
    // The carer's tick is made offline, so it reaches the server only after the
    // facilitator's untick and tick: all three are made to the same links unaware of
    // each other. Kept in one field, the last to arrive overwrote the others.
    const c = documentPage(carer.page);
    await carer.context.setOffline(true);
    await expect(c.status).toHaveText(/^Offline: /);
    await linksOf(carer.page).getByLabel(TOUCHPOINT).check();
    await linksOf(facilitator.page).getByLabel(QUOTE).uncheck();
    await linksOf(facilitator.page).getByLabel(STORY).check();
    await expect(f.status).toHaveText('All changes saved');
    await expect(linksOf(carer.page).getByLabel(STORY)).not.toBeChecked();
    await carer.context.setOffline(false);
    await expect(c.status).toHaveText('All changes saved');
    for (const page of [facilitator.page, carer.page]) {
      const links = linksOf(page);
      await expect(links.getByLabel(TOUCHPOINT)).toBeChecked();
      await expect(links.getByLabel(STORY)).toBeChecked();
      await expect(links.getByLabel(QUOTE)).not.toBeChecked();
    }
    await expectNoAxeViolations(carer.page, 'service design with links made at once');
  });

  await test.step('a link to a piece since removed is said, and can be cleared', async () => {
    const links = facilitator.page
      .getByRole('region', { name: 'Priorities' })
      .getByRole('group', { name: 'Evidence it rests on, for the priority Kinder letters' });
    await evidenceOf(facilitator.page)
      .getByRole('button', { name: /^Remove .*I rang three times/ })
      .click();
    await expect(links).toContainText('1 linked piece has since been removed from the document.');
    await links.getByRole('button', { name: /^Remove the links to removed pieces/ }).click();
    await expect(links).not.toContainText('since been removed');
    await expect(
      carer.page.getByRole('region', { name: 'Priorities' }).getByText(/since been removed/),
    ).toHaveCount(0);
  });

  await test.step('the document downloads as a Word file', async () => {
    const [download] = await Promise.all([
      facilitator.page.waitForEvent('download'),
      facilitator.page
        .getByRole('link', { name: 'Download as Word document', exact: true })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe('Screening pathway.docx');
    const path = await download.path();
    expect(statSync(path).size).toBeGreaterThan(5_000);
  });

  for (const actor of [facilitator, carer]) await actor.context.close();
});
