// The stores an application works with, opened over one Storage: metrics and
// events (@ag/storage-metrics), orders, fills, positions and candles
// (@ag/storage-execution), the data lifecycle (@ag/storage-retention). The
// API reads through them; the main job writes through the same instances, so
// the API's /metrics sees the writer's own ingest counters.

import type { Storage } from '@ag/storage-core';
import { ExecutionStore, MarketDataStore } from '@ag/storage-execution';
import { EventStore, StorageEngine, type StorageEngineOptions } from '@ag/storage-metrics';
import { RetentionManager, type RetentionPolicyInput, type RetentionScheduler } from '@ag/storage-retention';

export interface StorageServices {
  storage: Storage;
  metrics: StorageEngine;
  events: EventStore;
  executions: ExecutionStore;
  marketData: MarketDataStore;
  retention: RetentionManager;
  /** Set when a lifecycle scheduler runs in this process (its failures are exported). */
  scheduler?: RetentionScheduler;
}

export interface OpenStorageServicesOptions {
  metrics?: StorageEngineOptions;
  retention?: RetentionPolicyInput;
}

export function openStorageServices(storage: Storage, options: OpenStorageServicesOptions = {}): StorageServices {
  return {
    storage,
    metrics: new StorageEngine(storage, options.metrics),
    events: new EventStore(storage),
    executions: new ExecutionStore(storage),
    marketData: new MarketDataStore(storage),
    retention: new RetentionManager(storage, options.retention),
  };
}
