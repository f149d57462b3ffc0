-- Reverts 20261202200000_ticks: the trade candles (continuous aggregates,
-- top of the hierarchy first, or rollup tables), then the tick tables, their
-- keys and the key trigger's function. Every tick row is dropped.
DO $$
DECLARE
  name text;
  kind "char";
BEGIN
  FOREACH name IN ARRAY ARRAY['trade_candles_1d', 'trade_candles_1h', 'trade_candles_1m'] LOOP
    kind := (SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relname = name);
    IF kind IN ('v', 'm') THEN
      EXECUTE format('DROP MATERIALIZED VIEW %I', name);
    ELSIF kind IS NOT NULL THEN
      EXECUTE format('DROP TABLE %I', name);
    END IF;
  END LOOP;
END
$$;
DELETE FROM ag_storage.rollups WHERE view_name IN ('trade_candles_1m', 'trade_candles_1h', 'trade_candles_1d');
DROP TABLE "book_snapshots";
DROP TABLE "quotes";
DROP TABLE "trades";
DROP TABLE "trade_keys";
DROP FUNCTION ag_storage.claim_trade_key();
