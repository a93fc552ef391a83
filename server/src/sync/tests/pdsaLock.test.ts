import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildUser, call } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, type TestServer, tempDir } from '../../test/testServer.ts';

const cycleOf = (client: TestClient) => {
  const fragment = client.doc.getXmlFragment('default');
  for (const node of fragment.toArray()) {
    if (node instanceof Y.XmlElement && node.nodeName === 'pdsaCycle') return node;
  }
  return null;
};
const attrs = (client: TestClient) => {
  const cycle = cycleOf(client);
  return { stage: cycle?.getAttribute('stage'), prediction: cycle?.getAttribute('prediction') };
};
const settled = async (...clients: TestClient[]) => {
  for (const c of clients) await eventually(() => expect(c.saved()).toBe(c.sent()));
};

describe('a PDSA cycle’s prediction, locked once Do starts', () => {
  const dataDir = tempDir('chorus-pdsa-');
  let server: TestServer;
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('sets back a late change to the prediction and a stage moved back, for everyone and after a restart', async () => {
    server = await startTestServer({ CHORUS_DATA_DIR: dataDir });
    const lead = await buildUser(server.url, 'Lee Lead');
    const patient = await buildUser(server.url, 'Pat Partner');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'QI' },
      cookie: lead.cookie,
    });
    const workspaceId = ws.json.workspace.id;
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: patient.email, permission: 'editor', participantRole: 'patient' },
      cookie: lead.cookie,
    });
    const created = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Missed appointments', kind: 'improvement_plan' },
      cookie: lead.cookie,
    });
    const documentId = created.json.document.id;
    const a = connectClient(server.url, documentId, lead.cookie, { chorus: true });
    const b = connectClient(server.url, documentId, patient.cookie, { chorus: true });
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);

    const cycle = new Y.XmlElement('pdsaCycle');
    cycle.setAttribute('stage', 'plan');
    cycle.setAttribute('prediction', 'Texting a reminder halves missed appointments');
    a.doc.getXmlFragment('default').push([cycle]);
    await eventually(() => expect(attrs(b).stage).toBe('plan'));

    // The patient partner edits the prediction while offline; meanwhile the lead starts Do.
    b.provider.disconnect();
    cycleOf(b)?.setAttribute('prediction', 'Texting a reminder removes missed appointments');
    cycleOf(a)?.setAttribute('stage', 'do');
    await settled(a);
    b.provider.connect();
    const locked = { stage: 'do', prediction: 'Texting a reminder halves missed appointments' };
    await eventually(() => {
      expect(attrs(a)).toEqual(locked);
      expect(attrs(b)).toEqual(locked);
    });
    await settled(a, b);
    // The late edit was accepted and corrected, not refused: no reconnection loop.
    expect(b.generation()).toBe(2);
    expect(b.provider.wsconnected).toBe(true);

    // A client that ignores the lock cannot take the cycle back to Plan to change it.
    const forger = connectClient(server.url, documentId, patient.cookie);
    clients.push(forger);
    await waitSynced(forger);
    const forged = cycleOf(forger);
    forger.doc.transact(() => {
      forged?.setAttribute('stage', 'plan');
      forged?.setAttribute('prediction', 'Rewritten after the test');
    });
    await eventually(() => {
      for (const c of [a, b, forger]) expect(attrs(c)).toEqual(locked);
    });
    await settled(a, b);

    // The corrections are journaled like any edit: loaded from the journal alone (the
    // snapshot written at shutdown removed), the document has the locked cycle.
    for (const c of clients.splice(0)) c.destroy();
    await server.stop();
    const raw = new Database(path.join(dataDir, 'chorus.db'));
    raw.prepare('DELETE FROM snapshots WHERE document_id = ?').run(documentId);
    raw.close();
    server = await startTestServer({ CHORUS_DATA_DIR: dataDir });
    const fresh = connectClient(server.url, documentId, lead.cookie, { chorus: true });
    clients.push(fresh);
    await waitSynced(fresh);
    expect(attrs(fresh)).toEqual(locked);
  });
});
