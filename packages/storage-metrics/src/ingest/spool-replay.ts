// Replays the segments an earlier process left in the spool, oldest first,
// through the pipeline's writer (so retries and dead letters apply as to any
// batch). Points already stored come back as duplicates and are not doubled;
// a segment is deleted once every batch of it is done. One segment is held
// in memory at a time.

import type { Logger } from '@ag/storage-core';
import type { BatchOutcome } from './batch-writer.js';
import type { IngestStats } from './ingest-stats.js';
import type { SealedBatch } from './point-batcher.js';
import type { PointSpool } from './point-spool.js';

export interface SpoolReplayOptions {
  batchSize: number;
  submit: (batch: SealedBatch) => Promise<BatchOutcome>;
  logger: Logger;
  stats: IngestStats;
}

/** Never rejects: a segment that cannot be read is logged and left for the next start. */
export async function replaySpoolSegments(spool: PointSpool, options: SpoolReplayOptions): Promise<void> {
  const { logger, stats } = options;
  if (spool.pending.length === 0) return;
  logger.info({ directory: spool.directory, segments: spool.pending.length }, 'metrics spool: replaying points left by an earlier process');
  const started = performance.now();
  let points = 0;
  let persisted = 0;
  for (const segment of spool.pending) {
    try {
      const decoded = await spool.readPending(segment);
      if (decoded.foreign) {
        logger.warn({ file: segment.path }, 'metrics spool: not a spool segment (wrong magic); left in place and ignored');
        continue;
      }
      if (decoded.corruptRecords > 0) {
        logger.warn({ file: segment.path, corruptRecords: decoded.corruptRecords }, 'metrics spool: records with a bad checksum skipped');
      }
      if (decoded.tornTailBytes > 0) {
        logger.info({ file: segment.path, tornTailBytes: decoded.tornTailBytes }, 'metrics spool: incomplete last write ignored (never acknowledged)');
      }
      const outcomes: Promise<BatchOutcome>[] = [];
      for (let from = 0; from < decoded.points.length; from += options.batchSize) {
        const batch = decoded.points.slice(from, from + options.batchSize);
        outcomes.push(options.submit({ points: batch, acceptedAt: performance.now(), firstSequence: -1, replayed: true }));
      }
      const done = await Promise.all(outcomes);
      const segmentPersisted = done.reduce((sum, o) => sum + o.persisted, 0);
      await spool.removePending(segment);
      stats.replayedPoints += decoded.points.length;
      stats.replayedSegments += 1;
      stats.spoolCorruptRecords += decoded.corruptRecords;
      points += decoded.points.length;
      persisted += segmentPersisted;
      logger.debug({ file: segment.path, points: decoded.points.length, persisted: segmentPersisted }, 'metrics spool: segment replayed');
    } catch (error) {
      logger.error({ err: error, file: segment.path }, 'metrics spool: segment could not be replayed; left for the next start');
    }
  }
  logger.info(
    { directory: spool.directory, points, persisted, durationMs: Math.round(performance.now() - started) },
    'metrics spool: replay done (persisted = inserted + already stored)',
  );
}
