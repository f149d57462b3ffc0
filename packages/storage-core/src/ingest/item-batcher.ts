// The first stage of the buffered pipeline, for items of any type: collects
// accepted items into batches of `batchSize` (or whatever arrived within
// `flushIntervalMs`) and hands each sealed batch to the writer. It also owns
// the buffer's capacity: an item holds a reservation from acceptance until its
// batch is written, so at most `maxBufferSize` items are ever held in memory.
// Producers that find the buffer full wait in FIFO order, and give up with a
// BackpressureError after `backpressureTimeoutMs`. With a journal (the
// crash-safe spool), an item is acknowledged only once the journal has it on
// disk. Every ITEMS_PER_EVENT_LOOP_TURN items, acceptance waits for one turn
// of the event loop, so a producer awaiting each call never starves I/O.

import { BackpressureError, ClosedError, ValidationError } from '../errors/storage-error.js';
import type { IngestStageStats } from './ingest-stage-stats.js';

/**
 * A producer that awaits each accept() only ever waits for microtasks, so it
 * would keep the event loop from the writers' sockets until the buffer is
 * full (and from the bot's own timers and sockets). Every this many accepted
 * items, accept() resolves after a macrotask turn (setImmediate) instead, so
 * COPY data keeps flowing while the producer runs.
 */
export const ITEMS_PER_EVENT_LOOP_TURN = 256;

export interface BatcherOptions<T> {
  /** Names the pipeline in errors and logs ("metrics", "trades"). */
  label: string;
  /** What one item is called ("points", "trades"): the field of the size error. */
  unit: string;
  batchSize: number;
  flushIntervalMs: number;
  maxBufferSize: number;
  backpressureTimeoutMs: number;
  /** Records points in acceptance order; acceptance waits for the returned promise. */
  journal?: ((items: readonly T[]) => Promise<void>) | undefined;
}

/** A sealed batch on its way to the database. */
export interface SealedBatch<T> {
  points: T[];
  /** When its first point was accepted (performance.now()). */
  acceptedAt: number;
  /** The acceptance number of its first point (points are numbered 0, 1, ... as accepted). */
  firstSequence: number;
  /** Replayed from the spool (not accepted by this process, holds no buffer capacity). */
  replayed?: boolean;
}

interface Waiter<T> {
  points: T[];
  resolve: (acknowledged: Promise<void> | undefined) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

export class ItemBatcher<T> {
  private current: T[] = [];
  private currentAcceptedAt = 0;
  private currentFirstSequence = 0;
  private nextSequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waiters: Waiter<T>[] = [];
  private closed = false;
  /** Items accepted since accept() last resolved through a macrotask turn. */
  private sinceLastTurn = 0;

  constructor(
    private readonly options: BatcherOptions<T>,
    private readonly stats: IngestStageStats,
    private readonly seal: (batch: SealedBatch<T>) => void,
  ) {}

  /** Resolves once every item is accepted; waits while the buffer is full. */
  accept(points: T[]): Promise<void> {
    const { label, unit } = this.options;
    if (this.closed) return Promise.reject(new ClosedError(`the ${label} buffer`));
    if (points.length > this.options.maxBufferSize) {
      return Promise.reject(
        new ValidationError(unit, points, `${points.length} ${unit} exceed ingestion.max_buffer_size (${this.options.maxBufferSize})`),
      );
    }
    if (this.waiters.length === 0 && this.stats.bufferDepth + points.length <= this.options.maxBufferSize) {
      const acknowledged = this.take(points);
      this.sinceLastTurn += points.length;
      if (this.sinceLastTurn < ITEMS_PER_EVENT_LOOP_TURN) return acknowledged ?? Promise.resolve();
      this.sinceLastTurn = 0;
      return new Promise<void>((resolve, reject) => setImmediate(() => (acknowledged ? acknowledged.then(resolve, reject) : resolve())));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter<T> = { points, resolve, reject, timer: undefined };
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
      const next = this.waiters[0] as Waiter<T>;
      if (this.stats.bufferDepth + next.points.length > this.options.maxBufferSize) break;
      this.waiters.shift();
      clearTimeout(next.timer);
      next.resolve(this.take(next.points));
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
    const batch: SealedBatch<T> = { points: this.current, acceptedAt: this.currentAcceptedAt, firstSequence: this.currentFirstSequence };
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

  /** Takes points into the buffer; returns the journal's acknowledgement, if there is a journal. */
  private take(points: T[]): Promise<void> | undefined {
    this.stats.bufferDepth += points.length;
    this.stats.accepted += points.length;
    // Journal first, in the same order as the batches: batch numbering and the journal's agree.
    const acknowledged = this.options.journal?.(points);
    for (const point of points) {
      if (this.current.length === 0) {
        this.currentAcceptedAt = performance.now();
        this.currentFirstSequence = this.nextSequence;
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.sealCurrent();
        }, this.options.flushIntervalMs);
      }
      this.current.push(point);
      this.nextSequence += 1;
      if (this.current.length >= this.options.batchSize) this.sealCurrent();
    }
    return acknowledged;
  }

  private giveUp(waiter: Waiter<T>): void {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return;
    this.waiters.splice(index, 1);
    this.stats.waitingProducers = this.waiters.length;
    this.stats.backpressureRejections += 1;
    waiter.reject(
      new BackpressureError(
        `the ${this.options.label} buffer stayed full (${this.stats.bufferDepth} of ${this.options.maxBufferSize} ${this.options.unit}) for ${this.options.backpressureTimeoutMs} ms`,
      ),
    );
    // A large waiter leaving may let smaller ones behind it in.
    this.release(0);
  }
}
