-- Cheaper rollup change tracking for the usual batch. The previous version
-- binned every changed row for every tracked rollup and sorted the result,
-- about a sixth of the time of inserting a 100k-row batch into metric_points
-- on PostgreSQL 15 (EXPLAIN ANALYZE, issue 13). Now one min/max pass over the
-- changed rows decides, per rollup: a statement whose rows span fewer than 8
-- of its buckets records every bucket of that span (a superset, which only
-- sends the few untouched ones among them to the raw points until the next
-- refresh); a wider statement records exactly the buckets its rows fall in,
-- as before (so a batch holding 1970 and 9999 stays cheap). The wide branch
-- is skipped unless some rollup needs it.
CREATE OR REPLACE FUNCTION ag_storage.record_rollup_bucket_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  origin CONSTANT TIMESTAMPTZ := TIMESTAMPTZ '2000-01-01 00:00:00+00';
  narrow_buckets CONSTANT INT := 8;
  low TIMESTAMPTZ;
  high TIMESTAMPTZ;
  wide BOOLEAN;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT min(t), max(t) INTO low, high FROM (SELECT time AS t FROM new_rows UNION ALL SELECT time FROM old_rows) changed;
  ELSE
    SELECT min(time), max(time) INTO low, high FROM new_rows;
  END IF;
  IF low IS NULL THEN
    RETURN NULL;
  END IF;
  wide := EXISTS (SELECT 1 FROM ag_storage.rollups r JOIN ag_storage.tracked_rollups t USING (view_name)
                   WHERE r.source_table = TG_TABLE_NAME AND high - low >= r.bucket_width * narrow_buckets);
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
    SELECT touched.view_name, touched.bucket, pg_current_xact_id()
      FROM (SELECT r.view_name, b AS bucket
              FROM ag_storage.rollups r JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN LATERAL generate_series(date_bin(r.bucket_width, low, origin), high, r.bucket_width) AS b
             WHERE r.source_table = TG_TABLE_NAME AND high - low < r.bucket_width * narrow_buckets
            UNION
            SELECT r.view_name, date_bin(r.bucket_width, changed.time, origin)
              FROM ag_storage.rollups r JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN (SELECT time FROM new_rows UNION ALL SELECT time FROM old_rows) changed
             WHERE wide AND r.source_table = TG_TABLE_NAME AND high - low >= r.bucket_width * narrow_buckets) touched
     ORDER BY touched.view_name, touched.bucket
    ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  ELSE
    INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
    SELECT touched.view_name, touched.bucket, pg_current_xact_id()
      FROM (SELECT r.view_name, b AS bucket
              FROM ag_storage.rollups r JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN LATERAL generate_series(date_bin(r.bucket_width, low, origin), high, r.bucket_width) AS b
             WHERE r.source_table = TG_TABLE_NAME AND high - low < r.bucket_width * narrow_buckets
            UNION
            SELECT r.view_name, date_bin(r.bucket_width, new_rows.time, origin)
              FROM ag_storage.rollups r JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN new_rows
             WHERE wide AND r.source_table = TG_TABLE_NAME AND high - low >= r.bucket_width * narrow_buckets) touched
     ORDER BY touched.view_name, touched.bucket
    ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  END IF;
  RETURN NULL;
END
$fn$;
