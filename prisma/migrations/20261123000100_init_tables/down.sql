-- Reverts 20261123000100_init_tables.
DROP TABLE IF EXISTS "candles";
DROP TABLE IF EXISTS "positions";
DROP TABLE IF EXISTS "fills";
DROP TABLE IF EXISTS "orders";
DROP TABLE IF EXISTS "events";
DROP TABLE IF EXISTS "metric_points";
DROP TABLE IF EXISTS "metric_series";
DROP TYPE IF EXISTS "time_in_force";
DROP TYPE IF EXISTS "order_status";
DROP TYPE IF EXISTS "order_type";
DROP TYPE IF EXISTS "order_side";
DROP TYPE IF EXISTS "event_severity";
DROP FUNCTION IF EXISTS ag_storage.timescale_license();
DROP SCHEMA IF EXISTS ag_storage;
