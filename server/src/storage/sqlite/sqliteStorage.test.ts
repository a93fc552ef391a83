import path from 'node:path';
import { tempDir } from '../../test/testServer.ts';
import { storageContract } from '../contract.ts';
import { openSqliteStorage } from './sqliteStorage.ts';

storageContract('SQLite (file, WAL)', async () =>
  openSqliteStorage({ filename: path.join(tempDir(), 'chorus.db') }),
);
