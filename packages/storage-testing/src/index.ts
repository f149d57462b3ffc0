// @ag/storage-testing: isolated test databases on every available engine.

export { createTestStorage, type TestStorage, type TestStorageOptions } from './create-test-storage.js';
export {
  describeEachEngine,
  describeEachServer,
  describeUnless,
  serverEngines,
  skippedTitle,
  testEngines,
  type EngineSuiteContext,
  type ServerSuiteContext,
} from './describe-each-engine.js';
export {
  brokenPromises,
  engineSetBy,
  probeTestEngines,
  LOCAL_POSTGRES_URL,
  LOCAL_TIMESCALEDB_URL,
  maskPassword,
  SERVER_ENGINES,
  type ServerEngine,
  type TestEngine,
  type TestEngineAvailability,
} from './test-engines.js';
export { createTestDatabase, type TestDatabase } from './postgres-test-database.js';
export { startTimescaleContainer, TIMESCALE_IMAGE } from './docker-timescale.js';
export {
  startPrivatePostgres,
  privatePostgresUnavailableReason,
  timescaledbRoot,
  type PrivateInstallation,
  type PrivatePostgres,
  type PrivatePostgresOptions,
} from './private-postgres.js';
export { startFaultProxy, type FaultProxy } from './fault-proxy.js';
export { hasCapability, requireCapability, requireNoCapability, requireTrait, type CapabilityName } from './require-capability.js';
export { applyPropertySeed, DEFAULT_PROPERTY_SEED, propertySeed } from './property-seed.js';
export { createTestDatabaseUrl, type TestDatabaseUrl } from './test-database-url.js';
