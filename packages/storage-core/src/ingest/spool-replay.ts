// Replays the segments an earlier process left in the spool, oldest first,
// through the pipeline's writer (so retries and dead letters apply as to any
// batch). Points already stored come back as duplicates and are not doubled;
// a segment is deleted once every batch of it is done. One segment is held
// in memory at a time.

import type { Logger } from '../logging/logger.js';
import type { BatchOutcome } from './batch-writer.js';
import type { IngestSpool } from './ingest-spool.js';
import type { IngestStageStats } from './ingest-stage-stats.js';
import type { SealedBatch } from './item-batcher.js';

export interface SpoolReplayOptions<T> {
  label: string;
  batchSize: number;
  submit: (batch: SealedBatch<T>) => Promise<BatchOutcome>;
  logger: Logger;
  stats: IngestStageStats;
}

/** Never rejects: a segment that cannot be read is logged and left for the next start. */
export async function replaySpoolSegments<T>(spool: IngestSpool<T>, options: SpoolReplayOptions<T>): Promise<void> {
  const { logger, stats, label } = options;
  if (spool.pending.length === 0) return;
  logger.info({ directory: spool.directory, segments: spool.pending.length }, `${label} spool: replaying items left by an earlier process`);
  const started = performance.now();
  let points = 0;
  let persisted = 0;
  for (const segment of spool.pending) {
    try {
      const decoded = await spool.readPending(segment);
      if (decoded.foreign) {
        logger.warn({ file: segment.path }, `${label} spool: not a spool segment (wrong magic); left in place and ignored`);
        continue;
      }
      if (decoded.corruptRecords > 0) {
        logger.warn({ file: segment.path, corruptRecords: decoded.corruptRecords }, `${label} spool: records with a bad checksum skipped`);
      }
      if (decoded.tornTailBytes > 0) {
        logger.info({ file: segment.path, tornTailBytes: decoded.tornTailBytes }, `${label} spool: incomplete last write ignored (never acknowledged)`);
      }
      const outcomes: Promise<BatchOutcome>[] = [];
      for (let from = 0; from < decoded.items.length; from += options.batchSize) {
        const batch = decoded.items.slice(from, from + options.batchSize);
        outcomes.push(options.submit({ points: batch, acceptedAt: performance.now(), firstSequence: -1, replayed: true }));
      }
      const done = await Promise.all(outcomes);
      const segmentPersisted = done.reduce((sum, o) => sum + o.persisted, 0);
      await spool.removePending(segment);
      stats.replayedPoints += decoded.items.length;
      stats.replayedSegments += 1;
      stats.spoolCorruptRecords += decoded.corruptRecords;
      points += decoded.items.length;
      persisted += segmentPersisted;
      logger.debug({ file: segment.path, points: decoded.items.length, persisted: segmentPersisted }, `${label} spool: segment replayed`);
    } catch (error) {
      logger.error({ err: error, file: segment.path }, `${label} spool: segment could not be replayed; left for the next start`);
    }
  }
  logger.info(
    { directory: spool.directory, points, persisted, durationMs: Math.round(performance.now() - started) },
    `${label} spool: replay done (persisted = inserted + already stored)`,
  );
}
