import { expect, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  editorText,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

const CLOSED = 'Closed: the text is read-only. An owner can reopen it by moving the status back.';

const statusOf = (page: Page) => page.getByRole('region', { name: 'Status' });
const commentsOf = (page: Page) => page.getByRole('complementary', { name: 'Comments' });
const expectNow = (page: Page, status: string) =>
  expect(statusOf(page).getByText(/^Now:/)).toHaveText(`Now: ${status}`);

/** Types at the very end of the document, in a new paragraph. */
async function typeAtEnd(page: Page, text: string) {
  await documentPage(page).editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/**
 * An improvement plan is closed by its owner while a clinician has it open: the clinician's
 * page says so and stops taking edits at once (the server refuses them anyway), what they
 * typed stays on screen (also once the owner reopens it, until they choose to carry on), and
 * they then type again without reloading.
 */
test('closing a document makes its text read-only for everyone, live, until an owner reopens it', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Imogen Lead', 'closed-owner'));
  const clinician = await newActor(browser, person('Cleo Clinician', 'closed-clinician'));
  for (const actor of [owner, clinician]) await signUp(actor.page, actor.person);
  await createWorkspace(owner.page, 'Falls collaborative');
  await addMember(owner.page, clinician.person.email, clinician.person.name, {
    permission: 'Editor',
    role: 'Clinician',
  });
  await createDocument(owner.page, 'Fewer falls on ward 7', 'Improvement plan');
  await clinician.page.goto(owner.page.url());
  const mine = documentPage(clinician.page);
  const theirs = documentPage(owner.page);
  const saved = 'Measure falls every week.';
  const unsent = 'Also check at night.';

  await test.step('the owner takes the plan to its last step while the clinician writes', async () => {
    await typeAtEnd(clinician.page, saved);
    await expect(mine.status).toHaveText('All changes saved');
    await expect(theirs.editor).toContainText(saved);
    // The clinician also suggests a change to their own line, for the owner to decide.
    await clinician.page.keyboard.press('Shift+Home');
    await commentsOf(clinician.page).getByRole('button', { name: 'Suggest an edit' }).click();
    const form = commentsOf(clinician.page).getByRole('form', { name: 'New suggested edit' });
    await form.getByRole('textbox', { name: 'Change the words to' }).fill('Measure falls daily.');
    await form.getByRole('button', { name: 'Suggest', exact: true }).click();
    await expect(form).toHaveCount(0);
    const panel = statusOf(owner.page);
    await panel.getByLabel('Who is the sponsor?').selectOption({ label: 'Imogen Lead' });
    await panel.getByRole('button', { name: 'Name as sponsor' }).click();
    await panel.getByRole('button', { name: 'Approve as sponsor' }).click();
    await expectNow(owner.page, 'Approved by the sponsor');
    for (const [button, now] of [
      ['Start testing changes', 'Testing changes'],
      ['Mark as implementing', 'Implementing'],
      ['Mark as sustaining', 'Sustaining'],
    ] as const) {
      await panel.getByRole('button', { name: button }).click();
      await expectNow(owner.page, now);
    }
    await expectNow(clinician.page, 'Sustaining');
    await expect(statusOf(clinician.page)).not.toContainText(CLOSED);
  });

  await test.step('the clinician loses the network and types; meanwhile the owner closes it', async () => {
    await clinician.context.setOffline(true);
    await expect(mine.status).toHaveText(/^Offline: /);
    await typeAtEnd(clinician.page, unsent);
    await statusOf(owner.page).getByRole('button', { name: 'Close' }).click();
    await expectNow(owner.page, 'Closed');
    await expect(statusOf(owner.page)).toContainText(CLOSED);
  });

  await test.step('back online, the clinician’s page says it is closed, is read-only, and keeps what they typed', async () => {
    await clinician.context.setOffline(false);
    await expectNow(clinician.page, 'Closed');
    await expect(statusOf(clinician.page)).toContainText(CLOSED);
    await expect(clinician.page.getByRole('alert')).toContainText(
      'This document was closed while you were typing.',
    );
    await expect(mine.editor).toHaveAttribute('aria-readonly', 'true');
    // The editor was built again, read-only: the keyboard focus is still in it.
    await expect(mine.editor).toBeFocused();
    await expect(mine.toolbar.getByRole('button', { name: 'Bold' })).toBeDisabled();
    await expect(mine.toolbar.getByRole('button', { name: 'Insert PDSA cycle' })).toBeDisabled();
    // Both what was saved and what the server refused are still on the clinician's screen.
    await expect(mine.editor).toContainText(saved);
    await expect(mine.editor).toContainText(unsent);
    // The server did not take the words typed against the closed document.
    await expect(theirs.editor).not.toContainText(unsent);
    // Typing does nothing now, for the owner too.
    const before = await editorText(mine.editor);
    await mine.editor.click();
    await clinician.page.keyboard.type('more words');
    expect(await editorText(mine.editor)).toBe(before);
    await expect(theirs.editor).toHaveAttribute('aria-readonly', 'true');
    await expect(theirs.toolbar.getByRole('button', { name: 'Bold' })).toBeDisabled();
    // Still present to each other.
    await expect(theirs.presence).toContainText('Cleo Clinician');
    // The owner may still reject the suggestion, not accept it (that would change the text).
    const suggestion = commentsOf(owner.page).getByRole('article', {
      name: /Suggestion by Cleo Clinician/,
    });
    await expect(suggestion).toContainText(
      'The document is closed, so this can be accepted only once it is reopened.',
    );
    await expect(suggestion.getByRole('button', { name: /^Accept/ })).toHaveCount(0);
    await expect(suggestion.getByRole('button', { name: /^Reject/ })).toBeEnabled();
    // The page is rebuilt in parts as the status changes, never duplicated.
    await expect(clinician.page.getByRole('textbox', { name: 'Document title' })).toHaveCount(1);
    if (process.env.CHORUS_E2E_SHOTS) {
      await clinician.page.screenshot({ path: '/tmp/closed-editor.png', fullPage: true });
    }
    await expectNoAxeViolations(clinician.page, 'closed improvement plan (editor)');
    await expectNoAxeViolations(owner.page, 'closed improvement plan (owner)');
  });

  await test.step('the owner reopens it; the clinician copies their words, carries on, and types again without reloading', async () => {
    await statusOf(owner.page).getByRole('button', { name: 'Move back to “Sustaining”' }).click();
    await expectNow(clinician.page, 'Sustaining');
    await expect(statusOf(clinician.page)).not.toContainText(CLOSED);
    // The words the server refused stay on screen until the clinician chooses to carry on.
    const carryOn = clinician.page.getByRole('button', {
      name: 'Carry on editing from the saved text',
    });
    await expect(clinician.page.getByRole('alert')).toContainText(
      'The document has been reopened.',
    );
    // Reopening changes nobody's access, so nothing says it did (the page's check of what
    // the clinician may do is a quiet status, not an alert).
    await expect(
      clinician.page.getByRole('alert').filter({ hasText: 'Your access to this document' }),
    ).toHaveCount(0);
    await expect(mine.editor).toContainText(unsent);
    await expect(mine.editor).toHaveAttribute('aria-readonly', 'true');
    await expectNoAxeViolations(clinician.page, 'reopened with refused words on screen');
    await carryOn.click();
    await expect(mine.editor).toHaveAttribute('aria-readonly', 'false');
    await expect(mine.toolbar.getByRole('button', { name: 'Bold' })).toBeEnabled();
    await expect(mine.editor).toContainText(saved);
    await expect(
      commentsOf(owner.page)
        .getByRole('article', { name: /Suggestion by Cleo Clinician/ })
        .getByRole('button', { name: /^Accept/ }),
    ).toBeEnabled();
    const again = 'Reviewed at the monthly meeting.';
    await typeAtEnd(clinician.page, again);
    await expect(theirs.editor).toContainText(again);
    await expect(mine.status).toHaveText('All changes saved');
    // What the server refused while it was closed is not brought back by reopening it.
    await expect(theirs.editor).not.toContainText(unsent);
    // Reopening is not an access change, and the warning about unsaved words has gone.
    await expect(clinician.page.getByRole('alert')).toHaveCount(0);
    await expectNoAxeViolations(clinician.page, 'reopened improvement plan (editor)');
  });

  for (const actor of [owner, clinician]) await actor.context.close();
});

/**
 * An edit that was on its way when the page heard of the closing, and is confirmed just
 * after, was saved: the page says it may not have been only until the confirmation comes,
 * and a reopening then starts again at once. The clinician's save confirmations are held
 * back on the way to their page (the server committed and relayed the edit), so the
 * closing reaches the page first, every time.
 */
test('an edit confirmed just after the closing is not held: the page stops saying it may be lost', async ({
  browser,
}) => {
  const owner = await newActor(browser, person('Nia Owner', 'held-owner'));
  const clinician = await newActor(browser, person('Cal Clinician', 'held-clinician'));
  for (const actor of [owner, clinician]) await signUp(actor.page, actor.person);
  await createWorkspace(owner.page, 'Pressure ulcer collaborative');
  await addMember(owner.page, clinician.person.email, clinician.person.name, {
    permission: 'Editor',
    role: 'Clinician',
  });
  await createDocument(owner.page, 'Fewer pressure ulcers', 'Improvement plan');
  // Save confirmations ([100, 1, count]) to the clinician's page wait here while `holding`.
  let holding = false;
  const held: Buffer[] = [];
  let toPage: ((message: Buffer) => void) | null = null;
  await clinician.page.routeWebSocket(/\/sync\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    toPage = (message) => ws.send(message);
    server.onMessage((message) => {
      const bytes = typeof message === 'string' ? Buffer.from(message) : message;
      if (holding && bytes[0] === 100 && bytes[1] === 1) held.push(bytes);
      else ws.send(message);
    });
  });
  await clinician.page.goto(owner.page.url());
  const mine = documentPage(clinician.page);
  const theirs = documentPage(owner.page);
  const onItsWay = 'Turn patients every two hours.';

  await test.step('the owner takes the plan to its last step', async () => {
    const panel = statusOf(owner.page);
    await panel.getByLabel('Who is the sponsor?').selectOption({ label: 'Nia Owner' });
    await panel.getByRole('button', { name: 'Name as sponsor' }).click();
    await panel.getByRole('button', { name: 'Approve as sponsor' }).click();
    await expectNow(owner.page, 'Approved by the sponsor');
    for (const [button, now] of [
      ['Start testing changes', 'Testing changes'],
      ['Mark as implementing', 'Implementing'],
      ['Mark as sustaining', 'Sustaining'],
    ] as const) {
      await panel.getByRole('button', { name: button }).click();
      await expectNow(owner.page, now);
    }
    await expectNow(clinician.page, 'Sustaining');
  });

  await test.step('the clinician types; the owner closes it before the confirmation reaches their page', async () => {
    holding = true;
    await typeAtEnd(clinician.page, onItsWay);
    // Committed: the server relays an edit only after its commit.
    await expect(theirs.editor).toContainText(onItsWay);
    await expect(mine.status).toHaveText('Saving…');
    await statusOf(owner.page).getByRole('button', { name: 'Close' }).click();
    await expectNow(clinician.page, 'Closed');
    await expect(clinician.page.getByRole('alert')).toContainText(
      'This document was closed while you were typing.',
    );
    await expect(mine.editor).toHaveAttribute('aria-readonly', 'true');
  });

  await test.step('the confirmation arrives: the page no longer says the words may not have been saved', async () => {
    holding = false;
    for (const message of held.splice(0)) toPage?.(message);
    await expect(clinician.page.getByRole('alert')).toHaveCount(0);
    await expect(statusOf(clinician.page)).toContainText(CLOSED);
    await expect(mine.editor).toContainText(onItsWay);
    await expectNoAxeViolations(clinician.page, 'closed, the edit on its way confirmed');
  });

  await test.step('reopened, the page starts again at once, as for everyone with nothing refused', async () => {
    await statusOf(owner.page).getByRole('button', { name: 'Move back to “Sustaining”' }).click();
    await expectNow(clinician.page, 'Sustaining');
    await expect(mine.editor).toHaveAttribute('aria-readonly', 'false');
    await expect(
      clinician.page.getByRole('button', { name: 'Carry on editing from the saved text' }),
    ).toHaveCount(0);
    const again = 'Check heels at every turn.';
    await typeAtEnd(clinician.page, again);
    await expect(theirs.editor).toContainText(again);
    await expect(mine.editor).toContainText(onItsWay);
    await expect(mine.status).toHaveText('All changes saved');
    await expectNoAxeViolations(clinician.page, 'reopened after a confirmed edit');
  });

  for (const actor of [owner, clinician]) await actor.context.close();
});
