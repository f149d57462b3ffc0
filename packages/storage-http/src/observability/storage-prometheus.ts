// GET /metrics: the storage layer's own figures in the Prometheus text
// format (prom-client, a registry per server), all named ag_storage_*:
//
//   ingest      points accepted / written / duplicates, failed flushes, dead
//               letters, backpressure rejections, flushes (counters); buffer
//               depth, waiting producers, ingest lag, points per second
//               (gauges); flush duration (histogram)
//   queries     duration of the API's storage queries per route (histogram)
//   pool        connections total / idle / waiting / max
//   lifecycle   scheduler task failures; TimescaleDB jobs healthy / unhealthy
//   storage     bytes per table, compression before/after bytes
//
// The ingest counters come from StorageEngine.stats(); the flush-duration
// histogram observes every batch written, through StorageEngine.onFlush (its
// _count moves with ag_storage_ingest_flushes_total). A 100 ms sampler only
// derives the points-per-second gauge.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StorageOverviewCache } from '@ag/storage-services';
import type { StorageServices } from '@ag/storage-services';

export interface StoragePrometheus {
  registry: Registry;
  /** Records one storage query made for an API route. */
  observeQuery(route: string, seconds: number): void;
  stop(): void;
}

const SAMPLE_EVERY_MS = 100;

export function createStoragePrometheus(services: StorageServices, overview: StorageOverviewCache): StoragePrometheus {
  const registry = new Registry();
  const stats = () => services.metrics.stats();

  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });

  counter('ag_storage_ingest_points_accepted_total', 'Points accepted by the buffered ingest pipeline', () => stats().accepted);
  counter('ag_storage_ingest_points_written_total', 'Points newly stored (buffered and direct writes)', () => stats().written);
  counter('ag_storage_ingest_points_duplicate_total', 'Points already stored or repeated within a batch', () => stats().duplicates);
  counter('ag_storage_ingest_flushes_total', 'Batches written by the ingest pipeline', () => stats().flushes);
  counter('ag_storage_ingest_failed_flushes_total', 'Batch writes that failed (each retry counts)', () => stats().failedFlushes);
  counter('ag_storage_ingest_dead_lettered_total', 'Points given up on after a non-retryable error', () => stats().deadLettered);
  counter('ag_storage_ingest_backpressure_rejections_total', 'Producers rejected with BackpressureError', () => stats().backpressureRejections);
  counter('ag_storage_ingest_spooled_points_total', 'Points appended to the crash-safe spool (ingestion.spool_directory)', () => stats().spooledPoints);
  counter('ag_storage_ingest_spool_fsyncs_total', 'Group commits (fsyncs) of the spool', () => stats().spoolFsyncs);
  counter('ag_storage_ingest_replayed_points_total', 'Points replayed from the spool at start', () => stats().replayedPoints);
  counter('ag_storage_ingest_spool_corrupt_records_total', 'Spool records skipped at replay for a bad checksum', () => stats().spoolCorruptRecords);
  gauge('ag_storage_ingest_spool_segments', 'Spool segment files on disk', () => stats().spooledSegments);
  gauge('ag_storage_ingest_buffer_depth', 'Points accepted and not yet written', () => stats().bufferDepth);
  gauge('ag_storage_ingest_waiting_producers', 'Producers waiting for room in the buffer', () => stats().waitingProducers);
  gauge('ag_storage_ingest_lag_seconds', 'Acceptance-to-commit time of the last batch written', () => stats().ingestLagMs / 1000);

  const flushDuration = new Histogram({
    name: 'ag_storage_ingest_flush_duration_seconds',
    help: 'Duration of batch writes (every batch written by the ingest pipeline)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const stopObservingFlushes = services.metrics.onFlush((event) => {
    if (event.outcome === 'written') flushDuration.observe(event.latencyMs / 1000);
  });
  let rate = 0;
  let last = { flushes: stats().flushes, stored: stats().written + stats().duplicates, at: performance.now() };
  let window = { stored: last.stored, at: last.at };
  const sampler = setInterval(() => {
    const s = stats();
    const now = performance.now();
    last = { flushes: s.flushes, stored: s.written + s.duplicates, at: now };
    if (now - window.at >= 1_000) {
      rate = ((last.stored - window.stored) * 1000) / (now - window.at);
      window = { stored: last.stored, at: now };
    }
  }, SAMPLE_EVERY_MS);
  sampler.unref();
  gauge('ag_storage_ingest_rate_points_per_second', 'Points stored per second over the last second', () => rate);

  const queryDuration = new Histogram({
    name: 'ag_storage_query_duration_seconds',
    help: 'Duration of API requests that read storage, by route',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: 'ag_storage_pool_connections',
    help: 'Database connections by state (embedded: one connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = services.storage.engine.poolStats();
      for (const [state, value] of Object.entries(pool)) this.set({ state }, value);
    },
  });

  gauge('ag_storage_lifecycle_task_failures', 'Lifecycle scheduler tasks that failed (the last 100 kept)', () => services.scheduler?.failures.length ?? 0);

  new Gauge({
    name: 'ag_storage_timescale_jobs',
    help: 'TimescaleDB jobs by health (paused, failed or overdue jobs are unhealthy)',
    labelNames: ['health'],
    registers: [registry],
    async collect() {
      const jobs = (await overview.get()).jobs;
      this.set({ health: 'healthy' }, jobs.filter((j) => j.healthy).length);
      this.set({ health: 'unhealthy' }, jobs.filter((j) => !j.healthy).length);
    },
  });
  new Gauge({
    name: 'ag_storage_table_bytes',
    help: 'Total bytes per table (indexes and TOAST included)',
    labelNames: ['table'],
    registers: [registry],
    async collect() {
      for (const table of (await overview.get()).tables) this.set({ table: table.table }, table.totalBytes);
    },
  });
  new Gauge({
    name: 'ag_storage_compression_bytes',
    help: 'Bytes of the compressed chunks before and after compression, per hypertable',
    labelNames: ['table', 'state'],
    registers: [registry],
    async collect() {
      for (const t of (await overview.get()).compression.tables) {
        this.set({ table: t.table, state: 'before' }, t.bytesBeforeCompression);
        this.set({ table: t.table, state: 'after' }, t.bytesAfterCompression);
      }
    },
  });

  return {
    registry,
    observeQuery: (route, seconds) => queryDuration.observe({ route }, seconds),
    stop: () => {
      clearInterval(sampler);
      stopObservingFlushes();
    },
  };
}
