import { CloseCode } from '@chorus/shared';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { outlineOf } from '../../export/outline.ts';
import { buildUser, call } from '../../test/factories.ts';
import { connectClient, eventually, type TestClient, waitSynced } from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';
import { encodeUpdate } from '../protocol.ts';

const UID = '0f8b7c1e-2d3a-4b5c-9d6e-7f8091a2b3c4';

/** The first element named `name` in the document, at any depth. */
function find(doc: Y.Doc, name: string): Y.XmlElement | null {
  for (const node of doc.getXmlFragment('default').createTreeWalker(() => true)) {
    if (node instanceof Y.XmlElement && node.nodeName === name) return node;
  }
  return null;
}

/** The cycle's change idea as this person's copy would be exported (and shown). */
function changeIdeaOf(client: TestClient): string | undefined {
  for (const b of outlineOf(client.doc)) {
    if (b.type === 'labelled' && b.label === 'Change idea being tested') return b.text;
  }
  return undefined;
}

/** Sends, over a raw socket, an update made on a copy of `from`; resolves with the close. */
function sendRaw(
  url: string,
  cookie: string,
  from: Y.Doc,
  change: (doc: Y.Doc) => void,
): Promise<{ code: number; reason: string }> {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(from));
  const before = Y.encodeStateVector(copy);
  change(copy);
  const update = Y.encodeStateAsUpdate(copy, before);
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    let sent = false;
    ws.on('message', () => {
      if (sent) return;
      sent = true;
      ws.send(encodeUpdate(update));
    });
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    setTimeout(() => ws.terminate(), 5000).unref();
    ws.on('error', () => {});
  });
}

describe('a PDSA cycle linked to a change idea of the driver diagram', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('follows a rename and a removal on the other person’s copy, and refuses a link that is not an id', async () => {
    server = await startTestServer();
    const lead = await buildUser(server.url, 'Lee Lead');
    const partner = await buildUser(server.url, 'Pat Partner');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'QI' },
      cookie: lead.cookie,
    });
    const workspaceId = ws.json.workspace.id;
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: partner.email, permission: 'editor', participantRole: 'patient' },
      cookie: lead.cookie,
    });
    const created = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Missed appointments', kind: 'improvement_plan' },
      cookie: lead.cookie,
    });
    const documentId = created.json.document.id;
    const a = connectClient(server.url, documentId, lead.cookie, { chorus: true });
    const b = connectClient(server.url, documentId, partner.cookie, { chorus: true });
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);

    // The lead's page: a diagram with one change idea, and a cycle that picked it.
    const idea = new Y.XmlElement('changeIdea');
    const diagram = new Y.XmlElement('driverDiagram');
    a.doc.transact(() => {
      const primary = new Y.XmlElement('primaryDriver');
      const secondary = new Y.XmlElement('secondaryDriver');
      idea.setAttribute('label', 'Text reminders');
      idea.setAttribute('uid', UID);
      secondary.insert(0, [idea]);
      primary.insert(0, [secondary]);
      diagram.insert(0, [primary]);
      const cycle = new Y.XmlElement('pdsaCycle');
      cycle.setAttribute('stage', 'plan');
      cycle.setAttribute('changeIdea', 'Text reminders');
      cycle.setAttribute('changeIdeaId', UID);
      a.doc.getXmlFragment('default').push([diagram, cycle]);
    });
    await eventually(() => expect(changeIdeaOf(b)).toBe('Text reminders'));

    // Renamed in the diagram only (as by a page that does not carry it into the cycle):
    // the partner's copy shows the new name through the link.
    idea.setAttribute('label', 'Text reminders two days before');
    await eventually(() => expect(changeIdeaOf(b)).toBe('Text reminders two days before'));
    expect(find(b.doc, 'pdsaCycle')?.getAttribute('changeIdea')).toBe('Text reminders');

    // A link that is not an id is refused, with what it must be; nobody's copy changes.
    const url = `${server.url.replace('http', 'ws')}/sync/${documentId}`;
    const refused = await sendRaw(url, partner.cookie, b.doc, (doc) => {
      find(doc, 'pdsaCycle')?.setAttribute('changeIdeaId', '<img src=x onerror=alert(1)>');
    });
    expect(refused.code).toBe(CloseCode.badMessage);
    expect(refused.reason).toMatch(/changeIdeaId must be a change idea's uid/);
    expect(find(a.doc, 'pdsaCycle')?.getAttribute('changeIdeaId')).toBe(UID);
    expect(find(b.doc, 'pdsaCycle')?.getAttribute('changeIdeaId')).toBe(UID);

    // Renamed as the page does it, the cycle's own words following in the same edit; then
    // removed from the diagram: the cycle says so, with the last words it knew.
    a.doc.transact(() => {
      idea.setAttribute('label', 'Texts two days before');
      find(a.doc, 'pdsaCycle')?.setAttribute('changeIdea', 'Texts two days before');
    });
    await eventually(() =>
      expect(find(b.doc, 'pdsaCycle')?.getAttribute('changeIdea')).toBe('Texts two days before'),
    );
    const secondary = (diagram.get(0) as Y.XmlElement).get(0) as Y.XmlElement;
    secondary.delete(0, 1);
    await eventually(() =>
      expect(changeIdeaOf(b)).toBe(
        'The change idea “Texts two days before” was removed from the driver diagram.',
      ),
    );
  });
});
