// createStorage(): the one handle applications hold. It loads configuration,
// opens the engine the URL names, detects capabilities and exposes raw SQL,
// the Prisma client on the same connection(s), migrations and health.

import { detectCapabilities, type Capabilities } from './capabilities.js';
import type { DeepPartial, StorageConfig } from './config/config-schema.js';
import { loadConfig } from './config/load-config.js';
import type { Engine, EngineKind, Queryable, QueryResult } from './engines/engine.js';
import { assertReplicaPossible, openEngine, openReadEngine, resolveDatabaseUrl } from './engines/open-engine.js';
import { ClosedError, ConfigurationError } from './errors/storage-error.js';
import { checkHealth, type HealthReport } from './health.js';
import { createLogger, type Logger } from './logging/logger.js';
import { defaultMigrationsDirectory } from './migrations/migration-files.js';
import { Migrator, type MigrationReport, type MigrationStatus, type RollbackReport } from './migrations/migrator.js';
import { createPrismaClient, type PrismaClient } from './prisma-client.js';

export interface CreateStorageOptions {
  /** postgres://..., pglite://<dir> or pglite://memory; default from config, else the embedded default. */
  url?: string;
  /** Overrides applied on top of file and environment. */
  config?: DeepPartial<StorageConfig>;
  /** YAML config file; default $AG_STORAGE_CONFIG or ./ag-storage.yaml when present. */
  configFile?: string;
  /** Environment to read; default process.env. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Where the migrations live; default: found next to the package / in the repo. */
  migrationsDir?: string;
  /** Apply pending migrations before returning. */
  migrate?: boolean;
}

export interface Storage {
  readonly config: StorageConfig;
  readonly capabilities: Capabilities;
  readonly prisma: PrismaClient;
  readonly logger: Logger;
  readonly engineKind: EngineKind;
  /** The engine, for bulk paths (COPY) and sessions. */
  readonly engine: Engine;
  /**
   * Where reads go: the replica named by database.read_url, else the engine
   * itself. Stores send their queries here; writes, migrations, schedulers,
   * locks and rollup refreshes use `engine`. A replica answers with what it
   * has replayed so far (see health().replica.lagSeconds).
   */
  readonly reader: Queryable;
  /** Whether `reader` is a replica (database.read_url). */
  readonly readsFromReplica: boolean;
  /** Rows of one parameterized statement, on the primary. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows of one parameterized read, on the replica when there is one. */
  readQuery<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Rows affected by one parameterized statement. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  migrate(): Promise<MigrationReport>;
  migrationStatus(): Promise<MigrationStatus[]>;
  rollback(steps?: number): Promise<RollbackReport>;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

export async function createStorage(options: CreateStorageOptions = {}): Promise<Storage> {
  const config = loadConfig({
    ...(options.configFile !== undefined ? { file: options.configFile } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.config !== undefined ? { overrides: options.config } : {}),
  });
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const url = resolveDatabaseUrl(config.database, options.url);
  const readUrl = config.database.read_url;
  if (readUrl) assertReplicaPossible(url, readUrl);
  const engine = await openEngine(url, config, logger);
  let readEngine: Engine | undefined;
  try {
    if (readUrl) readEngine = await openReadEngine(readUrl, config, logger);
    const capabilities = await detectCapabilities(engine, engine.traits);
    const migrator = new Migrator(engine, options.migrationsDir ?? defaultMigrationsDirectory(), logger);
    const storage = new StorageHandle(config, engine, readEngine, capabilities, migrator, logger);
    logger.debug({ engine: engine.kind, url: engine.displayUrl, timescale: capabilities.timescale }, 'storage opened');
    if (options.migrate) await storage.migrate();
    return storage;
  } catch (error) {
    await readEngine?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    throw error;
  }
}

class StorageHandle implements Storage {
  readonly prisma: PrismaClient;
  private currentCapabilities: Capabilities;
  private closed = false;

  constructor(
    readonly config: StorageConfig,
    readonly engine: Engine,
    private readonly readEngine: Engine | undefined,
    capabilities: Capabilities,
    private readonly migrator: Migrator,
    readonly logger: Logger,
  ) {
    this.currentCapabilities = capabilities;
    this.prisma = createPrismaClient(engine);
  }

  get capabilities(): Capabilities {
    return this.currentCapabilities;
  }

  get engineKind(): EngineKind {
    return this.engine.kind;
  }

  get reader(): Queryable {
    return this.readEngine ?? this.engine;
  }

  get readsFromReplica(): boolean {
    return this.readEngine !== undefined;
  }

  async readQuery<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.assertOpen();
    return (await this.reader.query<T>(sql, params)).rows;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.assertOpen();
    const result: QueryResult<T> = await this.engine.query<T>(sql, params);
    return result.rows;
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<number> {
    this.assertOpen();
    return (await this.engine.query(sql, params)).rowCount;
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.engine.transaction(fn);
  }

  async migrate(): Promise<MigrationReport> {
    this.assertOpen();
    assertTimescaleInstallable(this.currentCapabilities);
    const report = await this.migrator.migrate();
    await this.refreshCapabilities();
    return report;
  }

  migrationStatus(): Promise<MigrationStatus[]> {
    this.assertOpen();
    return this.migrator.status();
  }

  async rollback(steps = 1): Promise<RollbackReport> {
    this.assertOpen();
    const report = await this.migrator.rollback(steps);
    await this.refreshCapabilities();
    return report;
  }

  health(): Promise<HealthReport> {
    return checkHealth(
      this.engine,
      () => this.refreshCapabilities(),
      () => this.migrator.status(),
      this.readEngine,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.prisma.$disconnect().catch(() => undefined);
    await this.readEngine?.close().catch(() => undefined);
    await this.engine.close();
  }

  private async refreshCapabilities(): Promise<Capabilities> {
    this.currentCapabilities = await detectCapabilities(this.engine, this.engine.traits);
    return this.currentCapabilities;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('storage');
  }
}

/**
 * A server that offers TimescaleDB but does not preload it cannot install it:
 * CREATE EXTENSION fails and takes the session with it. Refuse before any
 * migration runs, saying what to change, rather than silently building plain
 * tables that a later restart with the preload could not turn into hypertables.
 */
function assertTimescaleInstallable(capabilities: Capabilities): void {
  if (!capabilities.timescaleNeedsPreload) return;
  throw new ConfigurationError(
    'shared_preload_libraries',
    'without timescaledb',
    "the server offers the timescaledb extension but does not preload it. Add timescaledb to shared_preload_libraries in the server's postgresql.conf (shared_preload_libraries = 'timescaledb'), restart the server, then migrate again",
  );
}
