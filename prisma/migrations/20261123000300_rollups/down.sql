-- Reverts 20261123000300_rollups. A rollup is a continuous aggregate (dropped
-- with DROP MATERIALIZED VIEW, which also removes its refresh policy) or a
-- rollup table, depending on the engine it was created on.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.relname, c.relkind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public'
       AND c.relname IN ('metrics_hourly', 'metrics_daily', 'fills_daily_stats', 'orders_daily_stats')
  LOOP
    IF r.relkind IN ('v', 'm') THEN
      EXECUTE format('DROP MATERIALIZED VIEW %I', r.relname);
    ELSE
      EXECUTE format('DROP TABLE %I', r.relname);
    END IF;
  END LOOP;
END
$$;
DROP FUNCTION IF EXISTS ag_storage.refresh_rollup_table(TEXT, TIMESTAMPTZ, TIMESTAMPTZ);
DROP FUNCTION IF EXISTS ag_storage.record_rollup_bucket_changes();
DROP TABLE IF EXISTS ag_storage.rollup_bucket_refreshes;
DROP TABLE IF EXISTS ag_storage.rollup_bucket_changes;
DROP TABLE IF EXISTS ag_storage.tracked_rollups;
DROP TABLE IF EXISTS ag_storage.rollups;
