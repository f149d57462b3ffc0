// How rows leave the database on one kind of engine. One interface, one
// implementation per kind, chosen from storage.capabilities:
//   TimescaleDB (either license) -> hypertables lose whole chunks (drop_chunks);
//   plain PostgreSQL             -> DELETE in bounded batches.
// Row-level removals (one metric's series, finished orders) are batched
// deletes everywhere: per chunk on hypertables, per ctid batch on tables.

import type { Storage } from '@ag/storage-core';
import type { ArchiveTableWriter } from '../archive/archive-writer.js';
import { BatchedDeleteStrategy } from './batched-delete-strategy.js';
import { ChunkDropStrategy } from './chunk-drop-strategy.js';
import type { RowPredicate } from './sql-params.js';

export interface RemovalResult {
  chunksDropped: number;
  rowsDeleted: number;
  /** Every row older than this is gone (null when nothing was removed). */
  removedBefore: Date | null;
}

export interface RemoveRowsRequest {
  table: string;
  timeColumn: string;
  /** Every matching row has time < olderThan (it bounds the chunks visited). */
  olderThan: Date;
  /** Further condition on the rows to remove. */
  where?: RowPredicate;
  archive?: ArchiveTableWriter;
  batchSize: number;
}

export interface RetentionStrategy {
  readonly name: 'drop_chunks' | 'batched_delete';
  /**
   * Removes the rows with time < olderThan. Hypertables lose only chunks that
   * lie wholly before it, so rows can outlive the cutoff by up to one chunk
   * interval; tables lose exactly the rows before it.
   */
  removeOlderThan(request: Omit<RemoveRowsRequest, 'where'>): Promise<RemovalResult>;
  /** Removes the rows matching `where` with time < olderThan, in bounded batches. */
  removeRows(request: RemoveRowsRequest): Promise<RemovalResult>;
}

export function retentionStrategyFor(storage: Storage): RetentionStrategy {
  return storage.capabilities.timescale ? new ChunkDropStrategy(storage) : new BatchedDeleteStrategy(storage);
}

export const NOTHING_REMOVED: RemovalResult = { chunksDropped: 0, rowsDeleted: 0, removedBefore: null };
