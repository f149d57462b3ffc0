-- Lets the metrics library read a metrics rollup TABLE (plain PostgreSQL)
-- instead of the raw points only where the table provably holds what a raw
-- computation would give: the metrics rollups are registered as tracked
-- rollups (the bookkeeping of 20261123000300_rollups) and statement triggers
-- on metric_points record which buckets each insert or update touched.
--
-- Continuous aggregates (TimescaleDB, timescale license) need none of this:
-- TimescaleDB keeps its own invalidation logs, which the library reads. The
-- triggers need transition tables, which hypertables do not support, so on
-- apache-only TimescaleDB nothing is tracked and the library always computes
-- from the raw points.

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
