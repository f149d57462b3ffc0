// readerFor(): the one rule for where a store's read runs. Plain reads go to
// storage.reader (the replica named by database.read_url, else the primary),
// and answer with what the replica has replayed. A read that refreshes a
// rollup first runs on the primary, refresh and read alike: the refresh must
// write there, and a replica read right after it could miss what the refresh
// just materialized, which is the reason for refreshing at all.

import type { Queryable } from './engines/engine.js';
import type { Storage } from './storage.js';

export interface ReadRouting {
  /** The read refreshes a rollup before reading it (refresh-before-read). */
  needsFreshRollups?: boolean;
}

/** Where one read runs: the primary when it refreshes rollups first, else storage.reader. */
export function readerFor(storage: Pick<Storage, 'engine' | 'reader'>, routing: ReadRouting = {}): Queryable {
  return routing.needsFreshRollups ? storage.engine : storage.reader;
}
