// The optional query cache (query.enable_cache): results of reads kept for
// query.cache_ttl_sec in a bounded LRU, keyed by the normalized query.
// Writes do not invalidate it: a cached result may be up to the TTL old.
// Cached results are shared between callers; treat them as read-only.
//
// With a replica (database.read_url) one more rule: a replica's answer is
// kept only when the replica had replayed every write this engine had
// completed when the read began. So a read right after a write, on a lagging
// replica, answers with what the replica has (as every replica read does)
// but is not cached, and the next read after the replica caught up answers
// fresh. Checking costs two small queries (the primary's WAL position, the
// replica's replay position), made only on a miss after new writes, and
// only until the replica is seen to hold them.

import { primaryWalPosition, readerHasReplayed, type Storage } from '@ag/storage-core';
import { LRUCache } from 'lru-cache';
import type { IngestStats } from '../ingest/ingest-stats.js';

/** What the cache needs when reads go to a replica. */
export interface ReplicaReadsOfWrites {
  storage: Pick<Storage, 'engine' | 'reader' | 'readsFromReplica'>;
  /** A count that grows with every write this engine completes. */
  writesCompleted: () => number;
}

export class QueryCache {
  private readonly cache: LRUCache<string, object> | undefined;
  /** writesCompleted() when the replica was last seen to hold every write. */
  private replayedWrites = 0;
  /** The primary's WAL position that covers `writes`, while the replica has not reached it. */
  private pending: { writes: number; lsn: string } | undefined;

  constructor(
    options: { enabled: boolean; ttlSec: number; maxEntries: number },
    private readonly stats: IngestStats,
    private readonly replica?: ReplicaReadsOfWrites,
  ) {
    this.cache =
      options.enabled && options.ttlSec > 0
        ? new LRUCache<string, object>({ max: options.maxEntries, ttl: options.ttlSec * 1000 })
        : undefined;
  }

  /** The cached result for `key`, or the result of `load` (then cached, when the reader holds this engine's writes). */
  async get<T extends object>(kind: string, key: unknown, load: () => Promise<T>): Promise<T> {
    if (!this.cache) return load();
    const cacheKey = `${kind}:${JSON.stringify(key)}`;
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined) {
      this.stats.queryCacheHits += 1;
      return hit as T;
    }
    this.stats.queryCacheMisses += 1;
    // Asked before the read: replay only moves forward, so the read holds at least as much.
    // A check that fails (the primary down) keeps the answer out of the cache, and the read goes on.
    const cacheable = await this.readerHoldsOurWrites().catch(() => false);
    const value = await load();
    if (cacheable) this.cache.set(cacheKey, value);
    return value;
  }

  clear(): void {
    this.cache?.clear();
  }

  private async readerHoldsOurWrites(): Promise<boolean> {
    if (!this.replica?.storage.readsFromReplica) return true;
    const writes = this.replica.writesCompleted();
    if (writes <= this.replayedWrites) return true;
    if (this.pending?.writes !== writes) {
      // Sampled before the primary is asked: its position then covers these writes.
      this.pending = { writes, lsn: await primaryWalPosition(this.replica.storage.engine) };
    }
    const target = this.pending;
    if (!(await readerHasReplayed(this.replica.storage, target.lsn))) return false;
    this.replayedWrites = Math.max(this.replayedWrites, target.writes);
    if (this.pending === target) this.pending = undefined;
    return true;
  }
}
