-- ag-storage:no-transaction
-- Hierarchical rollups (issue #13): where metrics_hourly and metrics_daily
-- are continuous aggregates (timescale license) on TimescaleDB 2.9 or later,
-- metrics_daily is rebuilt as a continuous aggregate on metrics_hourly
-- instead of on the raw metric_points: a day is the sum of its 24 hours, so
-- a refresh reads 24 rows per series and day instead of every point, and a
-- daily answer always equals the hourly one. It keeps what hourly rows
-- combine into exactly (count, sum, avg = sum / count, min, max, first,
-- last); stddev and the percentiles are read from metrics_hourly (or the raw
-- points), as the metrics library already does at every width.
--
-- Nothing is lost: the rebuild happens only when every day of metrics_daily
-- that the raw points no longer cover whole (retention dropped them) holds
-- the same number of points as its hours in metrics_hourly. Otherwise (the
-- hourly rows of old days are gone, or late points reached the daily rollup
-- and never the hourly one) the flat metrics_daily stays, with a NOTICE
-- saying why; answers are correct either way. The grants, refresh policy and
-- retention policy of the old metrics_daily are carried over as they were
-- (the retention package may have changed the migration's defaults).
--
-- ag_storage.rollups.built_on names the rollup a rollup is computed from
-- (NULL: its source table): listRollups() orders a rollup after the one it is
-- built on, so a refresh of everything refreshes hours before days.
-- source_table stays the raw table, so refreshing the rollups of
-- metric_points still refreshes both. The trade candles of 20261202200000_ticks
-- are hierarchical continuous aggregates already and are registered so too.
--
-- Outside a transaction: a continuous aggregate created WITH NO DATA shows
-- nothing below its watermark that no refresh has materialized, and the first
-- refresh policy run moves the watermark to yesterday, so the history is
-- materialized here, by the second statement (refresh_continuous_aggregate
-- may not run inside a transaction). The first statement alone changes the
-- schema and is atomic; both are safe to run again after a failure.
-- Elsewhere (rollup tables: plain PostgreSQL, apache-only TimescaleDB) only
-- the registry column is added.

DO $$
DECLARE
  ts_version text := (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb');
  hourly_mat integer;
  daily_mat integer;
  daily_raw integer;
  raw_hypertable integer;
  oldest_raw timestamptz;
  unmatched bigint;
  grants text[];
  refresh_config jsonb;
  refresh_schedule interval;
  retention_config jsonb;
  retention_schedule interval;
  statement text;
BEGIN
  ALTER TABLE ag_storage.rollups ADD COLUMN IF NOT EXISTS built_on TEXT;
  UPDATE ag_storage.rollups SET built_on = 'trade_candles_1m' WHERE view_name = 'trade_candles_1h' AND kind = 'continuous_aggregate';
  UPDATE ag_storage.rollups SET built_on = 'trade_candles_1h' WHERE view_name = 'trade_candles_1d' AND kind = 'continuous_aggregate';

  IF NOT coalesce(ag_storage.timescale_license() = 'timescale', false)
     OR NOT EXISTS (SELECT 1 FROM ag_storage.rollups WHERE view_name = 'metrics_daily' AND kind = 'continuous_aggregate') THEN
    RETURN;
  END IF;
  IF string_to_array(split_part(ts_version, '-', 1), '.')::int[] < ARRAY[2, 9] THEN
    RAISE NOTICE 'ag-storage: TimescaleDB % has no continuous aggregates on continuous aggregates (2.9 or later); metrics_daily stays built on metric_points', ts_version;
    RETURN;
  END IF;

  SELECT mat_hypertable_id INTO hourly_mat FROM _timescaledb_catalog.continuous_agg
   WHERE user_view_schema = 'public' AND user_view_name = 'metrics_hourly';
  SELECT mat_hypertable_id, raw_hypertable_id INTO daily_mat, daily_raw FROM _timescaledb_catalog.continuous_agg
   WHERE user_view_schema = 'public' AND user_view_name = 'metrics_daily';
  SELECT id INTO raw_hypertable FROM _timescaledb_catalog.hypertable WHERE schema_name = 'public' AND table_name = 'metric_points';
  IF daily_raw = hourly_mat THEN
    UPDATE ag_storage.rollups SET built_on = 'metrics_hourly' WHERE view_name = 'metrics_daily';
    RETURN;
  END IF;
  IF hourly_mat IS NULL OR daily_raw IS DISTINCT FROM raw_hypertable THEN
    RAISE NOTICE 'ag-storage: metrics_daily or metrics_hourly is not the continuous aggregate on metric_points this migration expects; metrics_daily left as it is';
    RETURN;
  END IF;

  -- Days the raw points no longer cover whole can only be rebuilt from their
  -- hours: each must hold as many points there as in metrics_daily.
  oldest_raw := (SELECT min(time) FROM metric_points);
  SELECT count(*) INTO unmatched
    FROM metrics_daily d
    LEFT JOIN (SELECT time_bucket(INTERVAL '1 day', bucket) AS day, series_id, sum(count) AS points
                 FROM metrics_hourly
                WHERE bucket < coalesce(oldest_raw, 'infinity'::timestamptz)
                GROUP BY 1, series_id) h
      ON h.day = d.bucket AND h.series_id = d.series_id
   WHERE d.bucket < coalesce(oldest_raw, 'infinity'::timestamptz)
     AND h.points IS DISTINCT FROM d.count;
  IF unmatched > 0 THEN
    RAISE NOTICE 'ag-storage: % (series, day) rows of metrics_daily predate the raw points and differ from their hours in metrics_hourly (hourly rows removed by retention, or late points); metrics_daily stays built on metric_points so that none is lost', unmatched;
    RETURN;
  END IF;

  -- What the old view carried: its grants (every role but the owner) and policies.
  grants := ARRAY(
    SELECT format('GRANT %s ON metrics_daily TO %s%s', a.privilege_type,
                  CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
                  CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
      FROM pg_class c
     CROSS JOIN LATERAL aclexplode(c.relacl) a
      LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE c.oid = 'public.metrics_daily'::regclass AND a.grantee <> c.relowner);
  SELECT config, schedule_interval INTO refresh_config, refresh_schedule FROM timescaledb_information.jobs
   WHERE proc_name = 'policy_refresh_continuous_aggregate' AND (config->>'mat_hypertable_id')::int = daily_mat;
  SELECT config, schedule_interval INTO retention_config, retention_schedule FROM timescaledb_information.jobs
   WHERE proc_name = 'policy_retention' AND (config->>'hypertable_id')::int = daily_mat;

  DROP MATERIALIZED VIEW metrics_daily;
  CREATE MATERIALIZED VIEW metrics_daily
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, series_id,
         sum(count)::bigint              AS count,
         sum(sum)                        AS sum,
         sum(sum) / sum(count)::float8   AS avg,
         min(min)                        AS min,
         max(max)                        AS max,
         first(first, bucket)            AS first,
         last(last, bucket)              AS last
  FROM metrics_hourly
  GROUP BY 1, series_id
  WITH NO DATA;

  FOREACH statement IN ARRAY grants LOOP
    EXECUTE statement;
  END LOOP;
  IF refresh_config IS NOT NULL THEN
    PERFORM add_continuous_aggregate_policy('metrics_daily',
      start_offset => (refresh_config->>'start_offset')::interval,
      end_offset => (refresh_config->>'end_offset')::interval,
      schedule_interval => refresh_schedule);
  END IF;
  IF retention_config IS NOT NULL THEN
    PERFORM add_retention_policy('metrics_daily', drop_after => (retention_config->>'drop_after')::interval,
      schedule_interval => retention_schedule);
  END IF;
  UPDATE ag_storage.rollups SET built_on = 'metrics_hourly' WHERE view_name = 'metrics_daily';
END
$$;

-- The history of the rebuilt metrics_daily, from metrics_hourly (a rebuilt
-- view has nothing materialized yet; a flat or already refreshed one is left
-- alone). Up to a day ago, as the refresh policy; later days are real-time.
DO $$
DECLARE
  mat record;
  materialized boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ag_storage.rollups WHERE view_name = 'metrics_daily' AND built_on = 'metrics_hourly' AND kind = 'continuous_aggregate') THEN
    RETURN;
  END IF;
  SELECT materialization_hypertable_schema AS schema_name, materialization_hypertable_name AS table_name INTO mat
    FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'public' AND view_name = 'metrics_daily';
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', mat.schema_name, mat.table_name) INTO materialized;
  IF materialized OR NOT EXISTS (SELECT 1 FROM metrics_hourly) THEN
    RETURN;
  END IF;
  CALL refresh_continuous_aggregate('metrics_daily', NULL, now() - INTERVAL '1 day');
END
$$;
