-- ag-storage:no-transaction
-- Reverts 20261203100000_hierarchical_daily_rollup: metrics_daily built on
-- metric_points again, with every column of 20261123000300_rollups, its
-- grants and policies carried over, its history materialized from the raw
-- points (outside a transaction, as the migration). Only when nothing is
-- lost: a day older than the oldest raw point cannot be recomputed from the
-- raw points, so then metrics_daily stays built on metrics_hourly, with a
-- NOTICE (answers are correct either way). The registry column goes.

DO $$
DECLARE
  daily_mat integer;
  oldest_raw timestamptz;
  grants text[];
  refresh_config jsonb;
  refresh_schedule interval;
  retention_config jsonb;
  retention_schedule interval;
  statement text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ag_storage.rollups WHERE view_name = 'metrics_daily' AND built_on = 'metrics_hourly' AND kind = 'continuous_aggregate') THEN
    ALTER TABLE ag_storage.rollups DROP COLUMN IF EXISTS built_on;
    RETURN;
  END IF;
  daily_mat := (SELECT mat_hypertable_id FROM _timescaledb_catalog.continuous_agg
                 WHERE user_view_schema = 'public' AND user_view_name = 'metrics_daily');
  oldest_raw := (SELECT min(time) FROM metric_points);
  IF EXISTS (SELECT 1 FROM metrics_daily WHERE bucket < coalesce(oldest_raw, 'infinity'::timestamptz)) THEN
    RAISE NOTICE 'ag-storage: metrics_daily holds days older than the oldest raw point (%); it stays built on metrics_hourly so that none is lost', oldest_raw;
    ALTER TABLE ag_storage.rollups DROP COLUMN built_on;
    RETURN;
  END IF;

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
  SELECT time_bucket(INTERVAL '1 day', time) AS bucket, series_id,
         count(*)                                             AS count,
         sum(value)                                           AS sum,
         avg(value)                                           AS avg,
         min(value)                                           AS min,
         max(value)                                           AS max,
         stddev_samp(value)                                   AS stddev,
         percentile_cont(0.5)  WITHIN GROUP (ORDER BY value)  AS p50,
         percentile_cont(0.9)  WITHIN GROUP (ORDER BY value)  AS p90,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY value)  AS p95,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY value)  AS p99,
         first(value, time) AS first, last(value, time) AS last
  FROM metric_points
  GROUP BY bucket, series_id
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
  ALTER TABLE ag_storage.rollups DROP COLUMN built_on;
  -- Tells the next statement to materialize the history.
  CREATE TEMP TABLE hierarchical_daily_reverted () ON COMMIT PRESERVE ROWS;
END
$$;

DO $$
BEGIN
  IF to_regclass('pg_temp.hierarchical_daily_reverted') IS NULL THEN
    RETURN;
  END IF;
  DROP TABLE pg_temp.hierarchical_daily_reverted;
  IF EXISTS (SELECT 1 FROM metric_points) THEN
    CALL refresh_continuous_aggregate('metrics_daily', NULL, now() - INTERVAL '1 day');
  END IF;
END
$$;
