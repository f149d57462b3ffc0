-- Reverts 20261123100000_metrics_rollup_tracking: drops the triggers and the
-- bookkeeping tables, and restores refresh_rollup_table as 20261123000300_rollups defined it.
DROP TRIGGER IF EXISTS metric_points_rollup_changes_insert ON metric_points;
DROP TRIGGER IF EXISTS metric_points_rollup_changes_update ON metric_points;
DROP FUNCTION IF EXISTS ag_storage.record_rollup_bucket_changes();
DROP TABLE IF EXISTS ag_storage.rollup_bucket_refreshes;
DROP TABLE IF EXISTS ag_storage.rollup_bucket_changes;
DROP TABLE IF EXISTS ag_storage.tracked_rollups;

CREATE OR REPLACE FUNCTION ag_storage.refresh_rollup_table(rollup TEXT, from_time TIMESTAMPTZ, to_time TIMESTAMPTZ)
RETURNS BIGINT LANGUAGE plpgsql AS $fn$
DECLARE
  r ag_storage.rollups%ROWTYPE;
  origin CONSTANT TIMESTAMPTZ := TIMESTAMPTZ '2000-01-01 00:00:00+00';
  window_start TIMESTAMPTZ;
  window_end TIMESTAMPTZ;
  written BIGINT;
BEGIN
  SELECT * INTO r FROM ag_storage.rollups WHERE view_name = rollup AND kind = 'table';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ag_storage: % is not a rollup table', rollup USING ERRCODE = '22023';
  END IF;
  -- Two processes refreshing the same rollup wait for each other.
  PERFORM pg_advisory_xact_lock(hashtext('ag_storage.refresh_rollup_table'), hashtext(rollup));
  window_start := date_bin(r.bucket_width, from_time, origin);
  window_end := date_bin(r.bucket_width, to_time, origin);
  IF window_end < to_time THEN
    window_end := window_end + r.bucket_width;
  END IF;
  EXECUTE format('DELETE FROM %I WHERE %I >= $1 AND %I < $2', r.view_name, r.bucket_column, r.bucket_column)
    USING window_start, window_end;
  EXECUTE format('INSERT INTO %I %s', r.view_name, r.select_sql) USING window_start, window_end;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$fn$;
