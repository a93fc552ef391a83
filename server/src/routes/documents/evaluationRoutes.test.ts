import JSZip from 'jszip';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unloggable } from '../../test/auditFaults.ts';
import { buildTestApp } from '../../test/testApp.ts';

/**
 * A procurement evaluation with an owner (a commissioner, not on the panel), a chair, two
 * evaluators (one of them a lay evaluator), an observer and an editor outside the panel.
 */
async function setup() {
  const t = buildTestApp();
  const owner = await t.signUp('Olive Owner');
  const chair = await t.signUp('Cher Chair');
  const lay = await t.signUp('Lee Lay');
  const clinician = await t.signUp('Cal Clinician');
  const observer = await t.signUp('Obi Observer');
  const outsider = await t.signUp('Ed Editor');
  const ws = await t.request('POST', '/api/workspaces', {
    cookie: owner.cookie,
    body: { name: 'Community eye care procurement' },
  });
  const workspaceId = ws.json.workspace.id as string;
  for (const who of [chair, lay, clinician, observer, outsider]) {
    await t.request('POST', `/api/workspaces/${workspaceId}/members`, {
      cookie: owner.cookie,
      body: { email: who.email, permission: 'editor', participantRole: 'patient' },
    });
  }
  const created = await t.request('POST', `/api/workspaces/${workspaceId}/documents`, {
    cookie: owner.cookie,
    body: { title: 'Lot 1 evaluation', kind: 'procurement_evaluation' },
  });
  const documentId = created.json.document.id as string;
  const path = `/api/documents/${documentId}/evaluation`;
  const panel = [
    { userId: chair.id, panelRole: 'chair' },
    { userId: lay.id, panelRole: 'lay_evaluator' },
    { userId: clinician.id, panelRole: 'evaluator' },
    { userId: observer.id, panelRole: 'observer' },
  ];
  const criteria = [
    { title: 'Quality of care', scale: '0-4', weight: 70, threshold: 2 },
    { title: 'Patient experience', scale: '0-5', weight: 30, threshold: null },
  ];
  const bids = [{ bidder: 'Northside Eye Care' }, { bidder: 'Riverside Optometry' }];
  const get = (cookie: string) => t.request('GET', path, { cookie });
  const saveSetup = (cookie: string, body: unknown = { criteria, bids, panel }) =>
    t.request('PUT', `${path}/setup`, { cookie, body });
  const declare = (cookie: string, body: unknown = { confidential: true, conflict: false }) =>
    t.request('PUT', `${path}/declaration`, { cookie, body });
  /**
   * Sets up and starts scoring, and (unless told not to) every panel member declares no
   * conflict; returns the frozen criteria and bids with their ids.
   */
  const started = async ({ declared = true } = {}) => {
    expect((await saveSetup(owner.cookie)).status).toBe(200);
    const start = await t.request('POST', `${path}/start`, { cookie: chair.cookie });
    expect(start.status).toBe(200);
    if (declared) {
      for (const who of [chair, lay, clinician, observer]) {
        expect((await declare(who.cookie)).status).toBe(200);
      }
    }
    const ids = start.json.evaluation.setup as {
      criteria: { id: string }[];
      bids: { id: string }[];
    };
    return { criteria: ids.criteria.map((c) => c.id), bids: ids.bids.map((b) => b.id) };
  };
  const score = (
    cookie: string,
    bidId: string | undefined,
    criterionId: string | undefined,
    body: unknown,
  ) => t.request('PUT', `${path}/scores/${bidId}/${criterionId}`, { cookie, body });
  const rationale = (who: string) => `${who}: clear pathway, staffing plan thin in rural areas.`;
  /** When a member's current declaration was made, as the chair's page reads it. */
  const declaredAtOf = async (userId: string): Promise<number> => {
    const view = await get(owner.cookie);
    const found = (
      view.json.evaluation.declarations as { userId: string; declaredAt: number }[]
    ).find((d) => d.userId === userId);
    if (!found) throw new Error(`no declaration of ${userId}`);
    return found.declaredAt;
  };
  /** Scores every bid and criterion, with a rationale that names the scorer. */
  const scoreAll = async (
    cookie: string,
    who: string,
    ids: { criteria: string[]; bids: string[] },
    value: number,
  ) => {
    for (const b of ids.bids) {
      for (const c of ids.criteria) {
        const res = await score(cookie, b, c, {
          kind: 'score',
          score: value,
          rationale: rationale(who),
        });
        expect(res.status).toBe(200);
      }
    }
  };
  return {
    t,
    owner,
    chair,
    lay,
    clinician,
    observer,
    outsider,
    workspaceId,
    documentId,
    path,
    get,
    saveSetup,
    declare,
    started,
    score,
    scoreAll,
    rationale,
    declaredAtOf,
    criteria,
    bids,
    panel,
  };
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers) await close();
  closers = [];
});

describe('procurement evaluation: set-up', () => {
  it('checks the weights in plain words, and freezes criteria, weights and panel when scoring starts', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const off = s.criteria.map((c, i) => (i === 1 ? { ...c, weight: 20 } : c));
    const saved = await s.saveSetup(s.owner.cookie, {
      criteria: off,
      bids: s.bids,
      panel: s.panel,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.evaluation.problems).toEqual([
      'The weights of the scored criteria add up to 90%. Change them so they add up to 100%.',
    ]);
    const refused = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('add up to 90%');

    const ids = await s.started();
    expect(ids.criteria).toHaveLength(2);
    const late = await s.saveSetup(s.chair.cookie, { criteria: [], bids: [], panel: [] });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/criteria, weights, bids and panel are fixed/);
    expect((await s.get(s.chair.cookie)).json.evaluation.setup.criteria).toHaveLength(2);
  });

  it('keeps a criterion’s own descriptor for each level, and says when a level is missing', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const own = ['None', 'Little', 'Some', 'Most', 'All of what patients asked for'];
    const withOwn = s.criteria.map((c, i) => (i === 0 ? { ...c, descriptors: own } : c));
    const saved = await s.saveSetup(s.owner.cookie, {
      criteria: withOwn,
      bids: s.bids,
      panel: s.panel,
    });
    expect(saved.status).toBe(200);
    const read = (await s.get(s.lay.cookie)).json.evaluation.setup.criteria;
    expect(read[0].descriptors).toEqual(own);
    expect(read[1].descriptors).toBeNull();
    const short = await s.saveSetup(s.owner.cookie, {
      criteria: s.criteria.map((c, i) => (i === 0 ? { ...c, descriptors: own.slice(1) } : c)),
      bids: s.bids,
      panel: s.panel,
    });
    expect(short.status).toBe(400);
    expect(short.json.error.message).toContain(
      'A criterion scored 0 to 4 has 5 levels: describe each of them, or go back to the standard descriptors.',
    );
  });

  it('lets only the chair or an owner change the set-up, and only with people who can open the document', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.saveSetup(s.owner.cookie);
    expect((await s.saveSetup(s.lay.cookie)).status).toBe(403);
    expect((await s.saveSetup(s.chair.cookie)).status).toBe(200);
    const stranger = await s.t.signUp('Not A Member');
    const bad = await s.saveSetup(s.owner.cookie, {
      criteria: s.criteria,
      bids: s.bids,
      panel: [...s.panel, { userId: stranger.id, panelRole: 'evaluator' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/cannot open this document/);
    const invalid = await s.saveSetup(s.owner.cookie, {
      criteria: [{ title: '', scale: '0-9', weight: 150, threshold: null }],
      bids: [],
      panel: [],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.fields).toMatchObject({
      'criteria.0.title': 'Give every criterion a title.',
      'criteria.0.weight': 'Weights are from 0% to 100%.',
    });
  });

  it('is only for procurement evaluations, and only for the panel and owners', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.saveSetup(s.owner.cookie);
    const outsider = await s.get(s.outsider.cookie);
    expect(outsider.status).toBe(403);
    expect(outsider.json.error.message).toMatch(/Only the evaluation panel/);
    const other = await s.t.request('POST', `/api/workspaces/${s.workspaceId}/documents`, {
      cookie: s.owner.cookie,
      body: { title: 'Plan', kind: 'service_design' },
    });
    const notProcurement = await s.t.request(
      'GET',
      `/api/documents/${other.json.document.id}/evaluation`,
      { cookie: s.owner.cookie },
    );
    expect(notProcurement.status).toBe(404);
  });
});

describe('procurement evaluation: individual scoring (integrity rules 1 to 3)', () => {
  it('shows nobody another evaluator’s scores or rationale before moderation, not even the chair or an owner', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    const submit = await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    expect(submit.status).toBe(200);

    const lee = await s.get(s.lay.cookie);
    expect(lee.json.myEntries).toHaveLength(4);
    expect(lee.json.me.submitted).toBe(true);
    for (const who of [s.clinician, s.chair, s.owner, s.observer]) {
      const view = await s.get(who.cookie);
      expect(view.status).toBe(200);
      expect(view.json.myEntries).toEqual([]);
      expect(view.json.moderation).toBeNull();
      // Who has submitted is shown; what they scored is not, anywhere in the answer.
      expect(view.json.evaluation.submitted).toEqual([s.lay.id]);
      expect(JSON.stringify(view.json)).not.toContain('Lee: clear pathway');
    }
    // Nor in the audit log, which the owners read.
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toContain(
      'evaluation.scores_submitted',
    );
    expect(JSON.stringify(audit.json)).not.toContain('Lee: clear pathway');
  });

  it('needs a written rationale for a score and a reason for an abstention, and scores only on the criterion’s scale', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    const [quality, experience] = ids.criteria;
    const bare = await s.score(s.lay.cookie, ids.bids[0], quality, {
      kind: 'score',
      score: 3,
      rationale: 'good',
    });
    expect(bare.status).toBe(400);
    expect(bare.json.error.message).toMatch(/rationale of at least 20 characters/);
    const high = await s.score(s.lay.cookie, ids.bids[0], quality, {
      kind: 'score',
      score: 5,
      rationale: s.rationale('Lee'),
    });
    expect(high.status).toBe(400);
    expect(high.json.error.message).toBe('Choose a score from 0 to 4.');
    expect(
      (
        await s.score(s.lay.cookie, ids.bids[0], experience, {
          kind: 'score',
          score: 5,
          rationale: s.rationale('Lee'),
        })
      ).status,
    ).toBe(200);
    const abstain = await s.score(s.lay.cookie, ids.bids[0], quality, {
      kind: 'abstain',
      reason: 'I used to work for Northside.',
    });
    expect(abstain.status).toBe(200);
    expect(abstain.json.myEntries).toContainEqual(
      expect.objectContaining({ kind: 'abstain', reason: 'I used to work for Northside.' }),
    );
    // The chair runs the panel but does not score; an observer neither.
    for (const who of [s.chair, s.observer]) {
      const res = await s.score(who.cookie, ids.bids[0], quality, {
        kind: 'score',
        score: 1,
        rationale: s.rationale('Chair'),
      });
      expect(res.status).toBe(403);
    }
    const incomplete = await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    expect(incomplete.status).toBe(400);
    expect(incomplete.json.error.message).toMatch(/2 still need an answer/);
  });

  it('opens moderation only when everyone has submitted, or with the chair’s recorded reason; then freezes and shows every score', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    await s.scoreAll(s.clinician.cookie, 'Cal', ids, 1);

    const notChair = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.owner.cookie,
      body: {},
    });
    expect(notChair.status).toBe(403);
    const early = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toMatch(/1 evaluator has not submitted yet/);

    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Cal is on leave until after the deadline.' },
    });
    expect(opened.status).toBe(200);
    expect(opened.json.evaluation.state).toBe('moderation');
    expect(opened.json.evaluation.overrideReason).toBe('Cal is on leave until after the deadline.');
    // Rule 3: frozen. Cal's unsubmitted scores cannot change now, nor can anyone submit.
    const late = await s.score(s.clinician.cookie, ids.bids[0], ids.criteria[0], {
      kind: 'score',
      score: 4,
      rationale: s.rationale('Cal'),
    });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/individual scores are frozen/);

    // Everyone on the panel (and the owner) now sees each score with its rationale.
    const view = await s.get(s.clinician.cookie);
    expect(view.json.moderation.entries).toHaveLength(4);
    expect(JSON.stringify(view.json.moderation)).toContain('Lee: clear pathway');
    // Cal never submitted: his drafts are neither shown nor counted (he still sees his own).
    expect(JSON.stringify(view.json.moderation)).not.toContain('Cal: clear pathway');
    expect(JSON.stringify((await s.get(s.owner.cookie)).json)).not.toContain('Cal: clear pathway');
    // Lee's 3 of 4 on quality (70%): 52.5; 3 of 5 on experience (30%): 18.
    const [first] = view.json.moderation.results;
    expect(first.total).toBe(70.5);
    expect(first.criteria[0]).toMatchObject({ scores: [3], disagreement: false });

    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const entry = audit.json.entries.find(
      (e: { action: string }) => e.action === 'evaluation.moderation_opened',
    );
    expect(entry.details).toMatchObject({
      overrideReason: 'Cal is on leave until after the deadline.',
      notSubmitted: 1,
    });
  });

  it('opens moderation without a reason once every evaluator has submitted', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    for (const [who, name] of [
      [s.lay, 'Lee'],
      [s.clinician, 'Cal'],
    ] as const) {
      await s.scoreAll(who.cookie, name, ids, 2);
      expect((await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie })).status).toBe(
        200,
      );
    }
    // Submitted scores cannot change, even before moderation.
    const changed = await s.score(s.lay.cookie, ids.bids[0], ids.criteria[0], {
      kind: 'score',
      score: 4,
      rationale: s.rationale('Lee'),
    });
    expect(changed.status).toBe(409);
    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(opened.status).toBe(200);
    expect(opened.json.evaluation.overrideReason).toBeNull();
  });
});

describe('procurement evaluation: agreed scores, sign-off and the scores export', () => {
  it('refuses to export scores before moderation, then exports every score with the agreed one', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    const early = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.owner.cookie },
    });
    expect(early.status).toBe(409);
    expect(await early.text()).not.toContain('Lee: clear pathway');

    await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Cal withdrew from the panel.' },
    });
    await s.t.request('PUT', `${s.path}/agreed/${ids.bids[0]}/${ids.criteria[0]}`, {
      cookie: s.chair.cookie,
      body: { score: 3, rationale: '=HYPERLINK("x") agreed: strong pathway.', reason: null },
    });
    const csv = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.owner.cookie },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain('"Lee Lay","Lay evaluator",3,4,"Lee: clear pathway');
    expect(text).toContain('"Agreed by the panel in round 1 (recorded by Cher Chair)","",3,4');
    // A formula in a rationale is neutralised for spreadsheets.
    expect(text).toContain(`"'=HYPERLINK(""x"") agreed: strong pathway."`);
  });

  it('needs a reason for an agreed score unlike every individual score, and signs off only when every score is agreed', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    await s.scoreAll(s.clinician.cookie, 'Cal', ids, 1);
    for (const who of [s.lay, s.clinician]) {
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    const agree = (cookie: string, bid: string, criterion: string, body: unknown) =>
      s.t.request('PUT', `${s.path}/agreed/${bid}/${criterion}`, { cookie, body });
    const [bidA, bidB] = ids.bids as [string, string];
    const [quality, experience] = ids.criteria as [string, string];
    const rationale = 'Agreed: clear pathway, staffing thin in rural areas.';

    expect((await agree(s.chair.cookie, bidA, quality, { score: 2, rationale })).status).toBe(409);
    await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} });

    const unlike = await agree(s.lay.cookie, bidA, quality, { score: 2, rationale });
    expect(unlike.status).toBe(400);
    expect(unlike.json.error.message).toBe(
      'The agreed score 2 differs from every individual score (1, 3). Give the reason the panel agreed it.',
    );
    expect(
      (
        await agree(s.lay.cookie, bidA, quality, {
          score: 2,
          rationale,
          reason: 'Met in the middle after reading the staffing annex together.',
        })
      ).status,
    ).toBe(200);
    // An observer follows moderation but does not record its outcome.
    expect((await agree(s.observer.cookie, bidA, experience, { score: 3, rationale })).status).toBe(
      403,
    );

    const early = await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toMatch(/3 still need one/);
    for (const [bid, criterion] of [
      [bidA, experience],
      [bidB, quality],
      [bidB, experience],
    ] as const) {
      expect((await agree(s.chair.cookie, bid, criterion, { score: 3, rationale })).status).toBe(
        200,
      );
    }
    expect((await s.t.request('POST', `${s.path}/signoff`, { cookie: s.lay.cookie })).status).toBe(
      403,
    );
    const signed = await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie });
    expect(signed.status).toBe(200);
    expect(signed.json.evaluation.state).toBe('signed_off');
    // Each stage change is in the audit log (written with the change, in one transaction);
    // the refused sign-off is not.
    const logged = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const actions = (logged.json.entries as { action: string }[]).map((e) => e.action);
    expect(actions.filter((a) => a === 'evaluation.signed_off')).toHaveLength(1);
    expect(actions).toContain('evaluation.scoring_started');
    expect(actions).toContain('evaluation.moderation_opened');
    // 70 × 2/4 + 30 × 3/5 = 53 for A; 70 × 3/4 + 30 × 3/5 = 70.5 for B, ranked first.
    expect(
      signed.json.moderation.finalResults.map((r: { total: number; rank: number }) => [
        r.total,
        r.rank,
      ]),
    ).toEqual([
      [53, 2],
      [70.5, 1],
    ]);
    // Locked: nothing changes after sign-off.
    const late = await agree(s.chair.cookie, bidA, quality, { score: 3, rationale });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/signed off/);
  });
});

describe('procurement evaluation: declarations of interests', () => {
  it('records an exception for the declaration the chair read: not for one made since, nor without saying which', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.started();
    const first = 'My partner works for Northside Eye Care.';
    expect(
      (await s.declare(s.clinician.cookie, { confidential: true, conflict: true, details: first }))
        .status,
    ).toBe(200);
    const read = await s.declaredAtOf(s.clinician.id);
    // The clinician declares again (a wider conflict) while the chair writes the mitigation.
    await new Promise((r) => setTimeout(r, 5));
    const wider = 'My partner works for Northside Eye Care and I advise Riverside.';
    expect(
      (await s.declare(s.clinician.cookie, { confidential: true, conflict: true, details: wider }))
        .status,
    ).toBe(200);
    const mitigation = 'Lee checks every score Cal gives to either bidder.';
    const path = `${s.path}/declarations/${s.clinician.id}/exception`;
    const stale = await s.t.request('POST', path, {
      cookie: s.chair.cookie,
      body: { mitigation, declaredAt: read },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toContain('declared again since this page was loaded');
    const unsaid = await s.t.request('POST', path, {
      cookie: s.chair.cookie,
      body: { mitigation },
    });
    expect(unsaid.status).toBe(400);
    expect(unsaid.json.error.message).toContain('Say which declaration the exception is for');
    expect((await s.get(s.clinician.cookie)).json.me.clear).toBe(false);
    const current = await s.t.request('POST', path, {
      cookie: s.chair.cookie,
      body: { mitigation, declaredAt: await s.declaredAtOf(s.clinician.id) },
    });
    expect(current.status).toBe(200);
    expect((await s.get(s.clinician.cookie)).json.me.clear).toBe(true);
  });

  it('keeps a panel member from scoring until they declare, and a conflicted one out until the chair allows it', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started({ declared: false });
    const entry = { kind: 'score', score: 2, rationale: s.rationale('Cal') };
    const undeclared = await s.score(s.clinician.cookie, ids.bids[0], ids.criteria[0], entry);
    expect(undeclared.status).toBe(403);
    expect(undeclared.json.error.message).toBe(
      'Make your declaration of interests and confidentiality first.',
    );

    const unconfirmed = await s.declare(s.clinician.cookie, {
      confidential: false,
      conflict: false,
    });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.json.error.message).toMatch(
      /keep the bids, scores and discussions confidential/,
    );
    const vague = await s.declare(s.clinician.cookie, { confidential: true, conflict: true });
    expect(vague.status).toBe(400);
    expect(vague.json.error.fields.details).toMatch(/Describe the conflict/);
    const details = 'I was clinical lead at Northside until 2024.';
    expect(
      (await s.declare(s.clinician.cookie, { confidential: true, conflict: true, details })).status,
    ).toBe(200);
    const blocked = await s.score(s.clinician.cookie, ids.bids[0], ids.criteria[0], entry);
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.message).toMatch(/declared a conflict of interest/);
    // A declared conflict stays on record: it cannot be withdrawn by the member.
    const withdrawn = await s.declare(s.clinician.cookie);
    expect(withdrawn.status).toBe(409);

    // The register is the panel's: each member's declaration, with the conflict's details.
    const view = await s.get(s.lay.cookie);
    expect(view.json.evaluation.declarations).toEqual([
      expect.objectContaining({ userId: s.clinician.id, conflict: true, details, exception: null }),
    ]);

    // Moderation does not wait for a member kept out by a conflict...
    for (const who of [s.chair, s.lay]) await s.declare(who.cookie);
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(opened.status).toBe(200);
    // ...and that member sees no scores in it, nor in the export.
    const kept = await s.get(s.clinician.cookie);
    expect(kept.json.moderation).toBeNull();
    expect(JSON.stringify(kept.json)).not.toContain('Lee: clear pathway');
    const csv = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.clinician.cookie },
    });
    expect(csv.status).toBe(403);

    // The chair cannot allow their own conflict; they can allow another's, with a mitigation.
    const mitigation =
      'Cal takes part in moderation of other bids; Lee checks any Northside score.';
    const own = await s.t.request('POST', `${s.path}/declarations/${s.chair.id}/exception`, {
      cookie: s.chair.cookie,
      body: { mitigation, declaredAt: await s.declaredAtOf(s.chair.id) },
    });
    expect(own.status).toBe(403);
    const notChair = await s.t.request(
      'POST',
      `${s.path}/declarations/${s.clinician.id}/exception`,
      {
        cookie: s.lay.cookie,
        body: { mitigation, declaredAt: await s.declaredAtOf(s.clinician.id) },
      },
    );
    expect(notChair.status).toBe(403);
    const allowed = await s.t.request(
      'POST',
      `${s.path}/declarations/${s.clinician.id}/exception`,
      {
        cookie: s.chair.cookie,
        body: { mitigation, declaredAt: await s.declaredAtOf(s.clinician.id) },
      },
    );
    expect(allowed.status).toBe(200);
    const now = await s.get(s.clinician.cookie);
    expect(now.json.me.clear).toBe(true);
    expect(JSON.stringify(now.json.moderation)).toContain('Lee: clear pathway');

    const exported = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.owner.cookie },
    });
    const text = await exported.text();
    expect(text).toContain(
      `"Cal Clinician","Declared a conflict","${details}","Cher Chair","${mitigation}"`,
    );
    expect(text).toContain('"Lee Lay","None declared"');
  });
});

describe('procurement evaluation: who may take part', () => {
  it('lets panel roles, not document permissions, decide who scores: a viewer of the text can be a lay evaluator', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const lowered = await s.t.request(
      'PATCH',
      `/api/workspaces/${s.workspaceId}/members/${s.lay.id}`,
      { cookie: s.owner.cookie, body: { permission: 'viewer' } },
    );
    expect(lowered.status).toBe(200);
    const ids = await s.started();
    expect((await s.get(s.lay.cookie)).json.me.panelRole).toBe('lay_evaluator');
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 2);
    expect((await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie })).status).toBe(
      200,
    );
  });

  it('refuses an agreed score saved over a colleague’s newer one', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Cal withdrew from the panel.' },
    });
    const pair = `${s.path}/agreed/${ids.bids[0]}/${ids.criteria[0]}`;
    const rationale = 'Agreed: a clear pathway, rural staffing thin.';
    // Both loaded the page before either saved (basedOn: null).
    const first = await s.t.request('PUT', pair, {
      cookie: s.chair.cookie,
      body: { score: 3, rationale, basedOn: null },
    });
    expect(first.status).toBe(200);
    const second = await s.t.request('PUT', pair, {
      cookie: s.lay.cookie,
      body: { score: 3, rationale: `${rationale} Lee's version.`, basedOn: null },
    });
    expect(second.status).toBe(409);
    expect(second.json.error.message).toMatch(/Someone else saved an agreed score/);
    const agreedAt = first.json.moderation.agreed[0].agreedAt as number;
    const retried = await s.t.request('PUT', pair, {
      cookie: s.lay.cookie,
      body: { score: 3, rationale: `${rationale} Lee's version.`, basedOn: agreedAt },
    });
    expect(retried.status).toBe(200);
    // The refused save is not in the audit log; the two saved are.
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(
      audit.json.entries.filter((e: { action: string }) => e.action === 'evaluation.score_agreed'),
    ).toHaveLength(2);
    // Individual scores are never touched by agreed ones (rule 3).
    const view = await s.get(s.owner.cookie);
    expect(
      view.json.moderation.entries.filter(
        (e: { bidId: string; criterionId: string }) =>
          e.bidId === ids.bids[0] && e.criterionId === ids.criteria[0],
      ),
    ).toEqual([
      expect.objectContaining({ userId: s.lay.id, score: 3, rationale: s.rationale('Lee') }),
    ]);
  });
});

describe('procurement evaluation: each change written with its audit entry', () => {
  it('makes no change whose audit entry cannot be written', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.started();
    const { evaluations } = s.t.storage;
    const declare = evaluations.declare;
    evaluations.declare = (documentId, userId, declaration, at, options) =>
      declare(documentId, userId, declaration, at, unloggable(options));
    const conflict = { confidential: true, conflict: true, details: 'My sister runs Northside.' };
    // The declaration and its entry are one write: the entry refused, the conflict is not
    // on record either (it would otherwise be a declaration the audit log never saw).
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const refused = await s.declare(s.lay.cookie, conflict);
    const reportedError = String(reported.mock.calls[0]?.[1]);
    reported.mockRestore();
    expect(refused.status).toBe(500);
    expect(reportedError).toContain('audit_log');
    const register = (await s.get(s.owner.cookie)).json.evaluation.declarations as {
      userId: string;
      conflict: boolean;
    }[];
    expect(register.find((d) => d.userId === s.lay.id)?.conflict).toBe(false);
    evaluations.declare = declare;
    expect((await s.declare(s.lay.cookie, conflict)).status).toBe(200);
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const declared = (audit.json.entries as { action: string; details: { conflict?: boolean } }[])
      .filter((e) => e.action === 'evaluation.declared')
      .map((e) => e.details.conflict);
    // Four clear declarations as scoring started, then the one conflict that was made.
    expect(declared.sort()).toEqual([false, false, false, false, true]);
  });
});

describe('procurement evaluation: a new chair', () => {
  it('lets an owner appoint a new chair when the chair leaves, so the evaluation is not stuck', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.t.request('DELETE', `/api/workspaces/${s.workspaceId}/members/${s.chair.id}`, {
      cookie: s.owner.cookie,
    });
    for (const who of [s.lay, s.clinician]) {
      await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 2);
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    const chairPath = `${s.path}/chair`;
    const reason = 'Cher left the commissioning team.';
    const byLay = await s.t.request('PUT', chairPath, {
      cookie: s.lay.cookie,
      body: { userId: s.observer.id, reason },
    });
    expect(byLay.status).toBe(403);
    const scorer = await s.t.request('PUT', chairPath, {
      cookie: s.owner.cookie,
      body: { userId: s.lay.id, reason },
    });
    expect(scorer.status).toBe(400);
    expect(scorer.json.error.message).toMatch(/scores on this panel/);
    const appointed = await s.t.request('PUT', chairPath, {
      cookie: s.owner.cookie,
      body: { userId: s.observer.id, reason },
    });
    expect(appointed.status).toBe(200);
    expect(appointed.json.evaluation.panel).toContainEqual(
      expect.objectContaining({ userId: s.observer.id, panelRole: 'chair' }),
    );
    expect(appointed.json.evaluation.panel).toContainEqual(
      expect.objectContaining({ userId: s.chair.id, panelRole: 'observer' }),
    );
    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.observer.cookie,
      body: {},
    });
    expect(opened.status).toBe(200);
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(
      audit.json.entries.find((e: { action: string }) => e.action === 'evaluation.chair_changed')
        .details,
    ).toMatchObject({ userId: s.observer.id, reason });
  });
});

describe('procurement evaluation: moderation rounds and corrections (rules 5 and 7)', () => {
  it('starts another round after clarifications, and reopens a signed-off evaluation only as a recorded new round', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    for (const who of [s.lay, s.clinician]) {
      await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 2);
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} });
    const rationale = 'Agreed: adequate on both counts, thin on detail.';
    const agreeAll = async (score: number) => {
      for (const b of ids.bids) {
        for (const c of ids.criteria) {
          const res = await s.t.request('PUT', `${s.path}/agreed/${b}/${c}`, {
            cookie: s.chair.cookie,
            body: {
              score,
              rationale,
              reason: score === 2 ? null : 'After the clarification answers.',
            },
          });
          expect(res.status).toBe(200);
        }
      }
    };
    await agreeAll(2);
    const round = (cookie: string, reason: string) =>
      s.t.request('POST', `${s.path}/rounds`, { cookie, body: { reason } });
    expect((await round(s.lay.cookie, 'I want another go')).status).toBe(403);
    const second = await round(s.chair.cookie, 'Bidders answered clarification questions.');
    expect(second.status).toBe(200);
    expect(second.json.evaluation.round).toBe(2);
    expect(second.json.moderation.agreed).toEqual([]);
    expect(second.json.moderation.earlier).toHaveLength(4);
    expect(second.json.moderation.rounds[0]).toMatchObject({
      round: 2,
      reason: 'Bidders answered clarification questions.',
      startedByName: 'Cher Chair',
      afterSignOff: false,
    });
    // Sign-off needs the new round's agreed scores.
    expect(
      (await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie })).status,
    ).toBe(400);
    await agreeAll(3);
    expect(
      (await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie })).status,
    ).toBe(200);

    // A correction after sign-off is never a silent edit: a recorded round, back in moderation.
    const reopened = await round(s.chair.cookie, 'A transcription error in the quality score.');
    expect(reopened.status).toBe(200);
    expect(reopened.json.evaluation).toMatchObject({ state: 'moderation', round: 3 });
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    const started = audit.json.entries
      .filter((e: { action: string }) => e.action === 'evaluation.round_started')
      .map((e: { details: unknown }) => e.details);
    expect(started).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ round: 2, correction: false }),
        expect.objectContaining({ round: 3, correction: true }),
      ]),
    );
    const csv = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.owner.cookie },
    });
    const text = await csv.text();
    expect(text).toContain('Agreed by the panel in round 1, superseded');
    expect(text).toContain('Agreed by the panel in round 2, superseded');
  });
});

describe('procurement evaluation: conflicts reach every role', () => {
  it('keeps a chair who declared a conflict from running the evaluation, and from being appointed', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started({ declared: false });
    for (const who of [s.lay, s.clinician, s.observer]) await s.declare(who.cookie);
    await s.declare(s.chair.cookie, {
      confidential: true,
      conflict: true,
      details: 'I advised Northside on its bid last year.',
    });
    for (const who of [s.lay, s.clinician]) {
      await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 2);
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    const open = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(open.status).toBe(403);
    expect(open.json.error.message).toMatch(/cannot chair this evaluation/);
    // Nor can the conflicted person be made chair again later, or an owner appoint themselves.
    const self = await s.t.request('PUT', `${s.path}/chair`, {
      cookie: s.owner.cookie,
      body: { userId: s.owner.id, reason: 'I will chair it myself.' },
    });
    expect(self.status).toBe(400);
    const appointed = await s.t.request('PUT', `${s.path}/chair`, {
      cookie: s.owner.cookie,
      body: { userId: s.observer.id, reason: 'Cher declared a conflict.' },
    });
    expect(appointed.status).toBe(200);
    const back = await s.t.request('PUT', `${s.path}/chair`, {
      cookie: s.owner.cookie,
      body: { userId: s.chair.id, reason: 'Back to Cher.' },
    });
    expect(back.status).toBe(400);
    expect(back.json.error.message).toMatch(/declared a conflict of interest/);
    expect(
      (await s.t.request('POST', `${s.path}/moderation`, { cookie: s.observer.cookie, body: {} }))
        .status,
    ).toBe(200);
  });

  it('leaves out the scores of someone who declares a conflict after submitting', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 4);
    await s.scoreAll(s.clinician.cookie, 'Cal', ids, 0);
    for (const who of [s.lay, s.clinician]) {
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    await s.declare(s.clinician.cookie, {
      confidential: true,
      conflict: true,
      details: 'My brother was just hired by Northside.',
    });
    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(opened.status).toBe(200);
    const view = await s.get(s.owner.cookie);
    expect(JSON.stringify(view.json.moderation)).not.toContain('Cal: clear pathway');
    expect(view.json.moderation.results[0].criteria[0]).toMatchObject({ scores: [4] });
  });

  it('keeps agreed scores and rationales out of the audit log, which owners outside the panel read', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);
    await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Cal withdrew.' },
    });
    await s.t.request('PUT', `${s.path}/agreed/${ids.bids[0]}/${ids.criteria[0]}`, {
      cookie: s.chair.cookie,
      body: { score: 3, rationale: 'Agreed secretly: strong on access.' },
    });
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(audit.json.entries.map((e: { action: string }) => e.action)).toContain(
      'evaluation.score_agreed',
    );
    expect(JSON.stringify(audit.json)).not.toContain('Agreed secretly');
  });

  it('refuses a sign-off checked against a round that has since moved on', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.started();
    const { storage } = s.t;
    const record = await storage.evaluations.get(s.documentId);
    await storage.evaluations.transition(s.documentId, 'scoring', 'moderation', Date.now(), {
      overrideReason: 'test',
    });
    const read = await storage.evaluations.get(s.documentId);
    // Another request starts a new round between the sign-off's check and its write.
    expect(
      await storage.evaluations.startRound(s.documentId, 'Clarifications', s.chair.id, Date.now()),
    ).toBe(2);
    expect(
      await storage.evaluations.transition(s.documentId, 'moderation', 'signed_off', Date.now(), {
        ifUpdatedAt: read?.updatedAt ?? 0,
      }),
    ).toBe(false);
    expect(record?.state).toBe('scoring');
  });
});

describe('procurement evaluation: the report (DOCX)', () => {
  it('is refused before moderation, then holds the outcome, each bidder’s assessment summary and how the decision was reached', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const ids = await s.started();
    const report = () =>
      s.t.app.request(`${s.path}/report.docx`, { headers: { cookie: s.owner.cookie } });
    expect((await report()).status).toBe(409);
    for (const who of [s.lay, s.clinician]) {
      await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 3);
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} });
    for (const b of ids.bids) {
      for (const c of ids.criteria) {
        await s.t.request('PUT', `${s.path}/agreed/${b}/${c}`, {
          cookie: s.chair.cookie,
          body: {
            score: 3,
            rationale: `Agreed for ${b === ids.bids[0] ? 'Northside' : 'Riverside'}: sound plan.`,
          },
        });
      }
    }
    const res = await report();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('wordprocessingml');
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const text = xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Evaluation report: Lot 1 evaluation');
    expect(text).toContain('The totals below use the scores the panel agreed in moderation.');
    expect(text).toContain('Assessment summary: Northside Eye Care');
    expect(text).toContain('Agreed for Riverside: sound plan.');
    // 70 × 3/4 + 30 × 3/5 = 70.5 for both: they share first place.
    expect(text).toContain('Riverside Optometry 70.5 1');
    expect(text).toContain('Lee Lay Lay evaluator No conflict declared');
    // Each criterion's levels, as the panel scored against them.
    expect(text).toContain(
      'Levels of “Quality of care”: 0: Unacceptable: no answer, or it does not meet the requirement;',
    );
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(
      audit.json.entries.some(
        (e: { action: string; details: { format?: string } }) =>
          e.action === 'document.exported' && e.details.format === 'docx',
      ),
    ).toBe(true);
  });
});

describe('procurement evaluation: price, who scores what, and the published method', () => {
  /**
   * Quality scored by the clinician, patient experience by the clinician and the lay
   * evaluator, financial standing and price for the finance evaluator (the outsider,
   * here): as commissioners set one up so that price never reaches quality evaluators.
   */
  async function pricedSetup(
    method: 'consensus' | 'average' = 'consensus',
    /** A pricing schedule, and the bids priced line by line on it. */
    schedule?: { priceLines: unknown[]; bids: unknown[]; financeDeclaresLater?: boolean },
  ) {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const panel = [...s.panel, { userId: s.outsider.id, panelRole: 'finance_evaluator' }];
    const criteria = [
      {
        section: 'Quality',
        title: 'Clinical pathway',
        scale: '0-4',
        weight: 40,
        threshold: null,
        scoredBy: ['evaluator'],
      },
      {
        section: 'Quality',
        title: 'Patient experience',
        scale: '0-5',
        weight: 30,
        threshold: null,
        scoredBy: ['evaluator', 'lay_evaluator'],
      },
      {
        title: 'Financial standing',
        scale: 'pass_fail',
        weight: 0,
        threshold: null,
        scoredBy: ['finance_evaluator'],
      },
      {
        title: 'Price',
        scale: 'price',
        weight: 30,
        threshold: null,
        scoredBy: ['finance_evaluator'],
      },
    ];
    const bids = schedule?.bids ?? [
      { bidder: 'Northside Eye Care', price: 100_000 },
      { bidder: 'Riverside Optometry', price: 125_000 },
    ];
    const saved = await s.saveSetup(s.owner.cookie, {
      method,
      criteria,
      bids,
      panel,
      ...(schedule ? { priceLines: schedule.priceLines } : {}),
    });
    expect(saved.status).toBe(200);
    expect(saved.json.evaluation.problems).toEqual([]);
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    expect(start.status).toBe(200);
    const declaring = [s.chair, s.lay, s.clinician, s.observer];
    if (!schedule?.financeDeclaresLater) declaring.push(s.outsider);
    for (const who of declaring) expect((await s.declare(who.cookie)).status).toBe(200);
    const frozen = start.json.evaluation.setup as {
      criteria: { id: string }[];
      bids: { id: string }[];
    };
    const [pathway, experience, standing, price] = frozen.criteria.map((c) => c.id);
    const [north, river] = frozen.bids.map((b) => b.id);
    const give = (cookie: string, criterionId: string | undefined, value: number) =>
      Promise.all(
        [north, river].map((b) =>
          s.score(cookie, b, criterionId, {
            kind: 'score',
            score: value,
            rationale: 'Strengths and weaknesses, with reference to the bid.',
          }),
        ),
      );
    return { s, pathway, experience, standing, price, north, river, give };
  }

  it('keeps price and the prices from the lay evaluator, over HTTP and in exports, and scores price from the prices', async () => {
    const { s, pathway, experience, standing, price, north, river, give } = await pricedSetup();
    // The lay evaluator's view: only the criterion their group scores, and no prices.
    const lay = await s.get(s.lay.cookie);
    expect(lay.json.evaluation.setup.criteria.map((c: { title: string }) => c.title)).toEqual([
      'Patient experience',
    ]);
    expect(lay.json.me.seesEverything).toBe(false);
    expect(JSON.stringify(lay.json)).not.toMatch(/125000|100000|Price|Clinical pathway/);
    // Their group does not score the pathway (nor learns its title from the refusal);
    // nobody scores price.
    const wrong = await give(s.lay.cookie, pathway, 3);
    expect(wrong.map((r) => r.status)).toEqual([400, 400]);
    expect(wrong[0]?.json.error.message).toBe(
      'That bid or criterion is not part of this evaluation. Reload the page.',
    );
    const priced = await give(s.outsider.cookie, price, 3);
    expect(priced[0]?.json.error.message).toBe(
      '“Price” is scored from the bids’ prices, so nobody scores it.',
    );
    // Each submits once their own criteria are answered.
    expect((await give(s.lay.cookie, experience, 5)).map((r) => r.status)).toEqual([200, 200]);
    expect((await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie })).status).toBe(
      200,
    );
    await give(s.clinician.cookie, pathway, 4);
    await give(s.clinician.cookie, experience, 5);
    await give(s.outsider.cookie, standing, 1);
    for (const who of [s.clinician, s.outsider]) {
      expect((await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie })).status).toBe(
        200,
      );
    }
    // The finance evaluator sees the prices; the clinician does not.
    const finance = await s.get(s.outsider.cookie);
    expect(finance.json.evaluation.setup.bids.map((b: { price: number }) => b.price)).toEqual([
      100_000, 125_000,
    ]);
    expect(JSON.stringify((await s.get(s.clinician.cookie)).json)).not.toMatch(/125000/);

    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: {},
    });
    expect(opened.status).toBe(200);
    // In moderation the lay evaluator sees the scores on their criterion only, and no totals
    // (which would tell them the price scores).
    const layModeration = (await s.get(s.lay.cookie)).json.moderation;
    expect(
      new Set(layModeration.entries.map((e: { criterionId: string }) => e.criterionId)),
    ).toEqual(new Set([experience]));
    expect(layModeration.results).toBeNull();
    expect(layModeration.finalResults).toBeNull();
    expect(layModeration.criterionResults[0].criteria).toHaveLength(1);
    const csv = await s.t.app.request(`${s.path}/scores.csv`, {
      headers: { cookie: s.lay.cookie },
    });
    expect(csv.status).toBe(403);
    expect(
      (await s.t.app.request(`${s.path}/report.docx`, { headers: { cookie: s.lay.cookie } }))
        .status,
    ).toBe(403);
    const hidden = await s.t.request('PUT', `${s.path}/agreed/${north}/${pathway}`, {
      cookie: s.lay.cookie,
      body: { score: 4, rationale: 'Agreed: a clear pathway with named staff.' },
    });
    expect(hidden.status).toBe(400);

    // The chair sees the price scores: the lowest price 100, the other 100,000 / 125,000.
    const chairView = (await s.get(s.chair.cookie)).json.moderation;
    const totals = chairView.results.map((r: { total: number }) => r.total);
    // 40 + 30 + 30 for Northside; 40 + 30 + 30 × 0.8 for Riverside.
    expect(totals).toEqual([100, 94]);
    expect(
      (
        await s.t.request('PUT', `${s.path}/agreed/${north}/${price}`, {
          cookie: s.chair.cookie,
          body: { score: 3, rationale: 'Price is not ours to agree, it is calculated.' },
        })
      ).status,
    ).toBe(400);
    for (const b of [north, river]) {
      for (const [c, value] of [
        [pathway, 3],
        [experience, 5],
        [standing, 1],
      ] as const) {
        const res = await s.t.request('PUT', `${s.path}/agreed/${b}/${c}`, {
          cookie: s.chair.cookie,
          body: {
            score: value,
            rationale: 'Agreed after discussing every evaluator’s reasons.',
            reason: value === 3 ? 'The staffing plan was thinner than first read.' : null,
          },
        });
        expect(res.status).toBe(200);
      }
    }
    const signed = await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie });
    expect(signed.status).toBe(200);
    // 30 + 30 + 30 and 30 + 30 + 24.
    expect(signed.json.moderation.finalResults.map((r: { total: number }) => r.total)).toEqual([
      90, 84,
    ]);
    const chairCsv = await (
      await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.chair.cookie } })
    ).text();
    expect(chairCsv).toContain(
      '"Riverside Optometry","Price","Price, scored from the bids’ prices",30,"Calculated from the prices","",80,100,"Price £125000.00; lowest price £100000.00',
    );
    expect(chairCsv).toContain('"Northside Eye Care","Quality: Clinical pathway"');
  });

  it('by the average method, agrees no scores and signs off on the averages', async () => {
    const { s, pathway, experience, standing, north, give } = await pricedSetup('average');
    await give(s.lay.cookie, experience, 3);
    await give(s.clinician.cookie, pathway, 2);
    await give(s.clinician.cookie, experience, 5);
    await give(s.outsider.cookie, standing, 1);
    for (const who of [s.lay, s.clinician, s.outsider]) {
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} });
    const refused = await s.t.request('PUT', `${s.path}/agreed/${north}/${pathway}`, {
      cookie: s.chair.cookie,
      body: { score: 2, rationale: 'Agreed after discussing every evaluator’s reasons.' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('average of the individual scores');
    // The result is there before sign-off, and sign-off needs no agreed score.
    const view = (await s.get(s.owner.cookie)).json.moderation;
    // 40 × 2/4 + 30 × 4/5 + 30 for Northside (the lowest price).
    expect(view.finalResults[0].total).toBe(74);
    const signed = await s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie });
    expect(signed.status).toBe(200);
    const res = await s.t.app.request(`${s.path}/report.docx`, {
      headers: { cookie: s.owner.cookie },
    });
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
    const text = xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      'Published method: Average: the average of the individual scores counts',
    );
    expect(text).toContain('Cal Clinician (2): Strengths and weaknesses');
    expect(text).toContain(
      'Riverside Optometry’s price is £125,000; the lowest is £100,000. It scores the lowest price as a share of its own (80 of 100), so 24 of the 30 points.',
    );
  });

  it('prices bids line by line: the server works out each total and keeps the lines from those who do not see price', async () => {
    const { s, north } = await pricedSetup('consensus', {
      priceLines: [
        { name: 'Annual service', quantity: 1 },
        { name: 'Screening appointments', quantity: 12_000 },
      ],
      bids: [
        { bidder: 'Northside Eye Care', linePrices: [100_000, 5.5] },
        { bidder: 'Riverside Optometry', linePrices: [90_000, 7.25] },
      ],
      financeDeclaresLater: true,
    });
    // Before declaring, the finance evaluator sees neither the prices nor the schedule.
    const undeclared = JSON.stringify((await s.get(s.outsider.cookie)).json);
    expect(undeclared).not.toMatch(/Screening appointments|Annual service|linePrices|166000/);
    expect((await s.declare(s.outsider.cookie)).status).toBe(200);
    // 100,000 + 12,000 × 5.50 = 166,000; 90,000 + 12,000 × 7.25 = 177,000.
    const finance = (await s.get(s.outsider.cookie)).json.evaluation.setup;
    expect(finance.bids.map((b: { price: number }) => b.price)).toEqual([166_000, 177_000]);
    expect(finance.priceLines.map((l: { name: string }) => l.name)).toEqual([
      'Annual service',
      'Screening appointments',
    ]);
    const northLines = finance.bids[0].linePrices as Record<string, number>;
    expect(Object.values(northLines)).toEqual([100_000, 5.5]);
    expect(finance.bids[0].id).toBe(north);
    // The lay evaluator and the clinician learn nothing of the schedule or the prices.
    for (const who of [s.lay, s.clinician]) {
      const seen = JSON.stringify((await s.get(who.cookie)).json);
      expect(seen).not.toMatch(/Screening appointments|Annual service|linePrices|166000|5\.5/);
    }
    // The chair's report and CSV (once moderation opens) show how each total is made up.
    const opened = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'Checking the price schedule first.' },
    });
    expect(opened.status).toBe(200);
    const csv = await (
      await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.chair.cookie } })
    ).text();
    expect(csv).toContain(
      'Annual service: £100,000. Screening appointments: 12,000 at £5.50, £66,000. So total £166,000.',
    );
    const report = await s.t.app.request(`${s.path}/report.docx`, {
      headers: { cookie: s.chair.cookie },
    });
    expect(report.status).toBe(200);
    const zip = await JSZip.loadAsync(await report.arrayBuffer());
    const words = ((await zip.file('word/document.xml')?.async('string')) ?? '').replace(
      /<[^>]+>/g,
      ' ',
    );
    expect(words).toContain('Screening appointments (12,000 at the unit price)');
    expect(words).toContain('£7.25 each, £87,000');
    expect(words).toContain('£177,000');
  });

  it('says what is wrong with a pricing schedule or a bid’s lines', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const bad = await s.saveSetup(s.owner.cookie, {
      criteria: s.criteria,
      priceLines: [
        { name: 'Appointments', quantity: 0 },
        { name: 'appointments', quantity: 1 },
      ],
      bids: [
        { bidder: 'Northside Eye Care', price: 100_000, linePrices: [1] },
        { bidder: 'Riverside Optometry', linePrices: [-1, 2] },
      ],
      panel: s.panel,
    });
    expect(bad.status).toBe(400);
    const fields = bad.json.error.fields as Record<string, string>;
    expect(fields['priceLines.0.quantity']).toBe(
      'A quantity is more than 0: 1 for a line priced once.',
    );
    expect(fields['bids.1.linePrices.0']).toBe('A line’s price is £0 or more.');
    const again = await s.saveSetup(s.owner.cookie, {
      criteria: s.criteria,
      priceLines: [{ name: 'Appointments', quantity: 12_000 }],
      bids: [
        { bidder: 'Northside Eye Care', price: 100_000, linePrices: [5] },
        { bidder: 'Riverside Optometry', linePrices: [1, 2] },
      ],
      panel: s.panel,
    });
    const more = again.json.error.fields as Record<string, string>;
    expect(more['bids.0.price']).toBe(
      'With price lines, a bid’s total is worked out from its lines. Leave the total empty and price each line.',
    );
    expect(more['bids.1.linePrices']).toBe(
      'Give one price for each of the 1 price lines, in their order (null for one not priced yet).',
    );
    const names = await s.saveSetup(s.owner.cookie, {
      criteria: s.criteria,
      priceLines: [
        { name: 'Appointments', quantity: 1 },
        { name: 'appointments', quantity: 1 },
      ],
      bids: [],
      panel: s.panel,
    });
    expect(names.json.error.fields.priceLines).toBe(
      'Two price lines have the same name. Give each its own.',
    );
  });

  it('says what is wrong with a price, the groups or the method', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const bad = await s.saveSetup(s.owner.cookie, {
      method: 'vote',
      criteria: [{ ...s.criteria[0], scoredBy: [] }, s.criteria[1]],
      bids: [{ bidder: 'Northside Eye Care', price: -5 }],
      panel: s.panel,
    });
    expect(bad.status).toBe(400);
    const fields = bad.json.error.fields as Record<string, string>;
    expect(fields.method).toBe('Choose how the result is reached: consensus or average.');
    expect(fields['criteria.0.scoredBy']).toBe(
      'Choose at least one panel group to score the criterion (for price: to see it and the prices).',
    );
    expect(fields['bids.0.price']).toBe('A price is more than £0.');
  });
});

describe('procurement evaluation: ids through set-up saves', () => {
  it('keeps the ids of criteria and bids saved before, and gives new or unknown ones fresh ids', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const first = await s.saveSetup(s.owner.cookie);
    const saved = first.json.evaluation.setup as {
      criteria: { id: string; title: string }[];
      bids: { id: string; bidder: string }[];
    };
    const [north, river] = saved.bids;
    const again = await s.saveSetup(s.owner.cookie, {
      criteria: saved.criteria.map(({ id, title }, i) => ({ ...s.criteria[i], id, title })),
      bids: [
        { id: river?.id, bidder: 'Riverside Optometry (renamed)' },
        // Someone else's id, and one repeated: neither is taken.
        { id: 'aaaaaaaaaaaaaaaaaaaaaa', bidder: 'Newcomer Eyes' },
        { id: river?.id, bidder: 'A copy' },
      ],
      panel: s.panel,
    });
    expect(again.status).toBe(200);
    const bids = again.json.evaluation.setup.bids as { id: string }[];
    expect(bids[0]?.id).toBe(river?.id);
    expect(bids[1]?.id).not.toBe('aaaaaaaaaaaaaaaaaaaaaa');
    expect(bids[2]?.id).not.toBe(river?.id);
    expect(bids.map((b) => b.id)).not.toContain(north?.id);
    expect(again.json.evaluation.setup.criteria.map((c: { id: string }) => c.id)).toEqual(
      saved.criteria.map((c) => c.id),
    );
  });
});

describe('procurement evaluation: lots', () => {
  /** Two lots, North and South; the clinician's conflict concerns North only. */
  async function lottedSetup() {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const saved = await s.saveSetup(s.owner.cookie, {
      lots: [{ name: 'North' }, { name: 'South' }],
      criteria: s.criteria,
      bids: [
        { bidder: 'Northside Eye Care', lot: 0 },
        { bidder: 'Northway Opticians', lot: 0 },
        { bidder: 'Southside Sight', lot: 1 },
      ],
      panel: s.panel,
    });
    expect(saved.status).toBe(200);
    expect(saved.json.evaluation.problems).toEqual([]);
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    expect(start.status).toBe(200);
    const frozen = start.json.evaluation.setup as {
      lots: { id: string; name: string }[];
      criteria: { id: string }[];
      bids: { id: string; lotId: string }[];
    };
    const [north, south] = frozen.lots.map((l) => l.id);
    return { s, frozen, north, south };
  }

  it('keeps a member out of the lot their conflict concerns only, and ranks each lot on its own', async () => {
    const { s, frozen, north, south } = await lottedSetup();
    const conflicted = {
      confidential: true,
      conflict: true,
      details: 'My sister is a partner at Northside Eye Care.',
    };
    const unknown = await s.declare(s.clinician.cookie, {
      ...conflicted,
      lots: ['zzzzzzzzzzzzzzzzzz'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe(
      'Choose the lots your conflict concerns from the list (at least one).',
    );
    expect((await s.declare(s.clinician.cookie, { ...conflicted, lots: [north] })).status).toBe(
      200,
    );
    // A lot it concerns cannot be taken back later.
    const narrowed = await s.declare(s.clinician.cookie, { ...conflicted, lots: [south] });
    expect(narrowed.status).toBe(409);
    for (const who of [s.chair, s.lay, s.observer]) {
      expect((await s.declare(who.cookie)).status).toBe(200);
    }
    // The clinician sees and scores South's bid only.
    const view = (await s.get(s.clinician.cookie)).json;
    expect(view.me.clear).toBe(true);
    expect(view.me.blockedLots).toEqual([north]);
    expect(view.evaluation.setup.bids.map((b: { bidder: string }) => b.bidder)).toEqual([
      'Southside Sight',
    ]);
    const [n1, n2, s1] = frozen.bids.map((b) => b.id);
    const body = {
      kind: 'score',
      score: 3,
      rationale: 'Strengths and weaknesses, with reference to the bid.',
    };
    const refused = await s.score(s.clinician.cookie, n1, frozen.criteria[0]?.id, body);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toBe(
      'You declared a conflict of interest with the lot “North”, so you cannot score or see the scores of its bids unless the chair records an exception.',
    );
    for (const c of frozen.criteria) {
      expect((await s.score(s.clinician.cookie, s1, c.id, body)).status).toBe(200);
    }
    expect(
      (await s.t.request('POST', `${s.path}/submit`, { cookie: s.clinician.cookie })).status,
    ).toBe(200);
    // The lay evaluator scores everything: North's bids differently.
    for (const [bid, value] of [
      [n1, 4],
      [n2, 2],
      [s1, 1],
    ] as const) {
      for (const c of frozen.criteria) {
        await s.score(s.lay.cookie, bid, c.id, { ...body, score: value });
      }
    }
    expect((await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie })).status).toBe(
      200,
    );
    expect(
      (await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} }))
        .status,
    ).toBe(200);
    // In moderation the clinician sees South's scores only, and no totals.
    const clin = (await s.get(s.clinician.cookie)).json.moderation;
    expect(new Set(clin.entries.map((e: { bidId: string }) => e.bidId))).toEqual(new Set([s1]));
    expect(clin.results).toBeNull();
    const agreeNorth = await s.t.request(
      'PUT',
      `${s.path}/agreed/${n1}/${frozen.criteria[0]?.id}`,
      {
        cookie: s.clinician.cookie,
        body: { score: 4, rationale: 'Agreed: strong in every part of the bid.' },
      },
    );
    expect(agreeNorth.status).toBe(403);
    // The chair's results rank each lot on its own: Southside is first in South.
    const results = (await s.get(s.chair.cookie)).json.moderation.results as {
      bidId: string;
      rank: number;
    }[];
    expect(results.map((r) => [r.bidId, r.rank])).toEqual([
      [n1, 1],
      [n2, 2],
      [s1, 1],
    ]);
    const csv = await (
      await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.chair.cookie } })
    ).text();
    expect(csv).toContain('"Southside Sight (South)"');
    expect(csv).toContain('Declared a conflict with the lot “North”');
  });
});

describe('procurement evaluation: scored without the bidders’ names', () => {
  it('shows the panel "Bid A", "Bid B" until the chair reveals the names; then everyone declares again', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    const saved = await s.saveSetup(s.owner.cookie, {
      anonymous: true,
      criteria: s.criteria,
      bids: s.bids,
      panel: s.panel,
    });
    expect(saved.status).toBe(200);
    // Before scoring, nothing to reveal.
    expect((await s.t.request('POST', `${s.path}/names`, { cookie: s.chair.cookie })).status).toBe(
      409,
    );
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    expect(start.status).toBe(200);
    for (const who of [s.chair, s.lay, s.clinician, s.observer]) {
      expect((await s.declare(who.cookie)).status).toBe(200);
    }
    const frozen = start.json.evaluation.setup as {
      criteria: { id: string }[];
      bids: { id: string }[];
    };
    const ids = {
      criteria: frozen.criteria.map((c) => c.id),
      bids: frozen.bids.map((b) => b.id),
    };
    // The panel sees no bidder's name, over HTTP, in the bids' view, or in an export.
    const lay = await s.get(s.lay.cookie);
    expect(lay.json.evaluation.setup.bids.map((b: { bidder: string }) => b.bidder)).toEqual([
      'Bid A',
      'Bid B',
    ]);
    expect(JSON.stringify(lay.json)).not.toMatch(/Northside|Riverside/);
    const bids = await s.t.request('GET', `${s.path}/bids`, { cookie: s.lay.cookie });
    expect(JSON.stringify(bids.json)).not.toMatch(/Northside|Riverside/);
    // Those who set it up know them.
    expect(JSON.stringify((await s.get(s.chair.cookie)).json)).toMatch(/Northside/);
    await s.scoreAll(s.lay.cookie, 'Lee', ids, 3);

    const revealed = await s.t.request('POST', `${s.path}/names`, { cookie: s.chair.cookie });
    expect(revealed.status).toBe(200);
    expect(revealed.json.me.mustDeclareAgain).toBe(true);
    expect((await s.t.request('POST', `${s.path}/names`, { cookie: s.chair.cookie })).status).toBe(
      409,
    );
    // The lay evaluator sees the names, and must declare again before going on.
    const now = await s.get(s.lay.cookie);
    expect(now.json.evaluation.setup.bids.map((b: { bidder: string }) => b.bidder)).toEqual([
      'Northside Eye Care',
      'Riverside Optometry',
    ]);
    expect(now.json.me).toMatchObject({ clear: false, mustDeclareAgain: true });
    const blocked = await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie });
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.message).toBe(
      'The bidders’ names are now known. Make your declaration of interests again, with the names, before you go on.',
    );
    expect((await s.declare(s.lay.cookie)).status).toBe(200);
    expect((await s.t.request('POST', `${s.path}/submit`, { cookie: s.lay.cookie })).status).toBe(
      200,
    );
    const register = (await s.get(s.lay.cookie)).json.evaluation.declarations as {
      userId: string;
      declaredAt: number;
      firstDeclaredAt: number;
    }[];
    const mine = register.find((d) => d.userId === s.lay.id);
    expect(mine && mine.declaredAt > mine.firstDeclaredAt).toBe(true);
    // The chair, too, declares again before opening moderation.
    const early = await s.t.request('POST', `${s.path}/moderation`, {
      cookie: s.chair.cookie,
      body: { overrideReason: 'The clinician is away this month.' },
    });
    expect(early.status).toBe(403);
    expect((await s.declare(s.chair.cookie)).status).toBe(200);
    const audit = await s.t.request('GET', `/api/workspaces/${s.workspaceId}/audit`, {
      cookie: s.owner.cookie,
    });
    expect(
      audit.json.entries.some((e: { action: string }) => e.action === 'evaluation.names_revealed'),
    ).toBe(true);
  });
});

describe('procurement evaluation: every declaration kept, as made', () => {
  it('keeps a member’s first declaration and the one made again with the names, in the register, the CSV and the report', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.saveSetup(s.owner.cookie, {
      anonymous: true,
      criteria: s.criteria,
      bids: s.bids,
      panel: s.panel,
    });
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    const ids = {
      criteria: start.json.evaluation.setup.criteria.map((c: { id: string }) => c.id),
      bids: start.json.evaluation.setup.bids.map((b: { id: string }) => b.id),
    };
    // Each step a few minutes apart, so every date in the record is known.
    const minute = 60_000;
    const first = (Math.floor(Date.now() / minute) + 1) * minute;
    const again = first + 20 * minute;
    vi.useFakeTimers({ toFake: ['Date'], now: first });
    try {
      for (const who of [s.chair, s.lay, s.clinician, s.observer]) {
        expect((await s.declare(who.cookie)).status).toBe(200);
      }
      for (const who of [s.lay, s.clinician]) {
        await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 3);
        await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
      }
      vi.setSystemTime(first + 10 * minute);
      expect(
        (await s.t.request('POST', `${s.path}/names`, { cookie: s.chair.cookie })).status,
      ).toBe(200);
      // With the names known, the lay evaluator declares a conflict the chair allows.
      vi.setSystemTime(again);
      expect((await s.declare(s.chair.cookie)).status).toBe(200);
      const details = 'My cousin is a practice manager at Northside Eye Care.';
      expect(
        (await s.declare(s.lay.cookie, { confidential: true, conflict: true, details })).status,
      ).toBe(200);
      vi.setSystemTime(again + 5 * minute);
      const mitigation = 'Cal checks every Northside score Lee gives.';
      const allowed = await s.t.request('POST', `${s.path}/declarations/${s.lay.id}/exception`, {
        cookie: s.chair.cookie,
        body: { mitigation, declaredAt: await s.declaredAtOf(s.lay.id) },
      });
      expect(allowed.status).toBe(200);
      expect(
        (await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} }))
          .status,
      ).toBe(200);

      // The register holds both, oldest first: the current one governs, with its exception.
      const register = (await s.get(s.observer.cookie)).json.evaluation.declarations as {
        userId: string;
        conflict: boolean;
        history: unknown[];
      }[];
      const lee = register.find((d) => d.userId === s.lay.id);
      expect(lee?.conflict).toBe(true);
      const exception = { mitigation, by: s.chair.id, at: again + 5 * minute };
      expect(lee?.history).toEqual([
        {
          userId: s.lay.id,
          confidential: true,
          conflict: false,
          details: '',
          lots: null,
          declaredAt: first,
          exception: null,
        },
        {
          userId: s.lay.id,
          confidential: true,
          conflict: true,
          details,
          lots: null,
          declaredAt: again,
          exception,
        },
      ]);
      // Someone who declared once has that one alone.
      expect(register.find((d) => d.userId === s.clinician.id)?.history).toHaveLength(1);

      // The CSV lists every declaration with its date, before or after the names.
      const csv = await (
        await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.owner.cookie } })
      ).text();
      const utc = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
      expect(csv).toContain(
        `"Lee Lay","None declared","","","","${utc(first)}","Not known: made before the chair revealed them","Confirmed","Replaced by a later declaration"`,
      );
      expect(csv).toContain(
        `"Lee Lay","Declared a conflict","${details}","Cher Chair","${mitigation}","${utc(again)}","Known: made after the chair revealed them","Confirmed","Current"`,
      );
      expect(csv).toContain(
        `"Cal Clinician","None declared","","","","${utc(first)}","Not known: made before the chair revealed them","Confirmed","Declared before the bidders’ names were known; not yet again with them"`,
      );

      // So does the report.
      const report = await s.t.app.request(`${s.path}/report.docx`, {
        headers: { cookie: s.owner.cookie },
      });
      expect(report.status).toBe(200);
      const zip = await JSZip.loadAsync(await report.arrayBuffer());
      const xml = (await zip.file('word/document.xml')?.async('string')) ?? '';
      const text = xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      const long = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' });
      const on = (at: number) => long.format(new Date(at));
      expect(text).toContain('Declarations of interests as made');
      expect(text).toContain(
        `Lee Lay ${on(first)} Not yet known (before they were revealed) Confidentiality confirmed; no conflict. Replaced by a later declaration`,
      );
      expect(text).toContain(
        `Lee Lay ${on(again)} Known (after they were revealed) Confidentiality confirmed; a conflict of interest: ${details} Allowed by Cher Chair: ${mitigation} Counts`,
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('procurement evaluation: what each person sees, together', () => {
  it('a lay evaluator kept from price and from one lot sees neither; an owner who scores sees what scorers see', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    // The owner sits on the panel as an evaluator (they set it up, then score).
    const panel = [...s.panel, { userId: s.owner.id, panelRole: 'evaluator' }];
    const saved = await s.saveSetup(s.owner.cookie, {
      anonymous: true,
      lots: [{ name: 'North' }, { name: 'South' }],
      criteria: [
        { title: 'Quality', scale: '0-4', weight: 70, threshold: null },
        {
          title: 'Price',
          scale: 'price',
          weight: 30,
          threshold: null,
          scoredBy: ['finance_evaluator'],
        },
      ],
      bids: [
        { bidder: 'Northside Eye Care', lot: 0, price: 100_000 },
        { bidder: 'Southside Sight', lot: 1, price: 90_000 },
      ],
      panel,
    });
    expect(saved.status).toBe(200);
    // Setting up, the owner sees everything.
    expect(JSON.stringify(saved.json)).toMatch(/Northside.*100000/);
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    expect(start.status).toBe(200);
    const north = start.json.evaluation.setup.lots[0].id as string;
    // Before declaring, no prices (nor names: the evaluation is scored without them).
    const undeclared = await s.get(s.lay.cookie);
    expect(JSON.stringify(undeclared.json)).not.toMatch(/100000|90000|Northside|Southside/);
    await s.declare(s.lay.cookie, {
      confidential: true,
      conflict: true,
      details: 'I volunteer with a charity Northside funds.',
      lots: [north],
    });
    const lay = (await s.get(s.lay.cookie)).json;
    expect(lay.evaluation.setup.bids).toEqual([
      { id: expect.any(String), bidder: 'Bid B', lotId: expect.any(String) },
    ]);
    expect(lay.evaluation.setup.criteria.map((c: { title: string }) => c.title)).toEqual([
      'Quality',
    ]);
    // The owner, now scoring, sees what an evaluator sees: no price, no names.
    await s.declare(s.owner.cookie);
    const owner = (await s.get(s.owner.cookie)).json;
    expect(JSON.stringify(owner.evaluation.setup)).not.toMatch(/Northside|100000|Price/);
    expect(owner.me.seesEverything).toBe(false);
  });

  it('an evaluation scored without names is signed off only on declarations made with them', async () => {
    const s = await setup();
    closers.push(() => s.t.storage.close());
    await s.saveSetup(s.owner.cookie, {
      anonymous: true,
      method: 'average',
      criteria: s.criteria,
      bids: s.bids,
      panel: s.panel,
    });
    const start = await s.t.request('POST', `${s.path}/start`, { cookie: s.chair.cookie });
    const ids = {
      criteria: start.json.evaluation.setup.criteria.map((c: { id: string }) => c.id),
      bids: start.json.evaluation.setup.bids.map((b: { id: string }) => b.id),
    };
    for (const who of [s.chair, s.lay, s.clinician, s.observer]) await s.declare(who.cookie);
    for (const who of [s.lay, s.clinician]) {
      await s.scoreAll(who.cookie, who === s.lay ? 'Lee' : 'Cal', ids, 3);
      await s.t.request('POST', `${s.path}/submit`, { cookie: who.cookie });
    }
    await s.t.request('POST', `${s.path}/moderation`, { cookie: s.chair.cookie, body: {} });
    const signOff = () => s.t.request('POST', `${s.path}/signoff`, { cookie: s.chair.cookie });
    const unrevealed = await signOff();
    expect(unrevealed.status).toBe(409);
    expect(unrevealed.json.error.message).toContain('Reveal the bidders’ names before signing off');
    await s.t.request('POST', `${s.path}/names`, { cookie: s.chair.cookie });
    await s.declare(s.chair.cookie);
    const behind = await signOff();
    expect(behind.status).toBe(409);
    expect(behind.json.error.message).toBe(
      '2 evaluators whose scores count have not declared again since the names were revealed. Ask them to, then sign off.',
    );
    const csv = await (
      await s.t.app.request(`${s.path}/scores.csv`, { headers: { cookie: s.chair.cookie } })
    ).text();
    expect(csv).toContain('Declared before the bidders’ names were known; not yet again with them');
    for (const who of [s.lay, s.clinician]) await s.declare(who.cookie);
    expect((await signOff()).status).toBe(200);
  });
});
