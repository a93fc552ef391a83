import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for the embedded single-process setup', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.origin).toBe('http://localhost:3000');
    expect(c.secureCookies).toBe(false);
    expect(c.sqliteSynchronous).toBe('FULL');
    expect(c.journalThread).toBe('main');
    expect(c.maxFrameBytes).toBe(8 * 1024 * 1024);
  });

  it('names each bad variable and says how to fix it', () => {
    expect(() => loadConfig({ PORT: 'eighty', CHORUS_MAX_FRAME_BYTES: '10' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', CHORUS_MAX_FRAME_BYTES: '10' });
    } catch (err) {
      expect(String(err)).toContain('PORT: PORT must be a whole number.');
      expect(String(err)).toContain(
        'CHORUS_MAX_FRAME_BYTES: CHORUS_MAX_FRAME_BYTES must be at least 1024.',
      );
    }
  });

  it('commits the journal on a writer thread only when asked, and names the choices', () => {
    expect(loadConfig({ CHORUS_JOURNAL_THREAD: 'writer' }).journalThread).toBe('writer');
    expect(() => loadConfig({ CHORUS_JOURNAL_THREAD: 'worker' })).toThrow(
      'CHORUS_JOURNAL_THREAD: CHORUS_JOURNAL_THREAD must be main (commit on the event loop) or writer (on a thread of its own).',
    );
  });

  it('refuses a plain-http origin other than localhost', () => {
    expect(() => loadConfig({ CHORUS_ORIGIN: 'http://chorus.example.org' })).toThrow(/Use https/);
    expect(loadConfig({ CHORUS_ORIGIN: 'https://chorus.example.org/some/path' }).origin).toBe(
      'https://chorus.example.org',
    );
  });

  it('stores in SQLite unless given a PostgreSQL URL, and refuses any other URL', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(
      loadConfig({ CHORUS_DATABASE_URL: 'postgres://chorus:pw@127.0.0.1:5432/chorus' }).databaseUrl,
    ).toBe('postgres://chorus:pw@127.0.0.1:5432/chorus');
    expect(loadConfig({ CHORUS_DATABASE_URL: 'postgresql://db/chorus' }).databaseUrl).toBe(
      'postgresql://db/chorus',
    );
    for (const bad of ['mysql://db/chorus', 'db.example.org:5432', '']) {
      expect(() => loadConfig({ CHORUS_DATABASE_URL: bad })).toThrow(
        /CHORUS_DATABASE_URL: CHORUS_DATABASE_URL must be a PostgreSQL URL like postgres:\/\//,
      );
    }
  });

  it('joins other processes through Redis only when they share PostgreSQL', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    const shared = loadConfig({
      CHORUS_DATABASE_URL: 'postgres://db/chorus',
      CHORUS_REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(shared.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(() => loadConfig({ CHORUS_REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /must share one PostgreSQL database. Set CHORUS_DATABASE_URL too/,
    );
    expect(() =>
      loadConfig({ CHORUS_DATABASE_URL: 'postgres://db/chorus', CHORUS_REDIS_URL: 'http://x' }),
    ).toThrow(/CHORUS_REDIS_URL must be a Redis URL like redis:\/\//);
  });

  it('sends no email unless CHORUS_SMTP_URL is set, and then needs the sender and the origin links start with', () => {
    expect(loadConfig({}).mail).toBeNull();
    const mail = loadConfig({
      CHORUS_SMTP_URL: 'smtps://chorus:p%40ss@smtp.example.org:465',
      CHORUS_MAIL_FROM: 'Chorus <chorus@example.org>',
      CHORUS_ORIGIN: 'https://chorus.example.org/',
    }).mail;
    expect(mail).toMatchObject({
      smtpUrl: 'smtps://chorus:p%40ss@smtp.example.org:465',
      from: 'Chorus <chorus@example.org>',
      publicUrl: 'https://chorus.example.org',
      delayMs: 120_000,
    });
    const smtpOnly = () => loadConfig({ CHORUS_SMTP_URL: 'smtp://127.0.0.1:2525' });
    expect(smtpOnly).toThrow(ConfigError);
    expect(smtpOnly).toThrow(/CHORUS_MAIL_FROM: set the address emails come from/);
    expect(smtpOnly).toThrow(/CHORUS_ORIGIN: set the address people open Chorus at/);
    expect(smtpOnly).toThrow(/or unset CHORUS_SMTP_URL to send none/);
  });

  it('refuses a bad mail setting, naming it and how to fix it', () => {
    const base = {
      CHORUS_SMTP_URL: 'smtp://127.0.0.1:2525',
      CHORUS_MAIL_FROM: 'chorus@example.org',
      CHORUS_ORIGIN: 'http://localhost:3000',
    };
    expect(loadConfig(base).mail?.publicUrl).toBe('http://localhost:3000');
    expect(() => loadConfig({ ...base, CHORUS_SMTP_URL: 'http://smtp.example.org' })).toThrow(
      /CHORUS_SMTP_URL: CHORUS_SMTP_URL must be an SMTP URL like smtps:\/\//,
    );
    for (const bad of ['chorus', 'Chorus <not an address>', 'Evil\r\nBcc: x@y.org <a@b.org>']) {
      expect(() => loadConfig({ ...base, CHORUS_MAIL_FROM: bad })).toThrow(
        /CHORUS_MAIL_FROM: CHORUS_MAIL_FROM must be an email address like chorus@example.org/,
      );
    }
    expect(() => loadConfig({ ...base, CHORUS_MENTION_EMAIL_DELAY_MS: 'soon' })).toThrow(
      /CHORUS_MENTION_EMAIL_DELAY_MS must be a whole number/,
    );
  });
});
