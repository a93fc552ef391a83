import { expect, test } from '@playwright/test';
import {
  addMember,
  authorRunsHoldOnlyText,
  createDocument,
  createWorkspace,
  documentPage,
  editorLines,
  editorText,
  newActor,
  person,
  signUp,
  typeAtOnce,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { pressUntilCaret } from '../fixtures/caret.ts';
import { shareShownInOwnColour } from '../fixtures/pixels.ts';

test('a patient and a clinician write one service design together, live', async ({ browser }) => {
  const patient = await newActor(browser, person('Pat Patient', 'patient'));
  const clinician = await newActor(browser, person('Dr Clinician', 'clinician'));

  await test.step('both sign up', async () => {
    await Promise.all([
      signUp(patient.page, patient.person, { axe: true }),
      signUp(clinician.page, clinician.person),
    ]);
    await expectNoAxeViolations(patient.page, 'home page');
  });

  const workspaceName = 'Community diabetes service';
  const documentTitle = 'Diabetes service design';
  await test.step('the patient sets up a workspace, adds the clinician and starts a document', async () => {
    await createWorkspace(patient.page, workspaceName);
    await addMember(patient.page, clinician.person.email, clinician.person.name);
    await expectNoAxeViolations(patient.page, 'workspace page');
    await createDocument(patient.page, documentTitle, 'Service design');
  });

  const documentUrl = patient.page.url();
  expect(documentUrl).toMatch(/\/documents\/[a-z0-9]+$/);
  await clinician.page.goto(documentUrl);

  const patientDoc = documentPage(patient.page);
  const clinicianDoc = documentPage(clinician.page);

  await test.step('both see the template the server seeded', async () => {
    for (const doc of [patientDoc, clinicianDoc]) {
      await expect(doc.editor.getByRole('heading', { name: 'About this service' })).toBeVisible();
      await expect(doc.editor.getByRole('heading', { name: 'You said, we did' })).toBeVisible();
      await expect(doc.status).toHaveText('All changes saved');
    }
    // The template is seeded once, by the server: two clients opening it must not double it.
    await expect(
      patientDoc.editor.getByRole('heading', { name: 'About this service' }),
    ).toHaveCount(1);
    await expectNoAxeViolations(patient.page, 'document page');
  });

  const patientSentence = 'Pat: evening appointments would let me keep my job.';
  const clinicianSentence = 'Clinician: we can pilot a Tuesday evening clinic.';

  await test.step('they type at the same time in different places', async () => {
    // The patient writes at the very end; the clinician at the end of the first paragraph.
    await typeAtOnce(
      { page: patient.page, text: patientSentence },
      { page: clinician.page, text: clinicianSentence },
    );
  });

  await test.step('each sees the other’s words, caret and presence live', async () => {
    await expect(patientDoc.editor).toContainText(clinicianSentence);
    await expect(clinicianDoc.editor).toContainText(patientSentence);
    // Caret labels are drawn inside the text and hidden from assistive technology (the
    // presence list names people instead), so they have no role; find them by their text.
    await expect(patientDoc.editor.getByText('Dr Clinician', { exact: true })).toBeVisible();
    const patientLabel = clinicianDoc.editor.getByText('Pat Patient', { exact: true });
    await expect(patientLabel).toBeVisible();
    // Actually on screen: the patient's caret is on the first line of a paragraph, and the
    // name drawn above it was once clipped away by the paragraph's paint containment.
    expect(await shareShownInOwnColour(patientLabel)).toBeGreaterThan(0.5);
    await expect(
      patientDoc.presence.getByRole('listitem').filter({ hasText: 'Dr Clinician' }),
    ).toBeVisible();
    await expect(
      patientDoc.presence.getByRole('listitem').filter({ hasText: 'Pat Patient (you)' }),
    ).toBeVisible();
    await expect(
      clinicianDoc.presence.getByRole('listitem').filter({ hasText: 'Pat Patient' }),
    ).toBeVisible();
    await expect(
      clinicianDoc.presence.getByRole('listitem').filter({ hasText: 'Dr Clinician (you)' }),
    ).toBeVisible();
    // Each has their own colour, and sees themself in the colour the other sees them in.
    const colourIn = (doc: typeof patientDoc, name: string) =>
      doc.presence
        .getByRole('listitem')
        .filter({ hasText: name })
        .evaluate((item) => getComputedStyle(item.firstElementChild as Element).backgroundColor);
    const patientColour = await colourIn(patientDoc, 'Pat Patient (you)');
    expect(await colourIn(clinicianDoc, 'Pat Patient')).toBe(patientColour);
    expect(await patientLabel.evaluate((label) => getComputedStyle(label).backgroundColor)).toBe(
      patientColour,
    );
    const clinicianColour = await colourIn(clinicianDoc, 'Dr Clinician (you)');
    expect(await colourIn(patientDoc, 'Dr Clinician')).toBe(clinicianColour);
    expect(clinicianColour).not.toBe(patientColour);
    await expect(patientDoc.status).toHaveText('All changes saved');
    await expect(clinicianDoc.status).toHaveText('All changes saved');
    await expectNoAxeViolations(clinician.page, 'document page while both edit');
  });

  await test.step('after both reload, both have the same text with both sentences', async () => {
    await Promise.all([patient.page.reload(), clinician.page.reload()]);
    for (const doc of [patientDoc, clinicianDoc]) {
      await expect(doc.editor).toContainText(patientSentence);
      await expect(doc.editor).toContainText(clinicianSentence);
      await expect(doc.status).toHaveText('All changes saved');
    }
    const [patientText, clinicianText] = await Promise.all([
      editorText(patientDoc.editor),
      editorText(clinicianDoc.editor),
    ]);
    expect(patientText).toBe(clinicianText);
    expect(patientText).toContain(patientSentence);
    expect(patientText).toContain(clinicianSentence);
  });

  await patient.context.close();
  await clinician.context.close();
});

/**
 * Someone else's caret at the very end of the document (they just typed there) is drawn
 * as a non-editable marker in the last paragraph. Chrome's own Ctrl+End then put the caret
 * at the start of that paragraph, so Enter split their paragraph at its start and what
 * was typed or pasted next went into the middle of their text. The editor now moves the
 * caret itself.
 */
test('Ctrl+End reaches the end of the document past someone else’s caret', async ({ browser }) => {
  const ann = await newActor(browser, person('Ann Writer', 'ann'));
  const ben = await newActor(browser, person('Ben Writer', 'ben'));
  await Promise.all([signUp(ann.page, ann.person), signUp(ben.page, ben.person)]);
  await createWorkspace(ann.page, 'Caret checks');
  await addMember(ann.page, ben.person.email, ben.person.name);
  await createDocument(ann.page, 'Ends of the document', 'Service design');
  await ben.page.goto(ann.page.url());
  const annDoc = documentPage(ann.page);
  const benDoc = documentPage(ben.page);
  await expect(benDoc.status).toHaveText('All changes saved');

  // Ann pastes notes long enough to scroll, ending in a paragraph that wraps; her caret
  // stays at its end.
  const annLine = `Ann wrote the last paragraph: ${'evening clinics near the bus station, '.repeat(5)}and parking.`;
  await annDoc.editor.click();
  await ann.page.keyboard.press('Control+End');
  await ann.page.keyboard.press('Enter');
  await ann.page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData('text/html', `${'<p>An earlier paragraph.</p>'.repeat(60)}<p>${text}</p>`);
    document
      .querySelector('[aria-label="Document content"]')
      ?.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
  }, annLine);
  const annCaret = benDoc.editor.locator('.collaboration-carets__caret');
  await expect(benDoc.editor.locator(':scope > *').last()).toContainText(annLine);
  await expect(annCaret).toBeVisible();

  // Ben goes to the end from the top and adds a paragraph of his own after Ann's.
  const benLine = 'Ben added a paragraph after it.';
  await benDoc.editor.focus();
  await ben.page.keyboard.press('Control+End');
  await ben.page.keyboard.press('Enter');
  await ben.page.keyboard.type(benLine, { delay: 10 });
  await expect(benDoc.status).toHaveText('All changes saved');
  for (const doc of [annDoc, benDoc]) {
    await expect
      .poll(async () => editorLines(await editorText(doc.editor)).slice(-2))
      .toEqual([annLine, benLine]);
  }

  // With the author view on, Ben types at the end of Ann's run and deletes a letter: the
  // text lands outside her run, and what is drawn is what the document holds.
  await ben.page.getByRole('button', { name: 'Show who wrote what' }).click();
  const annRun = benDoc.editor.locator('.author-run', { hasText: 'Ann wrote the last' });
  await expect(annRun).toBeVisible();
  // Both people credited: the view has its data and has drawn everything.
  const byPerson = ben.page
    .getByRole('region', { name: 'Who wrote what: key' })
    .getByRole('list')
    .first();
  await expect(byPerson.getByRole('listitem').filter({ hasText: 'Ann Writer' })).toBeVisible();
  await expect(byPerson.getByRole('listitem').filter({ hasText: 'Ben Writer' })).toBeVisible();
  // The end of Ann's paragraph: the start of Ben's last line, then one step back. The
  // caret is there, in the editor's state and in the page, before anything is typed.
  await pressUntilCaret(
    ben.page,
    () => benDoc.editor.focus(),
    ['Control+End', 'Home', 'ArrowLeft'],
    'end of a block ending "and parking."',
  );
  await ben.page.keyboard.type(' Yes, tooo', { delay: 30 });
  await ben.page.keyboard.press('Backspace');
  await expect
    .poll(async () => editorLines(await editorText(benDoc.editor)).slice(-2))
    .toEqual([`${annLine} Yes, too`, benLine]);
  await expect(annRun).toHaveText(annLine);
  await expect(benDoc.editor.locator('.author-run', { hasText: 'Yes, too' })).not.toHaveAttribute(
    'data-author',
    (await annRun.getAttribute('data-author')) ?? 'missing',
  );
  expect(await authorRunsHoldOnlyText(benDoc.editor)).toBe(true);

  // Ctrl+Shift+Home selects from the caret back to the start of the document.
  await ben.page.keyboard.press('Control+Shift+Home');
  await expect
    .poll(() => ben.page.evaluate(() => window.getSelection()?.toString().length ?? 0))
    .toBeGreaterThan(annLine.length);
  await expectNoAxeViolations(ben.page, 'document page with another person’s caret');
});
