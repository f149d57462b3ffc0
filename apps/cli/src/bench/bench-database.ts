// A fresh, migrated database for one benchmark case: on-disk embedded (the
// default engine as users run it) or a new database on a server (PostgreSQL,
// TimescaleDB).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStorage, type DeepPartial, type Storage, type StorageConfig } from '@ag/storage-core';
import { createTestDatabase } from '@ag/storage-testing';
import type { BenchEngine, BenchOptions } from './bench-harness.js';

export interface BenchDatabase {
  storage: Storage;
  url: string;
  dispose(): Promise<void>;
}

export async function openBenchDatabase(
  engine: BenchEngine,
  options: BenchOptions,
  config: DeepPartial<StorageConfig> = {},
): Promise<BenchDatabase> {
  const quiet: DeepPartial<StorageConfig> = { ...config, logging: { level: 'warn' } };
  if (engine === 'embedded') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ag-bench-'));
    const url = `pglite://${dir}`;
    const storage = await createStorage({ url, env: {}, config: quiet, migrate: true });
    return {
      storage,
      url,
      dispose: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = options.serverAdminUrls[engine];
  if (!adminUrl) throw new Error(`no server for the ${engine} benchmark engine`);
  const database = await createTestDatabase(adminUrl);
  const storage = await createStorage({ url: database.url, env: {}, config: quiet, migrate: true });
  return {
    storage,
    url: database.url,
    dispose: async () => {
      await storage.close();
      await database.drop();
    },
  };
}
