// @ag/storage-retention: retention, compression and archival (RetentionManager, RetentionScheduler).
export {};
