-- orders.state_time: the event time of the newest update applied to an order
-- (the venue's or the bot's timestamp of that state), as opposed to
-- updated_at, the wall-clock time of the last write. ExecutionStore refuses
-- to let an update older than state_time overwrite a newer state, while
-- updated_at keeps meaning "changed at" for the orders_daily_stats refresh.
-- NULL for rows written by something else: such rows are never "newer".

ALTER TABLE "orders" ADD COLUMN "state_time" TIMESTAMPTZ(6);

-- active_orders is SELECT * FROM orders: views expand * when created, so
-- re-create it to include the new column (appending a column is allowed).
CREATE OR REPLACE VIEW active_orders AS
SELECT *
FROM orders
WHERE status IN ('new', 'open', 'partially_filled');
