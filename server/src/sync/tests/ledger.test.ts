import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { buildUser, call, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, type TestServer, tempDir } from '../../test/testServer.ts';

/** Types into the first paragraph after the template, as one person would. */
function typeInto(client: TestClient, paragraphIndex: number, at: number, text: string) {
  const p = client.doc.getXmlFragment('default').get(paragraphIndex) as Y.XmlElement;
  (p.get(0) as Y.XmlText).insert(at, text);
}
function deleteFrom(client: TestClient, paragraphIndex: number, at: number, length: number) {
  const p = client.doc.getXmlFragment('default').get(paragraphIndex) as Y.XmlElement;
  (p.get(0) as Y.XmlText).delete(at, length);
}
const settled = async (...clients: TestClient[]) => {
  for (const c of clients) await eventually(() => expect(c.saved()).toBe(c.sent()));
};

describe('the attribution ledger, report and versions', () => {
  const dataDir = tempDir('chorus-ledger-');
  let server: TestServer;
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.stop();
  });

  it('attributes interleaved typing and deletions correctly, also after a restart', async () => {
    server = await startTestServer({ CHORUS_DATA_DIR: dataDir, CHORUS_AUTO_VERSION_MS: '1' });
    const ann: TestUser = await buildUser(server.url, 'Ann Patient');
    const bob: TestUser = await buildUser(server.url, 'Bob Clinician');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'W' },
      cookie: ann.cookie,
    });
    const workspaceId = ws.json.workspace.id;
    await call(server.url, 'PATCH', `/workspaces/${workspaceId}/members/${ann.id}`, {
      body: { participantRole: 'patient' },
      cookie: ann.cookie,
    });
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: bob.email, permission: 'editor', participantRole: 'clinician' },
      cookie: ann.cookie,
    });
    const created = await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Pathway', kind: 'service_design' },
      cookie: ann.cookie,
    });
    const documentId = created.json.document.id;

    const a = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    const b = connectClient(server.url, documentId, bob.cookie, { chorus: true });
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    appendParagraph(a.doc, 'The letters were confusing and late');
    await eventually(() => expect(b.text()).toContain('confusing and late'));
    appendParagraph(b.doc, 'We will phone patients within two days');
    await eventually(() => expect(a.text()).toContain('within two days'));
    const last = a.doc.getXmlFragment('default').length;
    // Bob deletes Ann's word "and late" (2 words); Ann deletes Bob's word "two" (1 word).
    deleteFrom(b, last - 2, 'The letters were confusing'.length, ' and late'.length);
    await settled(b);
    await eventually(() => expect(a.text()).not.toContain('and late'));
    deleteFrom(a, last - 1, 'We will phone patients within '.length, 'two '.length);
    typeInto(a, last - 1, 'We will phone patients within '.length, 'three ');
    await settled(a, b);

    const before = await call(server.url, 'GET', `/documents/${documentId}/report`, {
      cookie: ann.cookie,
    });
    // Restart: everything must come back from storage.
    for (const c of clients.splice(0)) c.destroy();
    await server.stop();
    server = await startTestServer({ CHORUS_DATA_DIR: dataDir, CHORUS_AUTO_VERSION_MS: '1' });
    const res = await call(server.url, 'GET', `/documents/${documentId}/report`, {
      cookie: bob.cookie,
    });
    expect(res.json.report).toEqual(before.json.report);
    const report = res.json.report;
    const annFigures = report.people.find((p: { accountId: string }) => p.accountId === ann.id);
    const bobFigures = report.people.find((p: { accountId: string }) => p.accountId === bob.id);
    expect(annFigures).toMatchObject({
      name: 'Ann Patient',
      role: 'patient',
      wordsInDocument: 5,
      wordsWritten: 7,
      wordsDeleted: 1,
    });
    expect(bobFigures).toMatchObject({
      name: 'Bob Clinician',
      role: 'clinician',
      wordsInDocument: 6,
      wordsWritten: 7,
      wordsDeleted: 2,
    });
    expect(bobFigures.deletedFrom).toEqual([{ accountId: ann.id, name: 'Ann Patient', words: 2 }]);
    expect(annFigures.deletedFrom).toEqual([
      { accountId: bob.id, name: 'Bob Clinician', words: 1 },
    ]);
    expect(report.passages.map((p: { text: string }) => p.text)).toEqual([
      'The letters were confusing',
      'three',
    ]);
    expect(report.roles.map((r: { role: string }) => r.role).sort()).toEqual([
      'clinician',
      'patient',
    ]);
    expect(report.note).toContain('not measure ideas');

    const csv = await fetch(`${server.url}/api/documents/${documentId}/report.csv`, {
      headers: { cookie: ann.cookie },
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain('"Person","Ann Patient","Patient or service user",5,7,1,0,0\r\n');
    expect(text).toContain('"Passage","Ann Patient","The letters were confusing"');
    // Downloading the report is an export: the workspace's audit log says who and when.
    const audit = await call(server.url, 'GET', `/workspaces/${workspaceId}/audit`, {
      cookie: ann.cookie,
    });
    expect(audit.json.entries).toContainEqual(
      expect.objectContaining({ action: 'document.exported', actorId: ann.id, target: documentId }),
    );

    const authorship = await call(server.url, 'GET', `/documents/${documentId}/authorship`, {
      cookie: bob.cookie,
    });
    expect(authorship.json.people[ann.id]).toMatchObject({
      name: 'Ann Patient',
      roleLabel: 'Patient or service user',
    });
    expect(authorship.json.owners).toContainEqual([a.doc.clientID, ann.id]);
  });

  it('credits a patient who has left in the role they wrote in, in the report, the author view and the journal', async () => {
    const leaverServer = await startTestServer({ CHORUS_DATA_DIR: tempDir('chorus-leaver-') });
    try {
      const lead = await buildUser(leaverServer.url, 'Lena Lead');
      const cara = await buildUser(leaverServer.url, 'Cara Patient');
      const ws = await call(leaverServer.url, 'POST', '/workspaces', {
        body: { name: 'Group' },
        cookie: lead.cookie,
      });
      const workspaceId = ws.json.workspace.id;
      await call(leaverServer.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: cara.email, permission: 'editor', participantRole: 'patient' },
        cookie: lead.cookie,
      });
      const created = await call(leaverServer.url, 'POST', `/workspaces/${workspaceId}/documents`, {
        body: { title: 'Plan', kind: 'service_design' },
        cookie: lead.cookie,
      });
      const documentId = created.json.document.id;
      const c = connectClient(leaverServer.url, documentId, cara.cookie, { chorus: true });
      await waitSynced(c);
      appendParagraph(c.doc, 'Nobody told me who to call at night');
      await settled(c);
      c.destroy();

      // The group ends her membership; her words stay hers, and stay a patient's.
      const removed = await call(
        leaverServer.url,
        'DELETE',
        `/workspaces/${workspaceId}/members/${cara.id}`,
        { cookie: lead.cookie },
      );
      expect(removed.status).toBeLessThan(300);
      const report = (
        await call(leaverServer.url, 'GET', `/documents/${documentId}/report`, {
          cookie: lead.cookie,
        })
      ).json.report;
      expect(
        report.people.find((p: { accountId: string }) => p.accountId === cara.id),
      ).toMatchObject({
        name: 'Cara Patient',
        role: 'patient',
        wordsInDocument: 8,
      });
      expect(report.passages).toContainEqual(
        expect.objectContaining({
          accountId: cara.id,
          text: 'Nobody told me who to call at night',
        }),
      );
      const authorship = await call(
        leaverServer.url,
        'GET',
        `/documents/${documentId}/authorship`,
        {
          cookie: lead.cookie,
        },
      );
      expect(authorship.json.people[cara.id]).toMatchObject({
        role: 'patient',
        roleLabel: 'Patient or service user',
      });

      const raw = new Database(path.join(leaverServer.config.dataDir, 'chorus.db'), {
        readonly: true,
      });
      try {
        const roles = raw
          .prepare(
            'SELECT DISTINCT participant_role AS role FROM journal WHERE document_id = ? AND account_id = ?',
          )
          .all(documentId, cara.id);
        expect(roles).toEqual([{ role: 'patient' }]);
      } finally {
        raw.close();
      }
    } finally {
      await leaverServer.stop();
    }
  });

  it('saves named and automatic versions, compares them by author, and restores as a new edit', async () => {
    const ann = await buildUser(server.url, 'Ann Patient');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'V' },
      cookie: ann.cookie,
    });
    await call(server.url, 'PATCH', `/workspaces/${ws.json.workspace.id}/members/${ann.id}`, {
      body: { participantRole: 'patient' },
      cookie: ann.cookie,
    });
    const created = await call(
      server.url,
      'POST',
      `/workspaces/${ws.json.workspace.id}/documents`,
      {
        body: { title: 'Plan', kind: 'improvement_plan' },
        cookie: ann.cookie,
      },
    );
    const documentId = created.json.document.id;
    const bob = await buildUser(server.url, 'Bob Clinician');
    await call(server.url, 'POST', `/workspaces/${ws.json.workspace.id}/members`, {
      body: { email: bob.email, permission: 'editor', participantRole: 'clinician' },
      cookie: ann.cookie,
    });
    const a = connectClient(server.url, documentId, ann.cookie, { chorus: true });
    clients.push(a);
    await waitSynced(a);
    appendParagraph(a.doc, 'Reduce falls on ward 7 by half');
    await settled(a);
    const named = await call(server.url, 'POST', `/documents/${documentId}/versions`, {
      body: { label: 'Agreed aim' },
      cookie: ann.cookie,
    });
    expect(named.status).toBe(201);
    const fragment = a.doc.getXmlFragment('default');
    fragment.delete(fragment.length - 1, 1);
    appendParagraph(a.doc, 'Reduce falls everywhere');
    await settled(a);

    const cmp = await call(
      server.url,
      'GET',
      `/documents/${documentId}/versions/${named.json.version.id}/compare/current`,
      {
        cookie: ann.cookie,
      },
    );
    const segments = cmp.json.blocks.flatMap(
      (blk: { segments: { text: string; change: string; authorId: string }[] }) => blk.segments,
    );
    expect(segments).toContainEqual({
      text: 'Reduce falls on ward 7 by half',
      change: 'removed',
      authorId: ann.id,
    });
    expect(segments).toContainEqual({
      text: 'Reduce falls everywhere',
      change: 'added',
      authorId: ann.id,
    });
    expect(cmp.json.people[ann.id].name).toBe('Ann Patient');

    // Bob restores: the edit is his, the credit for Ann's words stays hers.
    const restore = await call(
      server.url,
      'POST',
      `/documents/${documentId}/versions/${named.json.version.id}/restore`,
      {
        cookie: bob.cookie,
      },
    );
    expect(restore.status).toBe(200);
    await eventually(() => {
      expect(a.text()).toContain('Reduce falls on ward 7 by half');
      expect(a.text()).not.toContain('Reduce falls everywhere');
    });
    const versions = await call(server.url, 'GET', `/documents/${documentId}/versions`, {
      cookie: ann.cookie,
    });
    const kinds = versions.json.versions.map((v: { kind: string }) => v.kind);
    expect(kinds).toContain('named');
    expect(kinds).toContain('backup');
    expect(kinds).toContain('auto');
    const report = await call(server.url, 'GET', `/documents/${documentId}/report`, {
      cookie: ann.cookie,
    });
    expect(report.json.report.passages).toContainEqual(
      expect.objectContaining({ text: 'Reduce falls on ward 7 by half', name: 'Ann Patient' }),
    );
    // Restored words are not counted twice: Ann wrote 7 + 3 words in all.
    const annFigures = report.json.report.people.find(
      (p: { accountId: string }) => p.accountId === ann.id,
    );
    expect(annFigures).toMatchObject({ wordsInDocument: 7, wordsWritten: 10, wordsDeleted: 7 });
    // The restore is journaled as Bob's edit, in his role, after Ann's last one.
    const raw = new Database(path.join(server.config.dataDir, 'chorus.db'), { readonly: true });
    try {
      const last = raw
        .prepare(
          'SELECT account_id, participant_role FROM journal WHERE document_id = ? ORDER BY seq DESC LIMIT 1',
        )
        .get(documentId);
      expect(last).toEqual({ account_id: bob.id, participant_role: 'clinician' });
    } finally {
      raw.close();
    }
    // Viewing versions never changed the live document except through the restore.
    const fresh = connectClient(server.url, documentId, ann.cookie);
    clients.push(fresh);
    await waitSynced(fresh);
    expect(fresh.text()).toBe(a.text());
  });
});
