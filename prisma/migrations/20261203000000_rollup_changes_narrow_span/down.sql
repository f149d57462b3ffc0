-- Restores the version of 20261123500000_rollup_changes_touched_buckets
-- (exactly the buckets each changed row falls in).
CREATE OR REPLACE FUNCTION ag_storage.record_rollup_bucket_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
    SELECT touched.view_name, touched.bucket, pg_current_xact_id()
      FROM (SELECT DISTINCT r.view_name, date_bin(r.bucket_width, changed.time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket
              FROM ag_storage.rollups r
              JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN (SELECT time FROM new_rows UNION SELECT time FROM old_rows) changed
             WHERE r.source_table = TG_TABLE_NAME) touched
     ORDER BY touched.view_name, touched.bucket
    ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  ELSE
    INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
    SELECT touched.view_name, touched.bucket, pg_current_xact_id()
      FROM (SELECT DISTINCT r.view_name, date_bin(r.bucket_width, new_rows.time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket
              FROM ag_storage.rollups r
              JOIN ag_storage.tracked_rollups t USING (view_name)
             CROSS JOIN new_rows
             WHERE r.source_table = TG_TABLE_NAME) touched
     ORDER BY touched.view_name, touched.bucket
    ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  END IF;
  RETURN NULL;
END
$fn$;
