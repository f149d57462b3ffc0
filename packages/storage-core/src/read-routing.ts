// readerFor(): the one rule for where a store's read runs. Plain reads go to
// storage.reader (the replica named by database.read_url, else the primary),
// and answer with what the replica has replayed. A read that refreshes a
// rollup first runs on the primary, refresh and read alike: the refresh must
// write there, and a replica read right after it could miss what the refresh
// just materialized, which is the reason for refreshing at all.
//
// Whether the replica has caught up is one comparison of WAL positions
// (LSNs; a physical replica shares the primary's): the primary's
// pg_current_wal_lsn() covers every transaction committed on it so far, and
// the replica holds all of them once its pg_last_wal_replay_lsn() reaches it.
// health() reports lag 0 by this rule, and the metrics query cache keeps a
// replica's answer only when it holds the writes the process made.

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

const PRIMARY_WAL_POSITION = `SELECT pg_current_wal_lsn()::text AS lsn`;

// A server that is not in recovery is a primary: it holds what it holds, and
// nothing is waiting to be replayed on it.
const REPLAYED_UP_TO = `
SELECT CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) ELSE true END AS replayed`;

/** The primary's WAL position now: every transaction committed on it so far ends at or before it. */
export async function primaryWalPosition(primary: Queryable): Promise<string> {
  const { rows } = await primary.query<{ lsn: string }>(PRIMARY_WAL_POSITION);
  return (rows[0] as { lsn: string }).lsn;
}

/** Whether storage.reader holds everything the primary had at `lsn` (always, when reads go to the primary). */
export async function readerHasReplayed(storage: Pick<Storage, 'reader' | 'readsFromReplica'>, lsn: string): Promise<boolean> {
  if (!storage.readsFromReplica) return true;
  const { rows } = await storage.reader.query<{ replayed: boolean }>(REPLAYED_UP_TO, [lsn]);
  return rows[0]?.replayed === true;
}
