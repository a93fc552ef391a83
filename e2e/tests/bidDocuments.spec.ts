import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { declareNoConflict } from '../fixtures/evaluation.ts';

/** A small but real PDF, made here: the bytes the evaluator must get back exactly. */
const pdfBytes = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
  'latin1',
);

/**
 * The chair adds a bid's PDF while setting up (a web page renamed .pdf is refused first);
 * once scoring starts, the evaluator sees the bids only after declaring, downloads the
 * PDF byte for byte, asks the bidder a clarification question; the chair records the
 * bidder's answer and the evaluator's page shows it.
 */
test('the chair uploads a bid’s PDF, the evaluator declares, downloads it and asks a clarification the chair answers', async ({
  browser,
}) => {
  const chair = await newActor(browser, person('Cher Commissioner', 'bids-chair'));
  const evaluator = await newActor(browser, person('Eve Evaluator', 'bids-evaluator'));
  for (const actor of [chair, evaluator]) await signUp(actor.page, actor.person);
  await createWorkspace(chair.page, 'Wheelchair services procurement');
  await addMember(chair.page, evaluator.person.email, evaluator.person.name, {
    role: 'Clinician',
  });
  await createDocument(chair.page, 'Lot 2: wheelchair services', 'Procurement evaluation');
  await chair.page.getByRole('link', { name: 'Scoring', exact: true }).click();
  const scoringUrl = chair.page.url();

  const setup = chair.page.getByRole('form', { name: 'Set up the evaluation' });
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 1: title').fill('Quality of service');
  await setup.getByLabel('Criterion 1: weight, per cent').fill('100');
  await setup.getByRole('button', { name: 'Add a bid' }).click();
  await setup.getByLabel('Bid 1: bidder').fill('Northside Mobility');
  await setup.getByLabel(`Panel role for ${chair.person.name}`).selectOption({ label: 'Chair' });
  await setup
    .getByLabel(`Panel role for ${evaluator.person.name}`)
    .selectOption({ label: 'Evaluator' });
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('status')).toHaveText('Set-up saved.');

  // The saved bid appears in the Bids section, with a labelled file input.
  const bids = chair.page.getByRole('region', { name: 'Bids' });
  const bid = bids.getByRole('region', { name: 'Northside Mobility' });
  await expect(bid.getByText('No documents added yet.')).toBeVisible();
  await expectNoAxeViolations(chair.page, 'bids while setting up');
  const upload = bid.getByRole('form', { name: 'Add a document to Northside Mobility' });
  const fileInput = upload.getByLabel('Document for Northside Mobility');

  // A web page renamed .pdf is refused with a message tied to the field; the file stays chosen.
  await fileInput.setInputFiles({
    name: 'Prices.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('<html><script>alert(1)</script></html>'),
  });
  await upload.getByRole('button', { name: 'Upload the document' }).click();
  await expect(upload.getByRole('alert')).toContainText(
    'ends in .pdf, but its contents are not a PDF',
  );
  await expect(fileInput).toHaveAttribute('aria-invalid', 'true');
  await expect(fileInput).toHaveAccessibleDescription(/ends in \.pdf, but its contents/);
  await expect(fileInput).toBeFocused();
  expect(await fileInput.evaluate((el: HTMLInputElement) => el.files?.[0]?.name)).toBe(
    'Prices.pdf',
  );
  await expectNoAxeViolations(chair.page, 'a refused upload');

  await fileInput.setInputFiles({
    name: 'Method statement – Northside.pdf',
    mimeType: 'application/pdf',
    buffer: pdfBytes,
  });
  await upload.getByRole('button', { name: 'Upload the document' }).click();
  await expect(bid.getByRole('status').last()).toHaveText(
    'Method statement – Northside.pdf was uploaded.',
  );
  await expect(upload.getByRole('alert')).toHaveCount(0);
  const link = bid.getByRole('link', { name: 'Download Method statement – Northside.pdf' });
  await expect(link).toBeVisible();
  await expect(bid).toContainText('PDF, ');
  // A pricing schedule for finance evaluators only: the evaluator never sees it.
  const groups = upload.getByRole('group', { name: 'Who on the panel may open it' });
  await groups.getByLabel('Evaluators', { exact: true }).uncheck();
  await groups.getByLabel('Lay evaluators', { exact: true }).uncheck();
  await fileInput.setInputFiles({
    name: 'Pricing schedule.pdf',
    mimeType: 'application/pdf',
    buffer: pdfBytes,
  });
  await upload.getByRole('button', { name: 'Upload the document' }).click();
  await expect(bid.getByRole('status').last()).toHaveText('Pricing schedule.pdf was uploaded.');
  await expect(bid).toContainText('for finance evaluators only');
  await expectNoAxeViolations(chair.page, 'bids with an uploaded document');

  await chair.page.getByRole('region', { name: 'Start scoring' }).getByRole('button').click();
  await expect(chair.page.getByText('Stage: Individual scoring.')).toBeVisible();
  // Once scoring starts the documents are fixed: no upload form, no remove button.
  await declareNoConflict(chair.page);
  await expect(bid.getByRole('form', { name: 'Add a document to Northside Mobility' })).toHaveCount(
    0,
  );
  await expect(bid.getByRole('button', { name: /^Remove/ })).toHaveCount(0);

  // The evaluator sees no bid before signing the declaration.
  await evaluator.page.goto(scoringUrl);
  await expect(evaluator.page.getByRole('form', { name: 'Your declaration' })).toBeVisible();
  await expect(evaluator.page.getByRole('region', { name: 'Bids' })).toHaveCount(0);
  await expect(evaluator.page.getByRole('main')).not.toContainText('Method statement');
  await declareNoConflict(evaluator.page);
  const theirBid = evaluator.page
    .getByRole('region', { name: 'Bids' })
    .getByRole('region', { name: 'Northside Mobility' });
  await expect(theirBid).toBeVisible();
  await expect(theirBid).not.toContainText('Pricing schedule');
  await expectNoAxeViolations(evaluator.page, 'bids while scoring, as an evaluator');

  const [download] = await Promise.all([
    evaluator.page.waitForEvent('download'),
    theirBid.getByRole('link', { name: 'Download Method statement – Northside.pdf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Method statement – Northside.pdf');
  const saved = await download.path();
  expect(fs.readFileSync(saved).equals(pdfBytes)).toBe(true);

  // A question: a hidden direction character is refused and the words kept.
  const ask = theirBid.getByRole('form', {
    name: 'Ask Northside Mobility a clarification question',
  });
  const questionBox = ask.getByLabel('Your question to Northside Mobility');
  await questionBox.fill('How many \u202Etechnicians cover the rural area?');
  await ask.getByRole('button', { name: 'Ask the question' }).click();
  await expect(ask.getByRole('alert')).toContainText('invisible control or text-direction');
  await expect(questionBox).toHaveValue('How many \u202Etechnicians cover the rural area?');
  await questionBox.fill(
    'How many technicians cover the rural area, and how quickly do they come?',
  );
  await ask.getByRole('button', { name: 'Ask the question' }).click();
  await expect(ask.getByRole('status')).toHaveText(/Your question was recorded/);
  await expect(theirBid).toContainText(`Question 1, asked by ${evaluator.person.name}`);
  await expect(theirBid).toContainText('No answer recorded yet.');
  await expectNoAxeViolations(evaluator.page, 'a clarification question asked');

  // The chair's page shows the question as soon as it is asked (the server tells it), and
  // records the answer.
  const record = bid.getByRole('form', { name: 'Record the answer to question 1' });
  await expect(record).toBeVisible({ timeout: 3_000 });
  await expectNoAxeViolations(chair.page, 'a question to answer, as chair');
  await record
    .getByLabel('The bidder’s answer')
    .fill('Three technicians cover the rural area; urgent repairs within 2 working days.');
  await expect(record.getByLabel('Date the answer came')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await record.getByRole('button', { name: 'Record the answer' }).click();
  await expect(record).toHaveCount(0);
  await expect(bid).toContainText(`recorded by ${chair.person.name}`);
  await expectNoAxeViolations(chair.page, 'a recorded answer, as chair');

  // The evaluator's page shows the answer, who recorded it and when, without a reload.
  await expect(theirBid).toContainText('Three technicians cover the rural area', {
    timeout: 15_000,
  });
  await expect(theirBid).toContainText(`recorded by ${chair.person.name}`);
  await expect(theirBid.getByRole('form', { name: /Record the answer/ })).toHaveCount(0);
  await expectNoAxeViolations(evaluator.page, 'an answered clarification, as an evaluator');

  for (const actor of [chair, evaluator]) await actor.context.close();
});
