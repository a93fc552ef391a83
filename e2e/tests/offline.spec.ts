import { expect, test } from '@playwright/test';
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

test('an edit made offline is kept in the browser, even after the tab is closed, and sent on reconnect', async ({
  browser,
}) => {
  const carer = await newActor(browser, person('Cara Carer', 'carer'));
  const lead = await newActor(browser, person('Lee Lead', 'lead'));
  await Promise.all([signUp(carer.page, carer.person), signUp(lead.page, lead.person)]);
  await createWorkspace(carer.page, 'Respite care');
  await addMember(carer.page, lead.person.email, lead.person.name);
  await createDocument(carer.page, 'Respite plan', 'Improvement plan');
  const url = carer.page.url();
  await lead.page.goto(url);
  const carerDoc = documentPage(carer.page);
  const leadDoc = documentPage(lead.page);
  await expect(carerDoc.status).toHaveText('All changes saved');
  await expect(leadDoc.status).toHaveText('All changes saved');

  const offlineSentence = 'Written on the train with no signal.';
  await test.step('the carer loses the network and keeps typing', async () => {
    await carer.context.setOffline(true);
    await expect(carerDoc.status).toHaveText(/^Offline: /);
    await carerDoc.editor.click();
    await carer.page.keyboard.press('Control+End');
    await carer.page.keyboard.press('Enter');
    await carer.page.keyboard.type(offlineSentence);
    await expect(carerDoc.status).toHaveText(
      'Offline: your changes are kept and will be sent when you reconnect',
    );
    await expectNoAxeViolations(carer.page, 'document page while offline');
    await expect(leadDoc.editor).not.toContainText(offlineSentence);
  });

  await test.step('the tab is closed; back online, the document is opened again and the edit goes through', async () => {
    await carer.page.close();
    await carer.context.setOffline(false);
    const again = await carer.context.newPage();
    await again.goto(url);
    const againDoc = documentPage(again);
    await expect(againDoc.editor).toContainText(offlineSentence);
    await expect(againDoc.status).toHaveText('All changes saved');
    await expect(leadDoc.editor).toContainText(offlineSentence);
  });
});

test('undo takes back only your own edits, not a colleague’s', async ({ browser }) => {
  const a = await newActor(browser, person('Ann Undo', 'ann'));
  const b = await newActor(browser, person('Ben Other', 'ben'));
  await Promise.all([signUp(a.page, a.person), signUp(b.page, b.person)]);
  await createWorkspace(a.page, 'Undo check');
  await addMember(a.page, b.person.email, b.person.name);
  await createDocument(a.page, 'Undo plan', 'Service design');
  await b.page.goto(a.page.url());
  const aDoc = documentPage(a.page);
  const bDoc = documentPage(b.page);
  await expect(bDoc.status).toHaveText('All changes saved');

  await aDoc.editor.click();
  await a.page.keyboard.press('Control+End');
  await a.page.keyboard.press('Enter');
  await a.page.keyboard.type('Ann typed this.');
  await expect(bDoc.editor).toContainText('Ann typed this.');
  await bDoc.editor.getByRole('paragraph').first().click();
  await b.page.keyboard.press('End');
  await b.page.keyboard.type(' Ben added this.');
  await expect(aDoc.editor).toContainText('Ben added this.');

  await a.page.keyboard.press('Control+z');
  await expect(aDoc.editor).not.toContainText('Ann typed this.');
  await expect(aDoc.editor).toContainText('Ben added this.');
  await expect(bDoc.editor).not.toContainText('Ann typed this.');
});
