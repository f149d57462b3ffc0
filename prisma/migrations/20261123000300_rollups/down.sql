-- Reverts 20261123000300_rollups. Dropping a continuous aggregate also
-- removes its refresh policy.
DROP MATERIALIZED VIEW IF EXISTS orders_daily_stats;
DROP MATERIALIZED VIEW IF EXISTS fills_daily_stats;
DROP MATERIALIZED VIEW IF EXISTS metrics_daily;
DROP MATERIALIZED VIEW IF EXISTS metrics_hourly;
DROP TABLE IF EXISTS ag_storage.rollups;
