import { call, type TestUser } from './factories.ts';

/** Moves a document's status over HTTP as `who`; the answer's status code and body. */
async function moveTo(baseUrl: string, who: TestUser, documentId: string, to: string) {
  const path = `/documents/${documentId}/status`;
  const { version } = (await call(baseUrl, 'GET', path, { cookie: who.cookie })).json;
  return call(baseUrl, 'PUT', path, { cookie: who.cookie, body: { to, version } });
}

/**
 * Takes an improvement plan from draft to closed over HTTP, as its owner: names the owner
 * sponsor, approves, and moves it on one step at a time (the way a team would).
 */
export async function closePlan(baseUrl: string, owner: TestUser, documentId: string) {
  const path = `/documents/${documentId}/status`;
  const get = async () =>
    (await call(baseUrl, 'GET', path, { cookie: owner.cookie })).json.version as number;
  const named = await call(baseUrl, 'PUT', `${path}/leads`, {
    cookie: owner.cookie,
    body: { role: 'sponsor', accountId: owner.id, version: await get() },
  });
  if (named.status !== 200) throw new Error(`naming failed: ${JSON.stringify(named.json)}`);
  const approved = await call(baseUrl, 'POST', `${path}/approvals`, {
    cookie: owner.cookie,
    body: { role: 'sponsor', version: await get() },
  });
  if (approved.status !== 200) throw new Error(`approval failed: ${JSON.stringify(approved.json)}`);
  for (const to of ['testing', 'implementing', 'sustaining', 'closed']) {
    const moved = await moveTo(baseUrl, owner, documentId, to);
    if (moved.status !== 200)
      throw new Error(`move to ${to} failed: ${JSON.stringify(moved.json)}`);
  }
}

/** Reopens a closed improvement plan: its owner moves it back a step (to sustaining). */
export async function reopenPlan(baseUrl: string, owner: TestUser, documentId: string) {
  const moved = await moveTo(baseUrl, owner, documentId, 'sustaining');
  if (moved.status !== 200) throw new Error(`reopening failed: ${JSON.stringify(moved.json)}`);
}
