-- Reverts 20261123100000_metrics_rollup_tracking: drops the triggers and
-- stops tracking the metrics rollups.
DROP TRIGGER IF EXISTS metric_points_rollup_changes_insert ON metric_points;
DROP TRIGGER IF EXISTS metric_points_rollup_changes_update ON metric_points;
DELETE FROM ag_storage.rollup_bucket_changes WHERE view_name IN (SELECT view_name FROM ag_storage.rollups WHERE source_table = 'metric_points');
DELETE FROM ag_storage.rollup_bucket_refreshes WHERE view_name IN (SELECT view_name FROM ag_storage.rollups WHERE source_table = 'metric_points');
DELETE FROM ag_storage.tracked_rollups WHERE view_name IN (SELECT view_name FROM ag_storage.rollups WHERE source_table = 'metric_points');
