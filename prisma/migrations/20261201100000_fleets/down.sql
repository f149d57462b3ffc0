-- Reverts 20261201100000_fleets. Only a database whose rows all belong to the
-- 'default' account and strategy can go back (the old keys cannot tell two
-- accounts apart); otherwise this refuses and changes nothing. Funding
-- payments are dropped. The rollups go back to their old grouping (rollup
-- tables keep their rows, summed over accounts, strategies and fee
-- currencies; a continuous aggregate is re-created and rebuilt at its next
-- refresh).

DO $$
DECLARE
  foreign_rows bigint := (SELECT (SELECT count(*) FROM orders WHERE account_id <> 'default' OR strategy_id <> 'default')
                               + (SELECT count(*) FROM fills WHERE account_id <> 'default' OR strategy_id <> 'default')
                               + (SELECT count(*) FROM positions WHERE account_id <> 'default' OR strategy_id <> 'default'));
BEGIN
  IF foreign_rows > 0 THEN
    RAISE EXCEPTION 'ag-storage: cannot roll back 20261201100000_fleets: % order, fill or position row(s) belong to an account or strategy other than default', foreign_rows
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
END
$$;

CREATE TEMP TABLE fleets_recompress (chunk regclass NOT NULL) ON COMMIT DROP;
DO $$
BEGIN
  IF coalesce(ag_storage.timescale_license() = 'timescale', false) THEN
    INSERT INTO fleets_recompress (chunk)
    SELECT format('%I.%I', chunk_schema, chunk_name)::regclass
      FROM timescaledb_information.chunks
     WHERE hypertable_schema = current_schema() AND hypertable_name IN ('fills', 'positions') AND is_compressed;
    PERFORM decompress_chunk(chunk) FROM fleets_recompress;
    ALTER TABLE fills     SET (timescaledb.compress_segmentby = 'venue, market');
    ALTER TABLE positions SET (timescaledb.compress_segmentby = 'venue, market');
  END IF;
END
$$;

-- fills_daily_stats back to (venue, market, day).
DO $$
DECLARE
  continuous boolean := coalesce(ag_storage.timescale_license() = 'timescale', false);
  fill_stats text := $stats$
      count(*)                                    AS fill_count,
      sum(size)                                   AS volume,
      sum(price * size)                           AS notional,
      sum(fee)                                    AS fees,
      sum(price * size) / NULLIF(sum(size), 0)    AS vwap,
      coalesce(sum(size) FILTER (WHERE side = 'buy'), 0)  AS buy_volume,
      coalesce(sum(size) FILTER (WHERE side = 'sell'), 0) AS sell_volume$stats$;
BEGIN
  IF continuous THEN
    DROP MATERIALIZED VIEW fills_daily_stats;
    EXECUTE format($sql$
      CREATE MATERIALIZED VIEW fills_daily_stats
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 day', time) AS day, venue, market, %s
      FROM fills
      GROUP BY day, venue, market
      WITH NO DATA$sql$, fill_stats);
    PERFORM add_continuous_aggregate_policy('fills_daily_stats',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
    UPDATE ag_storage.rollups SET last_refreshed_at = NULL WHERE view_name = 'fills_daily_stats';
  ELSE
    ALTER TABLE fills_daily_stats RENAME TO fills_daily_stats_fleets;
    CREATE TABLE fills_daily_stats (
      day TIMESTAMPTZ NOT NULL, venue TEXT NOT NULL, market TEXT NOT NULL,
      fill_count BIGINT NOT NULL, volume DECIMAL, notional DECIMAL, fees DECIMAL, vwap DECIMAL,
      buy_volume DECIMAL NOT NULL, sell_volume DECIMAL NOT NULL,
      PRIMARY KEY (venue, market, day)
    );
    INSERT INTO fills_daily_stats
    SELECT day, venue, market, sum(fill_count), sum(volume), sum(notional), sum(fees),
           sum(notional) / NULLIF(sum(volume), 0), sum(buy_volume), sum(sell_volume)
      FROM fills_daily_stats_fleets
     GROUP BY day, venue, market;
    DROP TABLE fills_daily_stats_fleets;
    UPDATE ag_storage.rollups SET last_refreshed_at = NULL, select_sql = format($sql$
      SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day, venue, market, %s
      FROM fills
      WHERE time >= $1 AND time < $2
      GROUP BY 1, venue, market$sql$, fill_stats)
     WHERE view_name = 'fills_daily_stats';
  END IF;
END
$$;

-- orders_daily_stats back to (venue, market, day).
ALTER TABLE orders_daily_stats RENAME TO orders_daily_stats_fleets;
ALTER TABLE orders_daily_stats_fleets RENAME CONSTRAINT orders_daily_stats_pkey TO orders_daily_stats_fleets_pkey;
CREATE TABLE orders_daily_stats (
    day                     TIMESTAMPTZ NOT NULL,
    venue                   TEXT NOT NULL,
    market                  TEXT NOT NULL,
    order_count             BIGINT NOT NULL,
    filled_count            BIGINT NOT NULL,
    partially_filled_count  BIGINT NOT NULL,
    cancelled_count         BIGINT NOT NULL,
    rejected_count          BIGINT NOT NULL,
    expired_count           BIGINT NOT NULL,
    submitted_size          DECIMAL NOT NULL,
    filled_size             DECIMAL NOT NULL,
    submitted_notional      DECIMAL NOT NULL,
    PRIMARY KEY (venue, market, day)
);
INSERT INTO orders_daily_stats
SELECT day, venue, market, sum(order_count), sum(filled_count), sum(partially_filled_count), sum(cancelled_count),
       sum(rejected_count), sum(expired_count), sum(submitted_size), sum(filled_size), sum(submitted_notional)
  FROM orders_daily_stats_fleets
 GROUP BY day, venue, market;
DROP TABLE orders_daily_stats_fleets;
UPDATE ag_storage.rollups SET last_refreshed_at = NULL, select_sql = $sql$
  SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day, venue, market,
         count(*)                                                AS order_count,
         count(*) FILTER (WHERE status = 'filled')               AS filled_count,
         count(*) FILTER (WHERE status = 'partially_filled')     AS partially_filled_count,
         count(*) FILTER (WHERE status = 'cancelled')            AS cancelled_count,
         count(*) FILTER (WHERE status = 'rejected')             AS rejected_count,
         count(*) FILTER (WHERE status = 'expired')              AS expired_count,
         sum(size)                                               AS submitted_size,
         sum(filled_size)                                        AS filled_size,
         coalesce(sum(size * price) FILTER (WHERE price IS NOT NULL), 0) AS submitted_notional
  FROM orders
  WHERE time >= $1 AND time < $2
  GROUP BY 1, venue, market$sql$
 WHERE view_name = 'orders_daily_stats';

-- Funding payments (dropping the hypertable removes its policies).
DROP TABLE IF EXISTS funding_payments;
DROP TABLE IF EXISTS funding_payment_keys;
DROP FUNCTION IF EXISTS ag_storage.claim_funding_payment_key();

-- Positions back to (venue, market, time).
DROP VIEW latest_positions;
ALTER TABLE "positions" DROP CONSTRAINT "positions_pkey";
ALTER TABLE "positions" ADD CONSTRAINT "positions_pkey" PRIMARY KEY ("venue", "market", "time");
ALTER TABLE "positions" DROP COLUMN "account_id", DROP COLUMN "strategy_id";
CREATE VIEW latest_positions AS
SELECT k.venue, k.market, p.time, p.size, p.avg_entry_price, p.unrealized_pnl, p.realized_pnl
  FROM (SELECT DISTINCT venue, market FROM positions) k
 CROSS JOIN LATERAL (
       SELECT x.time, x.size, x.avg_entry_price, x.unrealized_pnl, x.realized_pnl
         FROM positions x
        WHERE x.venue = k.venue AND x.market = k.market
        ORDER BY x.time DESC
        LIMIT 1) p;

-- Fills: the old unique index instead of fill_keys.
DROP TRIGGER IF EXISTS fills_key_unchanged ON fills;
DROP TRIGGER IF EXISTS fills_claim_key ON fills;
DROP FUNCTION IF EXISTS ag_storage.claim_fill_key();
DROP FUNCTION IF EXISTS ag_storage.refuse_key_change();
DROP TABLE IF EXISTS fill_keys;
CREATE UNIQUE INDEX "fills_venue_venue_fill_id_time_key" ON "fills"("venue", "venue_fill_id", "time");
ALTER TABLE "fills" DROP COLUMN "account_id", DROP COLUMN "strategy_id";

-- Orders: client order ids unique in the whole database again.
DROP VIEW active_orders;
DROP INDEX "orders_client_order_id_account_id_key";
CREATE UNIQUE INDEX "orders_client_order_id_key" ON "orders"("client_order_id");
ALTER TABLE "orders" DROP COLUMN "account_id", DROP COLUMN "strategy_id";
CREATE VIEW active_orders AS
SELECT *
FROM orders
WHERE status IN ('new', 'open', 'partially_filled');

DROP TABLE IF EXISTS "strategies";
DROP TABLE IF EXISTS "accounts";
DROP TYPE IF EXISTS "account_mode";

DO $$
BEGIN
  IF coalesce(ag_storage.timescale_license() = 'timescale', false) THEN
    PERFORM compress_chunk(chunk, if_not_compressed => true) FROM fleets_recompress;
  END IF;
END
$$;
