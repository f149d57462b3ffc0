// The crash-safe spool of the buffered pipeline (items of any type, laid out
// by the owner's SpoolItemCodec): every accepted item is
// appended to a segment file before it is acknowledged, and acknowledgements
// wait for the fsync that covers them (group commit: one fsync per
// `fsyncIntervalMs` covers every point appended meanwhile). Points are
// numbered in acceptance order; a segment covers a range of those numbers
// and is deleted once it is closed and the database holds all of them.
// Segments left by an earlier process are handed to the replay.

import { mkdir, open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../errors/storage-error.js';
import type { Logger } from '../logging/logger.js';
import type { IngestStageStats } from './ingest-stage-stats.js';
import { acquireSpoolLock, type SpoolLock } from './spool-lock.js';
import { decodeSegment, SEGMENT_MAGIC, SpoolRecordBuffer, type DecodedSegment, type SpoolItemCodec } from './spool-record-codec.js';

export interface IngestSpoolOptions<T> {
  /** Names the pipeline in errors and logs ("metrics", "trades"). */
  label: string;
  codec: SpoolItemCodec<T>;
  directory: string;
  fsyncIntervalMs: number;
  segmentBytes: number;
  logger: Logger;
}

/** A segment file written by an earlier process, waiting to be replayed. */
export interface PendingSegment {
  number: number;
  path: string;
}

interface LiveSegment extends PendingSegment {
  firstSequence: number;
  endSequence: number;
  /** Points of this segment the database holds. */
  written: number;
  /** Size once everything appended is on disk. */
  bytes: number;
  unflushed: Buffer[];
  handle: FileHandle | undefined;
  /** Takes no more points. */
  sealed: boolean;
  /** Sealed, and every byte on disk with the file closed (or never created). */
  finished: boolean;
  deleted: boolean;
}

interface Commit {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

const SEGMENT_FILE = /^segment-(\d{12})\.spool$/;

export function segmentFileName(number: number): string {
  return `segment-${String(number).padStart(12, '0')}.spool`;
}

export class IngestSpool<T> {
  private readonly records: SpoolRecordBuffer<T>;
  private readonly live: LiveSegment[] = [];
  private readonly deletions = new Set<Promise<void>>();
  private current: LiveSegment;
  private nextSequence = 0;
  private commit = newCommit();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private firstUnsyncedAt = 0;
  private failure: StorageError | undefined;
  private closed = false;

  private constructor(
    private readonly options: IngestSpoolOptions<T>,
    private readonly stats: IngestStageStats,
    private readonly lock: SpoolLock,
    /** Segments of earlier processes, oldest first. */
    readonly pending: PendingSegment[],
  ) {
    this.records = new SpoolRecordBuffer(options.codec);
    const last = pending.at(-1)?.number ?? 0;
    this.current = this.newSegment(last + 1);
    stats.spooledSegments = pending.length;
  }

  /** Takes the directory's lock and lists what earlier processes left. */
  static async open<T>(options: IngestSpoolOptions<T>, stats: IngestStageStats): Promise<IngestSpool<T>> {
    const directory = path.resolve(options.directory);
    try {
      await mkdir(directory, { recursive: true });
    } catch (error) {
      throw new StorageError(`cannot create the ${options.label} spool directory ${directory}: ${(error as Error).message}`, { cause: error });
    }
    const lock = await acquireSpoolLock(directory, options.label);
    if (lock.tookOverFromPid !== undefined) {
      options.logger.warn({ directory, previousPid: lock.tookOverFromPid }, `${options.label} spool: took over the lock of a process that is gone`);
    }
    const pending = (await readdir(directory))
      .map((name) => ({ name, match: SEGMENT_FILE.exec(name) }))
      .filter((f) => f.match)
      .map((f) => ({ number: Number(f.match?.[1]), path: path.join(directory, f.name) }))
      .sort((a, b) => a.number - b.number);
    return new IngestSpool({ ...options, directory }, stats, lock, pending);
  }

  get directory(): string {
    return this.options.directory;
  }

  /**
   * Appends the points (in acceptance order, numbered on from the last call)
   * and resolves once they are on disk.
   */
  append(points: readonly T[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StorageError(`the ${this.options.label} spool ${this.directory} is closed`));
    const segment = this.current;
    if (this.records.length === 0) this.firstUnsyncedAt = performance.now();
    segment.bytes += this.records.append(points);
    segment.endSequence += points.length;
    this.nextSequence += points.length;
    this.stats.spooledPoints += points.length;
    const commit = this.commit;
    if (segment.bytes >= this.options.segmentBytes) {
      this.sealCurrent();
      this.current = this.newSegment(segment.number + 1);
    }
    this.scheduleCommit();
    return commit.promise;
  }

  /** The database holds points first..first+count-1 (or gave up on them for good). */
  markWritten(firstSequence: number, count: number): void {
    const end = firstSequence + count;
    for (const segment of [...this.live]) {
      const overlap = Math.min(end, segment.endSequence) - Math.max(firstSequence, segment.firstSequence);
      if (overlap <= 0) continue;
      segment.written += overlap;
      this.deleteIfDone(segment);
    }
  }

  /** The points an earlier process left in a segment. */
  async readPending(segment: PendingSegment): Promise<DecodedSegment<T>> {
    return decodeSegment(await readFile(segment.path), this.options.codec);
  }

  /** Deletes a replayed segment. */
  async removePending(segment: PendingSegment): Promise<void> {
    await unlink(segment.path);
    this.stats.spooledSegments -= 1;
  }

  /**
   * Writes out what is still buffered, deletes the segments the database
   * holds in full and releases the lock. Segments with points not yet
   * written stay for the next process to replay.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sealCurrent();
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.committing?.catch(() => undefined);
    await this.runCommit().catch(() => undefined);
    await Promise.all(this.deletions);
    const left = this.live.filter((s) => !s.deleted && s.endSequence > s.firstSequence);
    if (left.length > 0) {
      this.options.logger.warn(
        { directory: this.directory, segments: left.length },
        `${this.options.label} spool closed with items not yet written; the next start replays them`,
      );
    }
    await this.lock.release();
  }

  private newSegment(number: number): LiveSegment {
    const segment: LiveSegment = {
      number,
      path: path.join(this.options.directory, segmentFileName(number)),
      firstSequence: this.nextSequence,
      endSequence: this.nextSequence,
      written: 0,
      bytes: SEGMENT_MAGIC.length,
      unflushed: [],
      handle: undefined,
      sealed: false,
      finished: false,
      deleted: false,
    };
    this.live.push(segment);
    return segment;
  }

  private sealCurrent(): void {
    const segment = this.current;
    if (this.records.length > 0) segment.unflushed.push(this.records.take());
    segment.sealed = true;
    if (segment.endSequence === segment.firstSequence && !segment.handle) {
      // Nothing was ever appended: there is no file.
      segment.finished = true;
      this.deleteIfDone(segment);
    }
  }

  private scheduleCommit(): void {
    if (this.commitTimer || this.committing) return;
    const waited = performance.now() - this.firstUnsyncedAt;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.runCommit().catch(() => undefined);
    }, Math.max(0, this.options.fsyncIntervalMs - waited));
  }

  /** Writes and fsyncs everything appended so far, then acknowledges it. */
  private runCommit(): Promise<void> {
    const run = this.writeOutAll().finally(() => {
      this.committing = undefined;
      if (this.hasUnwritten() && !this.closed) this.scheduleCommit();
    });
    this.committing = run;
    return run;
  }

  private async writeOutAll(): Promise<void> {
    const acknowledged = this.commit;
    this.commit = newCommit();
    if (this.records.length > 0) this.current.unflushed.push(this.records.take());
    try {
      if (this.failure) throw this.failure;
      for (const segment of [...this.live]) {
        if (segment.unflushed.length > 0 || (segment.sealed && !segment.finished)) await this.writeOut(segment);
      }
      this.stats.spoolFsyncs += 1;
      acknowledged.resolve();
    } catch (error) {
      this.failure ??=
        error instanceof StorageError
          ? error
          : new StorageError(`cannot write the ${this.options.label} spool ${this.directory}: ${(error as Error).message}`, { cause: error });
      this.options.logger.error({ err: this.failure, directory: this.directory }, `${this.options.label} spool write failed; items are no longer acknowledged`);
      acknowledged.reject(this.failure);
      this.commit.reject(this.failure);
      throw this.failure;
    }
  }

  private async writeOut(segment: LiveSegment): Promise<void> {
    let created = false;
    if (!segment.handle && !segment.finished) {
      segment.handle = await open(segment.path, 'wx');
      await writeFully(segment.handle, SEGMENT_MAGIC);
      created = true;
      this.stats.spooledSegments += 1;
    }
    const handle = segment.handle as FileHandle;
    for (const chunk of segment.unflushed.splice(0)) await writeFully(handle, chunk);
    await handle.datasync();
    // A new file's name is durable once its directory is synced.
    if (created) await syncDirectory(this.options.directory);
    // Sealed meanwhile with a last chunk still to write: the next commit closes it.
    if (segment.sealed && segment.unflushed.length === 0) {
      await handle.close();
      segment.handle = undefined;
      segment.finished = true;
      this.deleteIfDone(segment);
    }
  }

  private hasUnwritten(): boolean {
    return this.records.length > 0 || this.live.some((s) => s.unflushed.length > 0 || (s.sealed && !s.finished));
  }

  private deleteIfDone(segment: LiveSegment): void {
    if (!segment.finished || segment.deleted || segment.written < segment.endSequence - segment.firstSequence) return;
    segment.deleted = true;
    this.live.splice(this.live.indexOf(segment), 1);
    if (segment.endSequence === segment.firstSequence) return;
    // Counted off as the deletion starts, so the figure never lags behind the
    // directory; a deletion that fails puts it back.
    this.stats.spooledSegments -= 1;
    const deletion = unlink(segment.path).catch((error: unknown) => {
      this.stats.spooledSegments += 1;
      this.options.logger.warn({ err: error, file: segment.path }, `${this.options.label} spool: could not delete a written segment`);
    });
    this.deletions.add(deletion);
    void deletion.finally(() => this.deletions.delete(deletion));
  }
}

function newCommit(): Commit {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A commit nobody waits for may fail: that is not an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

async function writeFully(handle: FileHandle, bytes: Buffer): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
