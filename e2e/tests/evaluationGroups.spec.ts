import { expect, type Page, test } from '@playwright/test';
import {
  addMember,
  createDocument,
  createWorkspace,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';
import { declareNoConflict, score } from '../fixtures/evaluation.ts';

/** Ticks exactly these panel groups for a criterion. */
async function scoredBy(page: Page, criterion: number, groups: string[], price = false) {
  const group = page.getByRole('group', {
    name: `Criterion ${criterion}: ${price ? 'who sees it and the prices' : 'who scores it'}`,
  });
  for (const g of ['Evaluators', 'Lay evaluators', 'Finance evaluators']) {
    const box = group.getByLabel(g, { exact: true });
    if (groups.includes(g)) await box.check();
    else await box.uncheck();
  }
}

/**
 * A panel as commissioners set one up: the clinical pathway scored by the clinician,
 * patient experience by the clinician and the lay evaluator, financial standing by the
 * finance evaluator, and price calculated from the bids' prices and seen only by finance.
 * The published method is the average. The lay evaluator never sees the price, before or
 * after moderation; the finance evaluator reads the price score in words.
 */
test('each panel group scores its own criteria; price is calculated and kept from the lay evaluator; the average method needs no agreed scores', async ({
  browser,
}) => {
  const chair = await newActor(browser, person('Cher Commissioner', 'grp-chair'));
  const lay = await newActor(browser, person('Lee Lay', 'grp-lay'));
  const clinician = await newActor(browser, person('Cal Clinician', 'grp-clinician'));
  const finance = await newActor(browser, person('Fin Finance', 'grp-finance'));
  for (const actor of [chair, lay, clinician, finance]) await signUp(actor.page, actor.person);
  await createWorkspace(chair.page, 'Eye care procurement');
  for (const [actor, role] of [
    [lay, 'Patient or service user'],
    [clinician, 'Clinician'],
    [finance, 'Commissioner'],
  ] as const) {
    await addMember(chair.page, actor.person.email, actor.person.name, { role });
  }
  await createDocument(chair.page, 'Lot 2: eye screening', 'Procurement evaluation');
  await chair.page.getByRole('link', { name: 'Scoring', exact: true }).click();
  const scoringUrl = chair.page.url();

  const setup = chair.page.getByRole('form', { name: 'Set up the evaluation' });
  await setup
    .getByRole('radio', { name: 'Average: the average of the individual scores counts' })
    .check();
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 1: title').fill('Clinical pathway');
  await setup.getByLabel('Criterion 1: section (optional)').fill('Quality');
  await setup.getByLabel('Criterion 1: weight, per cent').fill('40');
  await scoredBy(chair.page, 1, ['Evaluators']);
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 2: title').fill('Patient experience');
  await setup.getByLabel('Criterion 2: section (optional)').fill('Quality');
  await setup.getByLabel('Criterion 2: weight, per cent').fill('30');
  await scoredBy(chair.page, 2, ['Evaluators', 'Lay evaluators']);
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 3: title').fill('Financial standing');
  await setup.getByLabel('Criterion 3: how it is scored').selectOption({ label: 'Pass or fail' });
  await scoredBy(chair.page, 3, ['Finance evaluators']);
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 4: title').fill('Price');
  await setup
    .getByLabel('Criterion 4: how it is scored')
    .selectOption({ label: 'Price, scored from the bids’ prices' });
  await setup.getByLabel('Criterion 4: weight, per cent').fill('30');
  // Price has no levels or minimum, and starts seen by finance evaluators only.
  await expect(setup.getByLabel('Criterion 4: minimum acceptable score (optional)')).toHaveCount(0);
  await expect(
    chair.page
      .getByRole('group', { name: 'Criterion 4: who sees it and the prices' })
      .getByLabel('Finance evaluators'),
  ).toBeChecked();
  await setup.getByRole('button', { name: 'Add a bid' }).click();
  await setup.getByLabel('Bid 1: bidder').fill('Northside Eye Care');
  await setup.getByLabel('Bid 1: total price in pounds (for a price criterion)').fill('£100,000');
  await setup.getByRole('button', { name: 'Add a bid' }).click();
  await setup.getByLabel('Bid 2: bidder').fill('Riverside Optometry');
  // A price that is not a number is refused with what to type, and kept in the field.
  const price2 = setup.getByLabel('Bid 2: total price in pounds (for a price criterion)');
  await price2.fill('about 125k');
  for (const [actor, role] of [
    [chair, 'Chair'],
    [lay, 'Lay evaluator'],
    [clinician, 'Evaluator'],
    [finance, 'Finance evaluator'],
  ] as const) {
    await setup.getByLabel(`Panel role for ${actor.person.name}`).selectOption({ label: role });
  }
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('alert').first()).toContainText(
    'A price is an amount in pounds, such as 1250000 or 98500.50.',
  );
  await expect(price2).toHaveValue('about 125k');
  await expectNoAxeViolations(chair.page, 'evaluation set-up with groups and price');
  await price2.fill('125,000');
  // The price is made of two lines: a year's service, and the appointments it expects to
  // give at a price each. Each bid then prices the lines, and its total is worked out.
  await setup.getByRole('button', { name: 'Add a price line' }).click();
  await setup.getByLabel('Price line 1: what is priced').fill('Annual service');
  await setup.getByRole('button', { name: 'Add a price line' }).click();
  await setup.getByLabel('Price line 2: what is priced').fill('Screening appointments');
  await setup.getByLabel('Price line 2: quantity evaluated').fill('12,000');
  await expect(price2).toHaveCount(0);
  for (const [bid, service] of [
    [1, '40,000'],
    [2, '65,000'],
  ] as const) {
    await setup.getByLabel(`Bid ${bid}: Annual service, price in pounds`).fill(service);
    await setup
      .getByLabel(`Bid ${bid}: Screening appointments, price in pounds for one`)
      .fill('£5');
  }
  await expect(setup.getByText('Bid 1: total £100,000.')).toBeVisible();
  await expect(setup.getByText('Bid 2: total £125,000.')).toBeVisible();
  await expectNoAxeViolations(chair.page, 'evaluation set-up with price lines');
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('status')).toHaveText('Set-up saved.');
  await chair.page
    .getByRole('region', { name: 'Start scoring' })
    .getByRole('button', { name: 'Start scoring' })
    .click();
  await expect(chair.page.getByText('Stage: Individual scoring.')).toBeVisible();
  await declareNoConflict(chair.page);

  // The lay evaluator scores patient experience only, and never sees price.
  await lay.page.goto(scoringUrl);
  await declareNoConflict(lay.page);
  const layMain = lay.page.getByRole('main');
  await expect(lay.page.getByRole('form', { name: /for Northside Eye Care$/ })).toHaveCount(1);
  await expect(layMain).not.toContainText('Price');
  await expect(layMain).not.toContainText('£');
  await expect(layMain).not.toContainText('Clinical pathway');
  for (const bidder of ['Northside Eye Care', 'Riverside Optometry']) {
    await score(
      lay.page,
      `Quality: Patient experience for ${bidder}`,
      /^3 – Good/,
      'Lee: reminder letters written with patients.',
    );
  }
  await expectNoAxeViolations(lay.page, 'score sheet of one panel group');
  await lay.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(lay.page.getByText('You have submitted your scores.')).toBeVisible();

  // The finance evaluator reads the price score in words and scores financial standing.
  await finance.page.goto(scoringUrl);
  await declareNoConflict(finance.page);
  await expect(finance.page.getByRole('main')).toContainText(
    'Riverside Optometry’s price is £125,000; the lowest is £100,000. It scores the lowest price as a share of its own (80 of 100), so 24 of the 30 points.',
  );
  await expect(finance.page.getByRole('main')).toContainText(
    'Annual service: £65,000. Screening appointments: 12,000 at £5, £60,000. So total £125,000.',
  );
  for (const bidder of ['Northside Eye Care', 'Riverside Optometry']) {
    await score(
      finance.page,
      `Financial standing for ${bidder}`,
      /^Pass/,
      'Fin: audited accounts show a sound position.',
    );
  }
  await expectNoAxeViolations(finance.page, 'score sheet with a price criterion');
  await finance.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(finance.page.getByText('You have submitted your scores.')).toBeVisible();

  await clinician.page.goto(scoringUrl);
  await declareNoConflict(clinician.page);
  await expect(clinician.page.getByRole('main')).not.toContainText('£');
  for (const bidder of ['Northside Eye Care', 'Riverside Optometry']) {
    await score(
      clinician.page,
      `Quality: Clinical pathway for ${bidder}`,
      bidder.startsWith('North') ? /^2 – Satisfactory/ : /^4 – Excellent/,
      'Cal: the pathway as the bid describes it.',
    );
    await score(
      clinician.page,
      `Quality: Patient experience for ${bidder}`,
      /^4 – Excellent/,
      'Cal: the letters were tested with patients.',
    );
  }
  await clinician.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(clinician.page.getByText('You have submitted your scores.')).toBeVisible();

  // Moderation by the average method: the averages are the result, nothing to agree.
  await chair.page.reload();
  await chair.page
    .getByRole('form', { name: 'Open moderation' })
    .getByRole('button', { name: 'Open moderation' })
    .click();
  await expect(chair.page.getByText('Stage: Moderation.')).toBeFocused();
  const results = chair.page.getByRole('table', { name: 'Weighted totals and ranking' });
  // Northside: 40 × 2/4 + 30 × 3.5/4 + 30 = 76.25; Riverside: 40 + 26.25 + 24 = 90.25.
  await expect(results.getByRole('row', { name: /Northside Eye Care/ })).toContainText('76.25');
  await expect(results.getByRole('row', { name: /Riverside Optometry/ })).toContainText('90.25');
  await expect(chair.page.getByRole('form', { name: /^Agreed score for/ })).toHaveCount(0);
  await expectNoAxeViolations(chair.page, 'moderation by the average method');
  await chair.page.getByRole('button', { name: 'Sign off the evaluation' }).click();
  await chair.page.getByRole('button', { name: 'Yes, sign off' }).click();
  await expect(chair.page.getByText('Stage: Signed off.')).toBeVisible();

  // The lay evaluator sees the scores on patient experience, and no totals or price.
  await lay.page.reload();
  await expect(layMain).toContainText('Cal: the letters were tested with patients.');
  await expect(layMain).toContainText('The totals and ranking combine every criterion');
  await expect(layMain).not.toContainText('Price');
  await expect(lay.page.getByRole('link', { name: /Download/ })).toHaveCount(0);
  await expectNoAxeViolations(lay.page, 'moderation seen by one panel group');
});

/**
 * Two lots: the clinician's conflict concerns North only, so their sheet holds South's bid
 * alone while the lay evaluator scores both; each lot is ranked in its own table.
 */
test('a conflict with one lot keeps its member out of that lot only; each lot is ranked on its own', async ({
  browser,
}) => {
  const chair = await newActor(browser, person('Cher Commissioner', 'lot-chair'));
  const lay = await newActor(browser, person('Lee Lay', 'lot-lay'));
  const clinician = await newActor(browser, person('Cal Clinician', 'lot-clinician'));
  for (const actor of [chair, lay, clinician]) await signUp(actor.page, actor.person);
  await createWorkspace(chair.page, 'Pharmacy procurement');
  await addMember(chair.page, lay.person.email, lay.person.name, {
    role: 'Patient or service user',
  });
  await addMember(chair.page, clinician.person.email, clinician.person.name, {
    role: 'Clinician',
  });
  await createDocument(chair.page, 'Community pharmacy lots', 'Procurement evaluation');
  await chair.page.getByRole('link', { name: 'Scoring', exact: true }).click();
  const scoringUrl = chair.page.url();

  const setup = chair.page.getByRole('form', { name: 'Set up the evaluation' });
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 1: title').fill('Access for patients');
  await setup.getByLabel('Criterion 1: weight, per cent').fill('100');
  await setup.getByRole('button', { name: 'Add a lot' }).click();
  await setup.getByLabel('Lot 1: name').fill('North');
  await setup.getByRole('button', { name: 'Add a lot' }).click();
  await setup.getByLabel('Lot 2: name').fill('South');
  for (const [n, bidder, lot] of [
    [1, 'Northside Pharmacy', 'North'],
    [2, 'Northway Chemists', 'North'],
    [3, 'Southside Pharmacy', 'South'],
  ] as const) {
    await setup.getByRole('button', { name: 'Add a bid' }).click();
    await setup.getByLabel(`Bid ${n}: bidder`).fill(bidder);
    await setup.getByLabel(`Bid ${n}: lot`).selectOption({ label: lot });
  }
  for (const [actor, role] of [
    [chair, 'Chair'],
    [lay, 'Lay evaluator'],
    [clinician, 'Evaluator'],
  ] as const) {
    await setup.getByLabel(`Panel role for ${actor.person.name}`).selectOption({ label: role });
  }
  await expectNoAxeViolations(chair.page, 'evaluation set-up with lots');
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('status')).toHaveText('Set-up saved.');
  await chair.page
    .getByRole('region', { name: 'Start scoring' })
    .getByRole('button', { name: 'Start scoring' })
    .click();
  await expect(chair.page.getByText('Stage: Individual scoring.')).toBeVisible();
  await declareNoConflict(chair.page);

  // The clinician declares a conflict with North only.
  await clinician.page.goto(scoringUrl);
  const declaration = clinician.page.getByRole('form', { name: 'Your declaration' });
  await declaration.getByLabel('I will keep the bids, scores and discussions confidential').check();
  await declaration.getByRole('radio', { name: 'Yes' }).check();
  await declaration
    .getByLabel('Describe the conflict')
    .fill('I was a locum at Northside Pharmacy last year.');
  await declaration.getByRole('checkbox', { name: 'South' }).uncheck();
  await expectNoAxeViolations(clinician.page, 'declaration with lots');
  await declaration.getByRole('button', { name: 'Sign the declaration' }).click();
  await expect(declaration).toHaveCount(0);
  await expect(clinician.page.getByRole('main')).toContainText(
    'Your declared conflict of interest keeps you out of the lot “North”',
  );
  await expect(clinician.page.getByRole('form', { name: /^Access for patients for/ })).toHaveCount(
    1,
  );
  await score(
    clinician.page,
    'Access for patients for Southside Pharmacy',
    /^3 – Good/,
    'Cal: open late on weekdays and Saturdays.',
  );
  await expectNoAxeViolations(clinician.page, 'score sheet kept out of one lot');
  await clinician.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(clinician.page.getByText('You have submitted your scores.')).toBeVisible();

  await lay.page.goto(scoringUrl);
  await declareNoConflict(lay.page);
  for (const [bidder, level] of [
    ['Northside Pharmacy', /^2 – Satisfactory/],
    ['Northway Chemists', /^4 – Excellent/],
    ['Southside Pharmacy', /^1 – Poor/],
  ] as const) {
    await score(
      lay.page,
      `Access for patients for ${bidder}`,
      level,
      'Lee: how easy it is to get there.',
    );
  }
  await lay.page.getByRole('button', { name: 'Submit my scores' }).click();
  await expect(lay.page.getByText('You have submitted your scores.')).toBeVisible();

  await chair.page.reload();
  await expect(chair.page.getByRole('region', { name: 'Declarations of interests' })).toContainText(
    'declared a conflict with the lot “North”',
  );
  await chair.page
    .getByRole('form', { name: 'Open moderation' })
    .getByRole('button', { name: 'Open moderation' })
    .click();
  await expect(chair.page.getByText('Stage: Moderation.')).toBeFocused();
  const north = chair.page.getByRole('table', { name: 'Lot North: weighted totals and ranking' });
  await expect(north.getByRole('row', { name: /Northway Chemists/ })).toContainText('1st');
  await expect(north.getByRole('row', { name: /Northside Pharmacy/ })).toContainText('2nd');
  const south = chair.page.getByRole('table', { name: 'Lot South: weighted totals and ranking' });
  // (3 + 1) / 2 of 4 = 50, alone and first in its lot.
  await expect(south.getByRole('row', { name: /Southside Pharmacy/ })).toContainText('50');
  await expect(south.getByRole('row', { name: /Southside Pharmacy/ })).toContainText('1st');
  await expectNoAxeViolations(chair.page, 'moderation with lots');

  // The clinician sees South's moderation, and nothing of North's.
  await clinician.page.reload();
  await expect(
    clinician.page.getByRole('heading', { name: 'Moderation of Southside Pharmacy (South)' }),
  ).toBeVisible();
  await expect(clinician.page.getByRole('main')).not.toContainText('Northway Chemists');
  await expect(clinician.page.getByRole('main')).toContainText(
    'The totals and ranking draw on scores you may not see: the bids of a lot your declared conflict keeps you out of, so they are shown only to those who see every criterion and lot',
  );
  await expectNoAxeViolations(clinician.page, 'moderation kept out of one lot');
});

/**
 * Scored without the bidders' names: the lay evaluator declares and scores "Bid A" and
 * "Bid B"; the chair reveals the names; everyone declares again, now with them (the lay
 * evaluator a conflict the chair allows), and the register keeps both declarations.
 */
test('a panel scores without the bidders’ names, then declares again once the chair reveals them', async ({
  browser,
}) => {
  const chair = await newActor(browser, person('Cher Commissioner', 'anon-chair'));
  const lay = await newActor(browser, person('Lee Lay', 'anon-lay'));
  for (const actor of [chair, lay]) await signUp(actor.page, actor.person);
  await createWorkspace(chair.page, 'Wheelchair service procurement');
  await addMember(chair.page, lay.person.email, lay.person.name, {
    role: 'Patient or service user',
  });
  await createDocument(chair.page, 'Wheelchair service', 'Procurement evaluation');
  await chair.page.getByRole('link', { name: 'Scoring', exact: true }).click();
  const scoringUrl = chair.page.url();
  const setup = chair.page.getByRole('form', { name: 'Set up the evaluation' });
  await setup.getByLabel('The panel scores without the bidders’ names').check();
  await setup.getByRole('button', { name: 'Add a criterion' }).click();
  await setup.getByLabel('Criterion 1: title').fill('Patient experience');
  await setup.getByLabel('Criterion 1: weight, per cent').fill('100');
  for (const [n, bidder] of [
    [1, 'Wheels For All'],
    [2, 'Mobility Partners'],
  ] as const) {
    await setup.getByRole('button', { name: 'Add a bid' }).click();
    await setup.getByLabel(`Bid ${n}: bidder`).fill(bidder);
  }
  await setup.getByLabel(`Panel role for ${chair.person.name}`).selectOption({ label: 'Chair' });
  await setup
    .getByLabel(`Panel role for ${lay.person.name}`)
    .selectOption({ label: 'Lay evaluator' });
  await setup.getByRole('button', { name: 'Save the set-up' }).click();
  await expect(setup.getByRole('status')).toHaveText('Set-up saved.');
  await chair.page
    .getByRole('region', { name: 'Start scoring' })
    .getByRole('button', { name: 'Start scoring' })
    .click();
  await expect(chair.page.getByText('Stage: Individual scoring.')).toBeVisible();
  await declareNoConflict(chair.page);

  await lay.page.goto(scoringUrl);
  await expect(lay.page.getByRole('main')).toContainText('The bidders’ names are hidden for now');
  await declareNoConflict(lay.page);
  const sheet = lay.page.getByRole('region', { name: 'Your scores' });
  await expect(sheet.getByRole('heading', { name: 'Bid A', exact: true })).toBeVisible();
  await expect(lay.page.getByRole('main')).not.toContainText('Wheels For All');
  await score(lay.page, 'Patient experience for Bid A', /^3 – Good/, 'Lee: home visits offered.');
  await expectNoAxeViolations(lay.page, 'score sheet without the bidders’ names');

  // The chair reveals the names; both declare again, now with them.
  await chair.page.reload();
  await chair.page.getByRole('button', { name: 'Reveal the names' }).click();
  await chair.page.getByRole('button', { name: 'Yes, reveal them' }).click();
  await expect(chair.page.getByRole('region', { name: 'Your declaration' })).toContainText(
    'The chair has revealed the bidders’ names, so declare again',
  );
  await expectNoAxeViolations(chair.page, 'declaring again once the names are known');
  await declareNoConflict(chair.page);
  await lay.page.reload();
  const again = lay.page.getByRole('form', { name: 'Your declaration' });
  await expect(lay.page.getByRole('main')).toContainText('Wheels For All');
  await expect(lay.page.getByRole('heading', { name: 'Your scores' })).toHaveCount(0);
  await expect(again).toBeVisible();
  // Now that the names are known, the lay evaluator declares a conflict...
  await again.getByLabel('I will keep the bids, scores and discussions confidential').check();
  await again.getByRole('radio', { name: 'Yes' }).check();
  await again.getByLabel('Describe the conflict').fill('My cousin drives for Wheels For All.');
  await again.getByRole('button', { name: 'Sign the declaration' }).click();
  await expect(again).toHaveCount(0);
  await expect(lay.page.getByRole('heading', { name: 'Your scores' })).toHaveCount(0);
  // ...which the chair allows, saying how it is mitigated.
  await chair.page.reload();
  const exception = chair.page.getByRole('form', { name: 'Exception for Lee Lay' });
  await exception
    .getByLabel('How Lee Lay’s conflict is mitigated')
    .fill('Cher reads every score Lee gives Wheels For All.');
  await exception.getByRole('button', { name: 'Let Lee Lay take part' }).click();
  await expect(exception).toHaveCount(0);
  await lay.page.reload();
  await expect(sheet.getByRole('heading', { name: 'Wheels For All', exact: true })).toBeVisible();
  const register = lay.page.getByRole('region', { name: 'Declarations of interests' });
  await expect(register).toContainText(
    'Lee Lay (declared before the names were known, and again with them)',
  );
  // The register keeps the first declaration, made without the names, beside the one that
  // counts now, each dated and in words.
  const made = register
    .getByRole('list', {
      name: 'Every declaration Lee Lay made, oldest first (the last is their current one):',
    })
    .getByRole('listitem');
  await expect(made).toHaveCount(2);
  const on = String.raw`on \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2}`;
  await expect(made.nth(0)).toHaveText(
    new RegExp(`^First declared ${on}, before the bidders’ names were known: no conflict\\.$`),
  );
  await expect(made.nth(1)).toHaveText(
    new RegExp(
      `^Declared again ${on}, with the names known: a conflict of interest: My cousin drives for Wheels For All\\. The chair allowed them to take part, with this mitigation: Cher reads every score Lee gives Wheels For All\\.$`,
    ),
  );
  await expectNoAxeViolations(lay.page, 'score sheet once the names are known');
});
