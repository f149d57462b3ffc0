// A database for a test that hands its URL to another process (the CLI,
// bot-sim, a child that is killed): on-disk for the embedded engine, since an
// in-memory one cannot be shared, and a fresh database on a server engine.
// drop() removes it either way.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from './postgres-test-database.js';
import { LOCAL_POSTGRES_URL, LOCAL_TIMESCALEDB_URL, type TestEngine } from './test-engines.js';

export interface TestDatabaseUrl {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabaseUrl(options: { engine: TestEngine; adminUrl?: string | undefined }): Promise<TestDatabaseUrl> {
  if (options.engine === 'embedded') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-test-db-'));
    return { url: `pglite://${path.join(dir, 'db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const fallback = options.engine === 'timescaledb' ? process.env.TEST_TIMESCALEDB_URL || LOCAL_TIMESCALEDB_URL : process.env.TEST_DATABASE_URL || LOCAL_POSTGRES_URL;
  const database = await createTestDatabase(options.adminUrl ?? fallback);
  return { url: database.url, drop: database.drop };
}
