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
});
