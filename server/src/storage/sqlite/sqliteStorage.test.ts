import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/testServer.ts';
import { storageContract } from '../contract.ts';
import { openSqliteStorage } from './sqliteStorage.ts';

storageContract('SQLite (file, WAL)', async () =>
  openSqliteStorage({ filename: path.join(tempDir(), 'chorus.db') }),
);

describe('SQLite specifics', () => {
  it('the audit log cannot be updated or deleted, even with direct SQL', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const storage = openSqliteStorage({ filename: file });
    await storage.audit.append({
      at: 1,
      actorId: 'u1',
      workspaceId: null,
      action: 'auth.signin',
      target: null,
      details: {},
      ip: null,
    });
    const raw = new Database(file);
    expect(() => raw.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    raw.close();
    expect(await storage.audit.forActor('u1', 10)).toHaveLength(1);
    await storage.close();
  });

  it('runs in WAL mode with synchronous=FULL by default', async () => {
    const file = path.join(tempDir(), 'chorus.db');
    const storage = openSqliteStorage({ filename: file });
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    await storage.close();
  });
});
