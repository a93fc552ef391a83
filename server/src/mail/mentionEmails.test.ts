import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type Config, loadConfig } from '../config.ts';
import { type Logger, memoryLogger } from '../logger.ts';
import { type RunningServer, startServer } from '../server.ts';
import { confirmAddress, otherMails } from '../test/confirmations.ts';
import { buildUser, call, type TestUser } from '../test/factories.ts';
import { startTestPostgres, type TestPostgres } from '../test/postgres.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { startTestSmtp, type TestSmtp } from '../test/smtp.ts';
import { eventually } from '../test/syncClient.ts';
import { TEST_ORIGIN, tempDir } from '../test/testServer.ts';

/** Links in emails start with the origin people open Chorus at. */
const PUBLIC_URL = TEST_ORIGIN;
const DELAY_MS = 1200;

function anchorAt(index: number): string {
  const doc = new Y.Doc();
  doc.getXmlFragment('default').insert(0, [new Y.XmlText('Long waits for results')]);
  const fragment = doc.getXmlFragment('default');
  const pos = Y.createRelativePositionFromTypeIndex(fragment, Math.min(index, fragment.length));
  return Buffer.from(Y.encodeRelativePosition(pos)).toString('base64');
}
const anchor = { start: anchorAt(0), end: anchorAt(1) };
/** What the comments say: it must never reach an email. */
const SECRET = 'HbA1c of 64 after the insulin change';
const QUOTE = 'Long waits';

/** A server that sends mail to `smtp`, with the delay and retries shortened for tests. */
function mailConfig(smtp: TestSmtp, dataDir = tempDir(), env: Record<string, string> = {}): Config {
  const config = loadConfig({
    ...env,
    PORT: '0',
    CHORUS_ORIGIN: TEST_ORIGIN,
    CHORUS_DATA_DIR: dataDir,
    CHORUS_IDLE_UNLOAD_MS: '200',
    CHORUS_SMTP_URL: smtp.url,
    CHORUS_MAIL_FROM: 'Chorus <chorus@example.org>',
    CHORUS_MENTION_EMAIL_DELAY_MS: String(DELAY_MS),
  });
  if (!config.mail) throw new Error('mail is configured');
  config.mail = { ...config.mail, pollMs: 100, retryBaseMs: 300, maxAttempts: 3, leaseMs: 10_000 };
  return config;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Email notification of mentions, with a real SMTP server on loopback and real HTTP calls:
 * sent a little after the mention if still unread, once, grouped per person, never with
 * what was written, and not at all when read, resolved, no longer readable or turned off.
 */
describe('mention emails', () => {
  let smtp: TestSmtp;
  let server: RunningServer;
  let logger: ReturnType<typeof memoryLogger>;
  let owner: TestUser;
  let clinician: TestUser;
  let workspaceId: string;
  let documentId: string;

  /**
   * A new member of the workspace, as a commenter, with their address confirmed (only
   * confirmed addresses are emailed): each test mentions its own person.
   */
  const member = async (name: string) => {
    const person = await buildUser(server.url, name);
    await confirmAddress(smtp, server.url, person.email);
    const added = await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: person.email, permission: 'commenter', participantRole: 'patient' },
      cookie: owner.cookie,
    });
    expect(added.status).toBe(201);
    return person;
  };
  const openThread = async (by: TestUser, mentions: string[], docId = documentId) => {
    const res = await call(server.url, 'POST', `/documents/${docId}/threads`, {
      cookie: by.cookie,
      body: { anchor, quote: QUOTE, body: `${SECRET} @someone`, mentions },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  /** The comment ids of a person's mentions, newest first. */
  const mentionIds = async (who: TestUser) =>
    (await call(server.url, 'GET', '/me/notifications', { cookie: who.cookie })).json.mentions.map(
      (m: { id: string }) => m.id,
    ) as string[];
  /** Waits until the outbox has settled this mention one way or another. */
  const settled = (who: TestUser, commentId: string) =>
    eventually(async () => {
      const state = await server.storage.mentionEmails.stateOf(who.id, commentId);
      if (state === 'pending') throw new Error('still waiting');
      return state;
    }, 15_000);

  beforeAll(async () => {
    smtp = await startTestSmtp();
    logger = memoryLogger();
    server = await startServer(mailConfig(smtp), logger as Logger);
    owner = await buildUser(server.url, 'Olive Owner');
    clinician = await buildUser(server.url, 'Cleo Clinician');
    const ws = await call(server.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    workspaceId = ws.json.workspace.id;
    await call(server.url, 'POST', `/workspaces/${workspaceId}/members`, {
      body: { email: clinician.email, permission: 'editor', participantRole: 'clinician' },
      cookie: owner.cookie,
    });
    documentId = (
      await call(server.url, 'POST', `/workspaces/${workspaceId}/documents`, {
        body: { title: 'Screening pathway', kind: 'service_design' },
        cookie: owner.cookie,
      })
    ).json.document.id;
  });

  afterAll(async () => {
    await server.stop();
    await smtp.stop();
  });

  it('sends one email after the delay, to the person mentioned, saying who and where, linking to the thread, without the comment’s words', async () => {
    const pat = await member('Pat Patient');
    const started = Date.now();
    const threadId = await openThread(clinician, [pat.id]);
    await pause(DELAY_MS / 3);
    expect(otherMails(smtp, pat.email)).toEqual([]);
    const [email] = await eventually(() => {
      const got = otherMails(smtp, pat.email);
      if (got.length === 0) throw new Error('no email yet');
      return got;
    }, 15_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DELAY_MS);
    expect(email?.to).toEqual([pat.email]);
    expect(email?.from).toBe('"Chorus" <chorus@example.org>');
    expect(email?.subject).toBe('Cleo Clinician mentioned you in “Screening pathway”');
    const link = `${PUBLIC_URL}/documents/${documentId}#thread-${threadId}`;
    expect(email?.text).toContain(`Open the comment: ${link}`);
    expect(email?.text).toContain('(workspace “Eye screening”)');
    expect(email?.html).toContain(`href="${link}"`);
    expect(email?.text).toContain(`${PUBLIC_URL}/account#email-preferences`);
    for (const part of [email?.text, email?.html, email?.subject]) {
      expect(part).not.toContain('HbA1c');
      expect(part).not.toContain(QUOTE);
    }
    // Once only, and nobody else was emailed about it (not the author).
    await pause(500);
    expect(otherMails(smtp, pat.email)).toHaveLength(1);
    expect(otherMails(smtp, clinician.email)).toEqual([]);
  });

  it('puts two mentions close together in one email', async () => {
    const pat = await member('Pam Patient');
    const threadId = await openThread(clinician, [pat.id]);
    const reply = await call(
      server.url,
      'POST',
      `/documents/${documentId}/threads/${threadId}/replies`,
      {
        cookie: owner.cookie,
        body: { body: `${SECRET}, @Pam?`, mentions: [pat.id] },
      },
    );
    expect(reply.status).toBe(201);
    const [first, second] = await mentionIds(pat);
    await settled(pat, first ?? '');
    await settled(pat, second ?? '');
    const got = otherMails(smtp, pat.email);
    expect(got).toHaveLength(1);
    expect(got[0]?.subject).toBe('You were mentioned 2 times in Chorus');
    expect(got[0]?.text).toContain('Cleo Clinician mentioned you');
    expect(got[0]?.text).toContain('Olive Owner mentioned you');
    expect(got[0]?.text).not.toContain('HbA1c');
  });

  it('sends nothing for a mention read in Chorus before the delay', async () => {
    const pat = await member('Pia Patient');
    await openThread(clinician, [pat.id]);
    const [id] = await mentionIds(pat);
    const read = await call(server.url, 'POST', '/me/notifications/read', {
      cookie: pat.cookie,
      body: { ids: [id] },
    });
    expect(read.json.marked).toBe(1);
    expect(await settled(pat, id ?? '')).toBe('dropped');
    expect(otherMails(smtp, pat.email)).toEqual([]);
  });

  it('sends nothing to someone who turned these emails off, and again once they turn them on', async () => {
    const pat = await member('Poppy Patient');
    const prefs = await call(server.url, 'GET', '/me/preferences', { cookie: pat.cookie });
    expect(prefs.json).toEqual({ emailMentions: true, emailAvailable: true });
    const off = await call(server.url, 'PUT', '/me/preferences', {
      cookie: pat.cookie,
      body: { emailMentions: false },
    });
    expect(off.json).toEqual({ emailMentions: false, emailAvailable: true });
    await openThread(clinician, [pat.id]);
    const [id] = await mentionIds(pat);
    expect(await settled(pat, id ?? '')).toBe('dropped');
    expect(otherMails(smtp, pat.email)).toEqual([]);
    await call(server.url, 'PUT', '/me/preferences', {
      cookie: pat.cookie,
      body: { emailMentions: true },
    });
    await openThread(clinician, [pat.id]);
    const [again] = await mentionIds(pat);
    expect(await settled(pat, again ?? '')).toBe('sent');
    expect(otherMails(smtp, pat.email)).toHaveLength(1);
  });

  it('sends nothing once the person may no longer read the document', async () => {
    const pat = await member('Paul Patient');
    await openThread(clinician, [pat.id]);
    const [id] = await mentionIds(pat);
    const removed = await call(
      server.url,
      'DELETE',
      `/workspaces/${workspaceId}/members/${pat.id}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(removed.status).toBe(200);
    expect(await settled(pat, id ?? '')).toBe('dropped');
    expect(otherMails(smtp, pat.email)).toEqual([]);
  });

  it('sends nothing for a mention in a thread resolved or a comment deleted before the delay', async () => {
    const pat = await member('Peg Patient');
    const resolvedThread = await openThread(clinician, [pat.id]);
    await call(server.url, 'PUT', `/documents/${documentId}/threads/${resolvedThread}/resolved`, {
      cookie: clinician.cookie,
      body: { resolved: true },
    });
    await openThread(clinician, [pat.id]);
    const [deletedComment] = await mentionIds(pat);
    const deleted = await call(
      server.url,
      'DELETE',
      `/documents/${documentId}/comments/${deletedComment}`,
      { cookie: clinician.cookie },
    );
    expect(deleted.status).toBe(200);
    const thread = await server.storage.comments.getThread(documentId, resolvedThread);
    expect(thread?.resolvedAt).not.toBeNull();
    const firstComment = (await server.storage.comments.listComments(documentId)).find(
      (c) => c.threadId === resolvedThread,
    );
    expect(await settled(pat, firstComment?.id ?? '')).toBe('dropped');
    expect(await settled(pat, deletedComment ?? '')).toBe('dropped');
    expect(otherMails(smtp, pat.email)).toEqual([]);
  });

  it('emails someone an edit adds, and not those already mentioned', async () => {
    const pat = await member('Pip Patient');
    const other = await member('Priya Patient');
    await openThread(clinician, [other.id]);
    const [commentId] = await mentionIds(other);
    const edited = await call(
      server.url,
      'PATCH',
      `/documents/${documentId}/comments/${commentId}`,
      {
        cookie: clinician.cookie,
        body: { body: `${SECRET} @Priya @Pip`, mentions: [other.id, pat.id] },
      },
    );
    expect(edited.status).toBe(200);
    expect(await settled(pat, commentId ?? '')).toBe('sent');
    expect(await settled(other, commentId ?? '')).toBe('sent');
    await pause(300);
    expect(otherMails(smtp, pat.email)).toHaveLength(1);
    expect(otherMails(smtp, other.email)).toHaveLength(1);
  });

  it('retries while the mail server is down and delivers once when it is back', async () => {
    const pat = await member('Penny Patient');
    await smtp.down();
    try {
      await openThread(clinician, [pat.id]);
      await eventually(() => {
        const failed = logger.entries.find(
          (e) => e.event === 'mail.send_failed' && e.fields.userId === pat.id,
        );
        if (!failed) throw new Error('not tried yet');
      }, 15_000);
    } finally {
      await smtp.up();
    }
    const [id] = await mentionIds(pat);
    expect(await settled(pat, id ?? '')).toBe('sent');
    await pause(500);
    expect(otherMails(smtp, pat.email)).toHaveLength(1);
  });

  it('gives up after a bounded number of tries and logs it', async () => {
    const pat = await member('Pete Patient');
    await smtp.down();
    try {
      await openThread(clinician, [pat.id]);
      const [id] = await mentionIds(pat);
      expect(await settled(pat, id ?? '')).toBe('failed');
      const gaveUp = logger.entries.find(
        (e) => e.event === 'mail.gave_up' && e.fields.userId === pat.id,
      );
      expect(gaveUp?.level).toBe('error');
      expect(gaveUp?.fields.attempts).toBe(3);
      // The log names the person by id and never holds the comment.
      expect(JSON.stringify(logger.entries)).not.toContain('HbA1c');
    } finally {
      await smtp.up();
    }
    expect(otherMails(smtp, pat.email)).toEqual([]);
  });

  it('sends each email once when two server instances share the database', async () => {
    // The first server's storage, which the second must not close when it stops.
    const shared = { ...server.storage, close: async () => {} };
    const second = await startServer(
      { ...mailConfig(smtp), dataDir: tempDir() },
      memoryLogger() as Logger,
      shared,
    );
    try {
      const people = await Promise.all(
        ['Pax', 'Pru', 'Pol', 'Pim'].map((n) => member(`${n} Patient`)),
      );
      for (const p of people) await openThread(clinician, [p.id]);
      for (const p of people) {
        const [id] = await mentionIds(p);
        expect(await settled(p, id ?? '')).toBe('sent');
      }
      await pause(500);
      for (const p of people) expect(otherMails(smtp, p.email)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });
});

describe('the outbox across a restart', () => {
  it('sends what fell due while the server was stopped, once, after it starts again', async () => {
    const smtp = await startTestSmtp();
    const dataDir = tempDir();
    let server = await startServer(mailConfig(smtp, dataDir), memoryLogger() as Logger);
    try {
      const owner = await buildUser(server.url, 'Olive Owner');
      const pat = await buildUser(server.url, 'Pat Patient');
      await confirmAddress(smtp, server.url, pat.email);
      const ws = await call(server.url, 'POST', '/workspaces', {
        body: { name: 'Eye screening' },
        cookie: owner.cookie,
      });
      await call(server.url, 'POST', `/workspaces/${ws.json.workspace.id}/members`, {
        body: { email: pat.email, permission: 'commenter', participantRole: 'patient' },
        cookie: owner.cookie,
      });
      const doc = await call(server.url, 'POST', `/workspaces/${ws.json.workspace.id}/documents`, {
        body: { title: 'Screening pathway', kind: 'service_design' },
        cookie: owner.cookie,
      });
      const made = await call(server.url, 'POST', `/documents/${doc.json.document.id}/threads`, {
        cookie: owner.cookie,
        body: { anchor, quote: QUOTE, body: SECRET, mentions: [pat.id] },
      });
      expect(made.status).toBe(201);
      await server.stop();
      await pause(DELAY_MS + 200);
      expect(otherMails(smtp, pat.email)).toEqual([]);
      server = await startServer(mailConfig(smtp, dataDir), memoryLogger() as Logger);
      const got = await eventually(() => {
        const mail = otherMails(smtp, pat.email);
        if (mail.length === 0) throw new Error('no email yet');
        return mail;
      }, 15_000);
      expect(got[0]?.subject).toBe('Olive Owner mentioned you in “Screening pathway”');
      await pause(500);
      expect(otherMails(smtp, pat.email)).toHaveLength(1);
    } finally {
      await server.stop();
      await smtp.stop();
    }
  });
});

describe('two processes sharing PostgreSQL, joined through Redis', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let smtp: TestSmtp;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    [postgres, redis, smtp] = await Promise.all([
      startTestPostgres(),
      startTestRedis(),
      startTestSmtp(),
    ]);
    const shared = {
      CHORUS_DATABASE_URL: await postgres.freshDatabase(),
      CHORUS_REDIS_URL: redis.url,
    };
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startServer(mailConfig(smtp, tempDir(), shared), memoryLogger() as Logger),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await redis?.stop();
    postgres?.stop();
    await smtp?.stop();
  });

  it('each email is sent once, whichever process claims it', async () => {
    const [one, two] = servers;
    if (!one || !two) throw new Error('two servers');
    const owner = await buildUser(one.url, 'Olive Owner');
    const ws = await call(one.url, 'POST', '/workspaces', {
      body: { name: 'Eye screening' },
      cookie: owner.cookie,
    });
    const workspaceId = ws.json.workspace.id as string;
    const doc = await call(one.url, 'POST', `/workspaces/${workspaceId}/documents`, {
      body: { title: 'Screening pathway', kind: 'service_design' },
      cookie: owner.cookie,
    });
    const people: TestUser[] = [];
    for (const name of ['Pax', 'Pru', 'Pol', 'Pim', 'Pia', 'Pem']) {
      const p = await buildUser(two.url, `${name} Patient`);
      await confirmAddress(smtp, one.url, p.email);
      await call(one.url, 'POST', `/workspaces/${workspaceId}/members`, {
        body: { email: p.email, permission: 'commenter', participantRole: 'patient' },
        cookie: owner.cookie,
      });
      people.push(p);
    }
    // Mentions made through both processes; both look at the outbox every 100 ms.
    for (const [i, p] of people.entries()) {
      const through = i % 2 === 0 ? one : two;
      const res = await call(through.url, 'POST', `/documents/${doc.json.document.id}/threads`, {
        cookie: owner.cookie,
        body: { anchor, quote: QUOTE, body: SECRET, mentions: [p.id] },
      });
      expect(res.status).toBe(201);
    }
    await eventually(() => {
      for (const p of people)
        if (otherMails(smtp, p.email).length === 0) throw new Error('not yet');
    }, 20_000);
    await pause(1000);
    for (const p of people) expect(otherMails(smtp, p.email)).toHaveLength(1);
  });
});

describe('mail settings at start-up', () => {
  it('refuses to start with SMTP set but a bad origin or no sender, saying what to set', () => {
    const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverRoot,
      env: {
        ...process.env,
        PORT: '0',
        CHORUS_DATA_DIR: tempDir(),
        CHORUS_SMTP_URL: 'smtp://127.0.0.1:2525',
        CHORUS_ORIGIN: 'http://chorus.example.org',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('CHORUS_ORIGIN is http://chorus.example.org. Use https://');
    const missing = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverRoot,
      env: {
        ...process.env,
        PORT: '0',
        CHORUS_DATA_DIR: tempDir(),
        CHORUS_SMTP_URL: 'smtp://127.0.0.1:2525',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('CHORUS_MAIL_FROM: set the address emails come from');
    expect(missing.stderr).toContain('or unset CHORUS_SMTP_URL to send none');
  });
});
