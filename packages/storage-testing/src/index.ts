// @ag/storage-testing: isolated test databases on every available engine.

export { createTestStorage, type TestStorage, type TestStorageOptions } from './create-test-storage.js';
export { describeEachEngine, testEngines, type EngineSuiteContext } from './describe-each-engine.js';
export { probeTestEngines, LOCAL_POSTGRES_URL, maskPassword, type TestEngine, type TestEngineAvailability } from './test-engines.js';
export { createTestDatabase, type TestDatabase } from './postgres-test-database.js';
export { startTimescaleContainer, TIMESCALE_IMAGE } from './docker-timescale.js';
export { startPrivatePostgres, privatePostgresUnavailableReason, type PrivatePostgres } from './private-postgres.js';
export { startFaultProxy, type FaultProxy } from './fault-proxy.js';
