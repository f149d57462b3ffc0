// Retention on plain PostgreSQL: there are no chunks, so old rows are
// deleted in bounded batches (see batched-delete.ts), exactly at the cutoff.

import type { Storage } from '@ag/storage-core';
import { deleteInCtidBatches } from './batched-delete.js';
import type { RemovalResult, RemoveRowsRequest, RetentionStrategy } from './retention-strategy.js';

export class BatchedDeleteStrategy implements RetentionStrategy {
  readonly name = 'batched_delete' as const;

  constructor(private readonly storage: Storage) {}

  removeOlderThan(request: Omit<RemoveRowsRequest, 'where'>): Promise<RemovalResult> {
    return this.removeRows(request);
  }

  async removeRows(request: RemoveRowsRequest): Promise<RemovalResult> {
    const rowsDeleted = await deleteInCtidBatches(this.storage, request);
    return { chunksDropped: 0, rowsDeleted, removedBefore: rowsDeleted > 0 ? request.olderThan : null };
  }
}
