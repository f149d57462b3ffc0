-- Reverts 20261123300002_time_indexes. On TimescaleDB the indexes belong to
-- the hypertables (create_hypertable made them): they stay.
DO $$
BEGIN
  IF ag_storage.timescale_license() IS NULL THEN
    DROP INDEX IF EXISTS "fills_time_idx";
    DROP INDEX IF EXISTS "positions_time_idx";
    DROP INDEX IF EXISTS "candles_time_idx";
  END IF;
END
$$;
