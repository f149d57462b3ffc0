-- Lets the metrics library read a metrics rollup TABLE (plain PostgreSQL)
-- instead of the raw points only where the table provably holds what a raw
-- computation would give. Per rollup bucket two facts are kept, written by
-- different parties so that writers and refreshes never wait on each other:
--
--   ag_storage.rollup_bucket_changes   the last transaction that inserted or
--                                      updated source rows in the bucket
--                                      (statement triggers on metric_points);
--   ag_storage.rollup_bucket_refreshes the snapshot a refresh recomputed the
--                                      bucket from (refresh_rollup_table).
--
-- A bucket is complete when it was refreshed and its last change is visible
-- in that refresh's snapshot. Deletes do not invalidate: rollups keep
-- answering for ranges whose raw rows retention removed, as continuous
-- aggregates do after drop_chunks.
--
-- Continuous aggregates (TimescaleDB, timescale license) need none of this:
-- TimescaleDB keeps its own invalidation logs, which the library reads. The
-- triggers need transition tables, which hypertables do not support, so on
-- apache-only TimescaleDB nothing is tracked and the library always computes
-- from the raw points.

CREATE TABLE ag_storage.tracked_rollups (
    view_name TEXT PRIMARY KEY REFERENCES ag_storage.rollups (view_name) ON DELETE CASCADE
);

CREATE TABLE ag_storage.rollup_bucket_changes (
    view_name  TEXT NOT NULL,
    bucket     TIMESTAMPTZ NOT NULL,
    changed_by XID8 NOT NULL,
    PRIMARY KEY (view_name, bucket)
);

CREATE TABLE ag_storage.rollup_bucket_refreshes (
    view_name TEXT NOT NULL,
    bucket    TIMESTAMPTZ NOT NULL,
    snapshot  PG_SNAPSHOT NOT NULL,
    PRIMARY KEY (view_name, bucket)
);

-- Records the buckets of every tracked rollup that a statement on the source
-- table touched. Rows are upserted in a fixed order so that concurrent
-- writers never deadlock; the upsert's row lock orders writers of one bucket,
-- so the recorded transaction is always the last one to commit.
CREATE FUNCTION ag_storage.record_rollup_bucket_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  low TIMESTAMPTZ;
  high TIMESTAMPTZ;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT min(t), max(t) INTO low, high FROM (SELECT time AS t FROM new_rows UNION ALL SELECT time FROM old_rows) changed;
  ELSE
    SELECT min(time), max(time) INTO low, high FROM new_rows;
  END IF;
  IF low IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
  SELECT r.view_name, b, pg_current_xact_id()
    FROM ag_storage.rollups r
    JOIN ag_storage.tracked_rollups t USING (view_name)
   CROSS JOIN LATERAL generate_series(
           date_bin(r.bucket_width, low, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           high, r.bucket_width) AS b
   WHERE r.source_table = TG_TABLE_NAME
   ORDER BY r.view_name, b
  ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  RETURN NULL;
END
$fn$;

-- The same recomputation as before (see 20261123000300_rollups), and for
-- tracked rollups the snapshot each bucket of the window is recomputed from.
-- The snapshot is taken before the recomputation, so it never claims more
-- than the recomputation saw.
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
  IF EXISTS (SELECT 1 FROM ag_storage.tracked_rollups WHERE view_name = rollup) THEN
    INSERT INTO ag_storage.rollup_bucket_refreshes (view_name, bucket, snapshot)
    SELECT rollup, b, pg_current_snapshot()
      FROM generate_series(window_start, window_end - r.bucket_width, r.bucket_width) AS b
    ON CONFLICT (view_name, bucket) DO UPDATE SET snapshot = excluded.snapshot;
  END IF;
  EXECUTE format('DELETE FROM %I WHERE %I >= $1 AND %I < $2', r.view_name, r.bucket_column, r.bucket_column)
    USING window_start, window_end;
  EXECUTE format('INSERT INTO %I %s', r.view_name, r.select_sql) USING window_start, window_end;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$fn$;

DO $$
BEGIN
  IF to_regclass('_timescaledb_catalog.hypertable') IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM _timescaledb_catalog.hypertable WHERE schema_name = 'public' AND table_name = 'metric_points') THEN
      RAISE NOTICE 'ag-storage: metric_points is a hypertable; metrics rollup tables are not tracked';
      RETURN;
    END IF;
  END IF;

  INSERT INTO ag_storage.tracked_rollups (view_name)
  SELECT view_name FROM ag_storage.rollups WHERE source_table = 'metric_points' AND kind = 'table';

  CREATE TRIGGER metric_points_rollup_changes_insert
    AFTER INSERT ON metric_points REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ag_storage.record_rollup_bucket_changes();
  CREATE TRIGGER metric_points_rollup_changes_update
    AFTER UPDATE ON metric_points REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ag_storage.record_rollup_bucket_changes();
END
$$;
