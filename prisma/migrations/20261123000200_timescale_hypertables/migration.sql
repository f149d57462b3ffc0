-- TimescaleDB: install the extension where the server offers it, turn the
-- time-series tables into hypertables, and (timescale license only) enable
-- compression with its policies and the default retention policies.
-- Every step is guarded, so the same migration succeeds on TimescaleDB, on
-- TimescaleDB apache-only (hypertables, no compression or policies) and on
-- plain PostgreSQL (no change at all).
-- Retention intervals here are the configuration defaults; the retention
-- package re-aligns the policies with the configured values at run time.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    CREATE EXTENSION timescaledb;
  END IF;
END
$$;

DO $$
DECLARE
  license text := ag_storage.timescale_license();
BEGIN
  IF license IS NULL THEN
    RAISE NOTICE 'ag-storage: TimescaleDB not installed, time-series tables stay plain tables';
    RETURN;
  END IF;

  PERFORM create_hypertable('metric_points', by_range('time', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('events',        by_range('time', INTERVAL '7 days'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('fills',         by_range('time', INTERVAL '7 days'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('positions',     by_range('time', INTERVAL '7 days'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('candles',       by_range('time', INTERVAL '30 days'), if_not_exists => true, migrate_data => true);

  IF license <> 'timescale' THEN
    RAISE NOTICE 'ag-storage: TimescaleDB % license, no compression or policies', license;
    RETURN;
  END IF;

  ALTER TABLE metric_points SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
  ALTER TABLE events        SET (timescaledb.compress, timescaledb.compress_segmentby = 'kind', timescaledb.compress_orderby = 'time DESC');
  ALTER TABLE fills         SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, market', timescaledb.compress_orderby = 'time DESC');
  ALTER TABLE positions     SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, market', timescaledb.compress_orderby = 'time DESC');
  ALTER TABLE candles       SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, symbol, timeframe', timescaledb.compress_orderby = 'time DESC');

  PERFORM add_compression_policy('metric_points', INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('events',        INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('fills',         INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('positions',     INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('candles',       INTERVAL '7 days', if_not_exists => true);

  PERFORM add_retention_policy('metric_points', INTERVAL '90 days',  if_not_exists => true);
  PERFORM add_retention_policy('fills',         INTERVAL '365 days', if_not_exists => true);
  PERFORM add_retention_policy('positions',     INTERVAL '365 days', if_not_exists => true);
END
$$;
