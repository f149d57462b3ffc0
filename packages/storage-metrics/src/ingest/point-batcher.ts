// The first stage of the buffered pipeline: collects accepted points into
// batches of `batchSize` (or whatever arrived within `flushIntervalMs`) and
// hands each sealed batch to the writer. It also owns the buffer's capacity:
// a point holds a reservation from acceptance until its batch is written, so
// at most `maxBufferSize` points are ever held in memory. Producers that find
// the buffer full wait in FIFO order, and give up with a BackpressureError
// after `backpressureTimeoutMs`.

import { BackpressureError, StorageError, ValidationError } from '@ag/storage-core';
import type { NormalizedPoint } from '../metric-point.js';
import type { IngestStats } from './ingest-stats.js';

export interface BatcherOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxBufferSize: number;
  backpressureTimeoutMs: number;
}

/** A sealed batch on its way to the database. */
export interface SealedBatch {
  points: NormalizedPoint[];
  /** When its first point was accepted (performance.now()). */
  acceptedAt: number;
}

interface Waiter {
  points: NormalizedPoint[];
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class PointBatcher {
  private current: NormalizedPoint[] = [];
  private currentAcceptedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly options: BatcherOptions,
    private readonly stats: IngestStats,
    private readonly seal: (batch: SealedBatch) => void,
  ) {}

  /** Resolves once every point is accepted; waits while the buffer is full. */
  accept(points: NormalizedPoint[]): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('the metrics buffer is closed', { code: 'STORAGE' }));
    if (points.length > this.options.maxBufferSize) {
      return Promise.reject(
        new ValidationError('points', points, `${points.length} points exceed ingestion.max_buffer_size (${this.options.maxBufferSize})`),
      );
    }
    if (this.waiters.length === 0 && this.stats.bufferDepth + points.length <= this.options.maxBufferSize) {
      this.take(points);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { points, resolve, reject, timer: undefined };
      const timeoutMs = this.options.backpressureTimeoutMs;
      waiter.timer = setTimeout(() => this.giveUp(waiter), timeoutMs);
      this.waiters.push(waiter);
      this.stats.waitingProducers = this.waiters.length;
    });
  }

  /** Returns capacity when a batch is done (written or given up on). */
  release(count: number): void {
    this.stats.bufferDepth -= count;
    while (this.waiters.length > 0) {
      const next = this.waiters[0] as Waiter;
      if (this.stats.bufferDepth + next.points.length > this.options.maxBufferSize) break;
      this.waiters.shift();
      clearTimeout(next.timer);
      this.take(next.points);
      next.resolve();
    }
    this.stats.waitingProducers = this.waiters.length;
  }

  /** Seals whatever is in the current batch now. */
  sealCurrent(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.current.length === 0) return;
    const batch: SealedBatch = { points: this.current, acceptedAt: this.currentAcceptedAt };
    this.current = [];
    this.seal(batch);
  }

  /** Producers still waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Refuses new points from now on; producers already waiting keep their place. */
  close(): void {
    this.closed = true;
  }

  private take(points: NormalizedPoint[]): void {
    this.stats.bufferDepth += points.length;
    this.stats.accepted += points.length;
    for (const point of points) {
      if (this.current.length === 0) {
        this.currentAcceptedAt = performance.now();
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.sealCurrent();
        }, this.options.flushIntervalMs);
      }
      this.current.push(point);
      if (this.current.length >= this.options.batchSize) this.sealCurrent();
    }
  }

  private giveUp(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    this.stats.waitingProducers = this.waiters.length;
    this.stats.backpressureRejections += 1;
    waiter.reject(
      new BackpressureError(
        `the metrics buffer stayed full (${this.stats.bufferDepth} of ${this.options.maxBufferSize} points) for ${this.options.backpressureTimeoutMs} ms`,
      ),
    );
    // A large waiter leaving may let smaller ones behind it in.
    this.release(0);
  }
}
