// The optional query cache (query.enable_cache): results of reads kept for
// query.cache_ttl_sec in a bounded LRU, keyed by the normalized query.
// Writes do not invalidate it: a cached result may be up to the TTL old.
// Cached results are shared between callers; treat them as read-only.

import { LRUCache } from 'lru-cache';
import type { IngestStats } from '../ingest/ingest-stats.js';

export class QueryCache {
  private readonly cache: LRUCache<string, object> | undefined;

  constructor(
    options: { enabled: boolean; ttlSec: number; maxEntries: number },
    private readonly stats: IngestStats,
  ) {
    this.cache =
      options.enabled && options.ttlSec > 0
        ? new LRUCache<string, object>({ max: options.maxEntries, ttl: options.ttlSec * 1000 })
        : undefined;
  }

  /** The cached result for `key`, or the result of `load` (then cached). */
  async get<T extends object>(kind: string, key: unknown, load: () => Promise<T>): Promise<T> {
    if (!this.cache) return load();
    const cacheKey = `${kind}:${JSON.stringify(key)}`;
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined) {
      this.stats.queryCacheHits += 1;
      return hit as T;
    }
    this.stats.queryCacheMisses += 1;
    const value = await load();
    this.cache.set(cacheKey, value);
    return value;
  }

  clear(): void {
    this.cache?.clear();
  }
}
