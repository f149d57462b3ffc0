-- Restores the first version of ag_storage.record_rollup_bucket_changes
-- (every bucket between the oldest and newest changed row).
CREATE OR REPLACE FUNCTION ag_storage.record_rollup_bucket_changes() RETURNS trigger
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
