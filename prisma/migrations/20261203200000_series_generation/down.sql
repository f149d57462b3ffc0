-- Removes the series generation (20261203200000_series_generation).
DROP TRIGGER IF EXISTS metric_series_generation_on_change ON metric_series;
DROP TRIGGER IF EXISTS metric_series_generation_on_insert ON metric_series;
DROP FUNCTION IF EXISTS ag_storage.advance_series_generation();
DROP TABLE IF EXISTS ag_storage.series_generation;
