-- Reverts 20261123200002_fill_candles: a continuous aggregate (dropping it
-- removes its refresh policy) or a rollup table, depending on the engine.
DO $$
DECLARE
  kind "char" := (SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relname = 'fill_candles_1m');
BEGIN
  IF kind IN ('v', 'm') THEN
    DROP MATERIALIZED VIEW fill_candles_1m;
  ELSIF kind IS NOT NULL THEN
    DROP TABLE fill_candles_1m;
  END IF;
END
$$;
DELETE FROM ag_storage.rollups WHERE view_name = 'fill_candles_1m';
