import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { type ChildServer, freePort, startChildServer } from '../../server/src/test/childServer.ts';
import { startTestPostgres, type TestPostgres } from '../../server/src/test/postgres.ts';
import { startTestRedis, type TestRedis } from '../../server/src/test/redis.ts';
import {
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  editorText,
  newActor,
  person,
  signUp,
  typeAtOnce,
} from '../fixtures/actors.ts';
import { expectNoAxeViolations } from '../fixtures/axe.ts';

const clientDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client/dist');

/**
 * Beyond one machine: two Chorus processes, each serving the app on its own port, share
 * one PostgreSQL database and hear each other through Redis. A patient uses one, a
 * clinician the other, and they write one document together in their browsers.
 */
test.describe('two server processes sharing PostgreSQL, joined through Redis', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  const servers: ChildServer[] = [];
  const urls: string[] = [];
  const dataDirs: string[] = [];

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    [postgres, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
    const database = await postgres.freshDatabase();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const origin = `http://localhost:${port}`;
      const dataDir = path.join(os.tmpdir(), `chorus-e2e-cluster-${Date.now()}-${i}`);
      dataDirs.push(dataDir);
      servers.push(
        await startChildServer(port, dataDir, {
          CHORUS_ORIGIN: origin,
          CHORUS_DATABASE_URL: database,
          CHORUS_REDIS_URL: redis.url,
          CHORUS_STATIC_DIR: clientDist,
        }),
      );
      urls.push(origin);
    }
  });
  test.afterAll(async () => {
    for (const server of servers) server.process.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await redis?.stop();
    postgres?.stop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a patient on one process and a clinician on the other write together, live', async ({
    browser,
  }) => {
    const [one, two] = urls as [string, string];
    const patient = await newActor(browser, person('Pat Patient', 'cluster-patient'), {
      baseURL: one,
    });
    const clinician = await newActor(browser, person('Dr Clinician', 'cluster-clinician'), {
      baseURL: two,
    });

    await test.step('each signs up on their own process', async () => {
      await Promise.all([
        signUp(patient.page, patient.person),
        signUp(clinician.page, clinician.person),
      ]);
    });

    const title = 'Eye screening pathway';
    await test.step('the patient starts a document and adds the clinician', async () => {
      await createWorkspace(patient.page, 'Eye screening co-design');
      // The clinician's account was made through the other process: one database.
      await addMember(patient.page, clinician.person.email, clinician.person.name);
      await createDocument(patient.page, title, 'Service design');
    });

    const documentPath = new URL(patient.page.url()).pathname;
    await clinician.page.goto(documentPath);
    const patientDoc = documentPage(patient.page);
    const clinicianDoc = documentPage(clinician.page);

    const patientSentence = 'Pat: a reminder text the day before would help.';
    const clinicianSentence = 'Clinician: we can send those from the booking system.';
    await test.step('they type at the same time, each through their own process', async () => {
      for (const doc of [patientDoc, clinicianDoc]) {
        await expect(doc.editor.getByRole('heading', { name: 'About this service' })).toHaveCount(
          1,
        );
        await expect(doc.status).toHaveText('All changes saved');
      }
      await typeAtOnce(
        { page: patient.page, text: patientSentence },
        { page: clinician.page, text: clinicianSentence },
      );
    });

    await test.step('each sees the other’s words, caret and presence', async () => {
      await expect(patientDoc.editor).toContainText(clinicianSentence);
      await expect(clinicianDoc.editor).toContainText(patientSentence);
      await expect(patientDoc.editor.getByText('Dr Clinician', { exact: true })).toBeVisible();
      await expect(clinicianDoc.editor.getByText('Pat Patient', { exact: true })).toBeVisible();
      await expect(
        patientDoc.presence.getByRole('listitem').filter({ hasText: 'Dr Clinician' }),
      ).toBeVisible();
      await expect(
        clinicianDoc.presence.getByRole('listitem').filter({ hasText: 'Pat Patient' }),
      ).toBeVisible();
      await expect(patientDoc.status).toHaveText('All changes saved');
      await expect(clinicianDoc.status).toHaveText('All changes saved');
      await expectNoAxeViolations(patient.page, 'document page on the first process');
      await expectNoAxeViolations(clinician.page, 'document page on the second process');
    });

    await test.step('after both reload, each process serves the same text', async () => {
      await Promise.all([patient.page.reload(), clinician.page.reload()]);
      for (const doc of [patientDoc, clinicianDoc]) {
        await expect(doc.editor).toContainText(patientSentence);
        await expect(doc.editor).toContainText(clinicianSentence);
      }
      expect(await editorText(patientDoc.editor)).toBe(await editorText(clinicianDoc.editor));
    });

    await patient.context.close();
    await clinician.context.close();
  });
});
