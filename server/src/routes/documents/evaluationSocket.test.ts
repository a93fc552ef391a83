import { afterAll, describe, expect, it } from 'vitest';
import { buildUser, call } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer } from '../../test/testServer.ts';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Integrity rule 1 over the WebSocket: an evaluator connected to the evaluation's document
 * receives nothing of another evaluator's scores, before or after they submit, and the
 * document's export holds none. (The scores
 * are kept apart from the Yjs document; this proves no frame carries them.)
 */
describe('procurement scores never travel over the sync socket', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it('a connected evaluator receives none of another evaluator’s scores or rationale', async () => {
    server = await startTestServer();
    const owner = await buildUser(server.url, 'Olive Owner');
    const lay = await buildUser(server.url, 'Lee Lay');
    const clinician = await buildUser(server.url, 'Cal Clinician');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Procurement' },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id as string;
    for (const who of [lay, clinician]) {
      await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: who.email, permission: 'editor', participantRole: 'patient' },
        cookie: owner.cookie,
      });
    }
    const created = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Lot 1', kind: 'procurement_evaluation' },
      cookie: owner.cookie,
    });
    const documentId = created.json.document.id as string;
    const path = `/documents/${documentId}/evaluation`;
    await call(server.url, 'PUT', `${path}/setup`, {
      cookie: owner.cookie,
      body: {
        criteria: [{ title: 'Quality', scale: '0-4', weight: 100, threshold: null }],
        bids: [{ bidder: 'Northside' }],
        panel: [
          { userId: owner.id, panelRole: 'chair' },
          { userId: lay.id, panelRole: 'lay_evaluator' },
          { userId: clinician.id, panelRole: 'evaluator' },
        ],
      },
    });
    const start = await call(server.url, 'POST', `${path}/start`, { cookie: owner.cookie });
    expect(start.status).toBe(200);
    for (const who of [lay, clinician]) {
      const declared = await call(server.url, 'PUT', `${path}/declaration`, {
        cookie: who.cookie,
        body: { confidential: true, conflict: false },
      });
      expect(declared.status).toBe(200);
    }
    const bidId = start.json.evaluation.setup.bids[0].id as string;
    const criterionId = start.json.evaluation.setup.criteria[0].id as string;

    const leeSees = connectClient(server.url, documentId, lay.cookie, { chorus: true });
    const calTypes = connectClient(server.url, documentId, clinician.cookie, { chorus: true });
    clients.push(leeSees, calTypes);
    await waitSynced(leeSees);
    await waitSynced(calTypes);
    const frames: string[] = [];
    leeSees.provider.ws?.addEventListener('message', (event: MessageEvent) => {
      frames.push(decoder.decode(new Uint8Array(event.data as ArrayBuffer)));
    });

    const secret = 'Cal-only rationale: weak on rural access';
    const scored = await call(server.url, 'PUT', `${path}/scores/${bidId}/${criterionId}`, {
      cookie: clinician.cookie,
      body: { kind: 'score', score: 1, rationale: secret },
    });
    expect(scored.status).toBe(200);
    expect(
      (await call(server.url, 'POST', `${path}/submit`, { cookie: clinician.cookie })).status,
    ).toBe(200);
    // Cal also writes in the shared document, so Lee's socket demonstrably carries traffic.
    appendParagraph(calTypes.doc, 'Shared notes from Cal');
    await eventually(() => expect(leeSees.text()).toContain('Shared notes from Cal'));

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.join('\n')).not.toContain('weak on rural access');
    // Not even when the scoring changed: that goes to the scoring page's stream only, which
    // not everyone who may open the document may follow.
    expect(leeSees.notices()).not.toContain('evaluation');
    expect(leeSees.text()).not.toContain('weak on rural access');
    // And over HTTP Lee sees only that Cal submitted.
    const view = await call(server.url, 'GET', path, { cookie: lay.cookie });
    expect(view.json.evaluation.submitted).toEqual([clinician.id]);
    expect(JSON.stringify(view.json)).not.toContain('weak on rural access');
    // Nor is it in the document's export (the contribution report as CSV).
    const exported = await fetch(`${server.url}/api/documents/${documentId}/report.csv`, {
      headers: { cookie: owner.cookie },
    });
    expect(exported.status).toBe(200);
    expect(await exported.text()).not.toContain('weak on rural access');
  });
});
