import { expect, test } from '@playwright/test';
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
    await patientDoc.editor.click();
    await patient.page.keyboard.press('Control+End');
    await patient.page.keyboard.press('Enter');
    await clinicianDoc.editor.getByRole('paragraph').first().click();
    await clinician.page.keyboard.press('End');
    await clinician.page.keyboard.press('Space');
    await Promise.all([
      patient.page.keyboard.type(patientSentence, { delay: 15 }),
      clinician.page.keyboard.type(clinicianSentence, { delay: 15 }),
    ]);
  });

  await test.step('each sees the other’s words, caret and presence live', async () => {
    await expect(patientDoc.editor).toContainText(clinicianSentence);
    await expect(clinicianDoc.editor).toContainText(patientSentence);
    // Caret labels are drawn inside the text and hidden from assistive technology (the
    // presence list names people instead), so they have no role; find them by their text.
    await expect(patientDoc.editor.getByText('Dr Clinician', { exact: true })).toBeVisible();
    await expect(clinicianDoc.editor.getByText('Pat Patient', { exact: true })).toBeVisible();
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
