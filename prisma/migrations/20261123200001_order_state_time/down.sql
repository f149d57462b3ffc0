-- Reverts 20261123200001_order_state_time.
DROP VIEW IF EXISTS active_orders;
ALTER TABLE "orders" DROP COLUMN IF EXISTS "state_time";
CREATE VIEW active_orders AS
SELECT *
FROM orders
WHERE status IN ('new', 'open', 'partially_filled');
