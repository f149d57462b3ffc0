-- Reverts 20261123300001_lifecycle_bookkeeping.
UPDATE ag_storage.rollups SET refresh_lookback = default_refresh_lookback;
ALTER TABLE ag_storage.rollups DROP COLUMN IF EXISTS default_refresh_lookback;
DROP TABLE IF EXISTS ag_storage.retention_watermarks;
DROP TABLE IF EXISTS ag_storage.lifecycle_runs;
