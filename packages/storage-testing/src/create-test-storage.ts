// createTestStorage(): an isolated, migrated database for one test file on
// the engine asked for. close() also drops what was created (the server
// database, the container).

import { createStorage, type DeepPartial, type Logger, type Storage, type StorageConfig } from '@ag/storage-core';
import { startTimescaleContainer } from './docker-timescale.js';
import { createTestDatabase } from './postgres-test-database.js';
import { LOCAL_POSTGRES_URL, LOCAL_TIMESCALEDB_URL, type ServerEngine, type TestEngine } from './test-engines.js';

export interface TestStorageOptions {
  /** Default: embedded (in-memory PGlite with TimescaleDB). */
  engine?: TestEngine;
  config?: DeepPartial<StorageConfig>;
  /** Apply the migrations (default true). */
  migrate?: boolean;
  logger?: Logger;
  /** Admin URL for a server engine; default TEST_DATABASE_URL / TEST_TIMESCALEDB_URL, else the local server. */
  adminUrl?: string;
}

export interface TestStorage extends Storage {
  /** The URL this test database lives at (embedded: pglite://memory). */
  readonly url: string;
}

const QUIET_CONFIG: DeepPartial<StorageConfig> = { logging: { level: 'warn' } };

export async function createTestStorage(options: TestStorageOptions = {}): Promise<TestStorage> {
  const engine = options.engine ?? 'embedded';
  let url: string;
  let cleanup: () => Promise<void> = async () => undefined;

  if (engine === 'embedded') {
    url = 'pglite://memory';
  } else if (engine === 'postgres' || engine === 'timescaledb') {
    const database = await createTestDatabase(options.adminUrl ?? defaultAdminUrl(engine));
    url = database.url;
    cleanup = database.drop;
  } else {
    const container = await startTimescaleContainer();
    url = container.url;
    cleanup = container.stop;
  }

  let storage: Storage;
  try {
    storage = await createStorage({
      url,
      env: {},
      config: mergeConfig(QUIET_CONFIG, options.config ?? {}),
      ...(options.logger ? { logger: options.logger } : {}),
      migrate: options.migrate ?? true,
    });
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
  return withCleanup(storage, url, cleanup);
}

function defaultAdminUrl(engine: ServerEngine): string {
  return engine === 'postgres'
    ? process.env.TEST_DATABASE_URL || LOCAL_POSTGRES_URL
    : process.env.TEST_TIMESCALEDB_URL || LOCAL_TIMESCALEDB_URL;
}

function withCleanup(storage: Storage, url: string, cleanup: () => Promise<void>): TestStorage {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= storage.close().finally(cleanup);
    return closing;
  };
  return new Proxy(storage as TestStorage, {
    get(target, property) {
      if (property === 'close') return close;
      if (property === 'url') return url;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function mergeConfig(a: DeepPartial<StorageConfig>, b: DeepPartial<StorageConfig>): DeepPartial<StorageConfig> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && current && typeof current === 'object'
        ? { ...(current as object), ...(value as object) }
        : value;
  }
  return out as DeepPartial<StorageConfig>;
}
