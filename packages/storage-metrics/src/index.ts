// @ag/storage-metrics: labelled time-series metrics (StorageEngine) and events (EventStore).
export {};
