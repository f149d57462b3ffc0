-- Reverts 20261123000400_views.
DROP VIEW IF EXISTS latest_positions;
DROP VIEW IF EXISTS active_orders;
DROP VIEW IF EXISTS metrics;
