// The configuration keys this package added to the ingestion and query
// sections (the spool's included): defaults, environment overrides, and refusals.

import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from '@ag/storage-core';

describe('metrics configuration', () => {
  it('has defaults for every metrics key', () => {
    const config = loadConfig({ env: {} });
    expect(config.ingestion).toMatchObject({
      writer_concurrency: 2,
      max_batch_points: 1_000_000,
      series_cache_size: 100_000,
      max_metric_name_length: 200,
      max_label_count: 32,
      max_label_name_length: 128,
      max_label_value_length: 1024,
      max_labels_size_bytes: 2048,
    });
    expect(config.query).toMatchObject({ cache_max_entries: 1000, stream_page_size: 5000, route_to_rollups: true });
  });

  it('leaves the spool off by default, with group commit every 20 ms and 8 MiB segments when it is on', () => {
    const config = loadConfig({ env: {} });
    expect(config.ingestion.spool_directory).toBeUndefined();
    expect(config.ingestion).toMatchObject({ spool_fsync_interval_ms: 20, spool_segment_bytes: 8 * 1024 * 1024 });
  });

  it('reads the spool keys from the environment', () => {
    const config = loadConfig({
      env: {
        AG_STORAGE_INGESTION_SPOOL_DIRECTORY: '/var/lib/bot/spool',
        AG_STORAGE_INGESTION_SPOOL_FSYNC_INTERVAL_MS: '5',
        AG_STORAGE_INGESTION_SPOOL_SEGMENT_BYTES: '1048576',
      },
    });
    expect(config.ingestion).toMatchObject({ spool_directory: '/var/lib/bot/spool', spool_fsync_interval_ms: 5, spool_segment_bytes: 1_048_576 });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      env: { AG_STORAGE_INGESTION_SERIES_CACHE_SIZE: '500', AG_STORAGE_QUERY_ROUTE_TO_ROLLUPS: 'false' },
    });
    expect([config.ingestion.series_cache_size, config.query.route_to_rollups]).toEqual([500, false]);
  });

  it.each([
    [{ ingestion: { max_labels_size_bytes: 5000 } }, 'ingestion.max_labels_size_bytes'],
    [{ ingestion: { writer_concurrency: 0 } }, 'ingestion.writer_concurrency'],
    [{ ingestion: { max_label_count: -1 } }, 'ingestion.max_label_count'],
    [{ ingestion: { spool_directory: '' } }, 'ingestion.spool_directory'],
    [{ ingestion: { spool_directory: 7 } }, 'ingestion.spool_directory'],
    [{ ingestion: { spool_fsync_interval_ms: -1 } }, 'ingestion.spool_fsync_interval_ms'],
    [{ ingestion: { spool_fsync_interval_ms: 2.5 } }, 'ingestion.spool_fsync_interval_ms'],
    [{ ingestion: { spool_segment_bytes: 100 } }, 'ingestion.spool_segment_bytes'],
    [{ query: { stream_page_size: 0 } }, 'query.stream_page_size'],
    [{ query: { route_to_rollups: 'yes' } }, 'query.route_to_rollups'],
  ])('refuses %j naming the key', (overrides, key) => {
    let caught: unknown;
    try {
      loadConfig({ env: {}, overrides: overrides as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).field).toBe(key);
  });
});
