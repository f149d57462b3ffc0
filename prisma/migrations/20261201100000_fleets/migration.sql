-- Fleets (issue #12): many bots (strategies) across several venue accounts,
-- live, paper and backtest side by side, in one database.
--
--   accounts, strategies    who traded: a venue account (live | paper |
--                           backtest) and the strategy that decided.
--   orders, fills,          carry account_id and strategy_id; every row from
--   positions               before this migration belongs to the 'default'
--                           account and strategy (created here).
--   orders                  client_order_id is unique per account (venues
--                           scope client ids per account).
--   fill_keys               a venue fill id is unique per (account, venue) for
--                           all time: one row per fill in a plain table with
--                           that primary key, claimed by a trigger on every
--                           insert into fills (a hypertable cannot hold a
--                           unique key without time). Keys outlive their
--                           fills: a fill re-sent after retention removed it
--                           is still a duplicate.
--   positions               keyed (account, strategy, venue, market, time);
--                           latest_positions is per account, strategy, venue
--                           and market.
--   rollups                 orders_daily_stats and fills_daily_stats group by
--                           account and strategy too; fills_daily_stats also
--                           by fee currency (fees are never added across
--                           currencies).
--   funding_payments        perpetual funding, unique per (account, venue,
--                           venue_payment_id) for all time (funding_payment_keys).
--
-- On TimescaleDB with compression, the compressed chunks of fills and
-- positions are decompressed for the key and segmentby changes and
-- compressed again at the end. A continuous aggregate cannot change its
-- GROUP BY: fills_daily_stats is re-created there and rebuilt from the raw
-- fills at its next refresh. Rollup tables keep their rows (in the 'default'
-- account and strategy) and are recomputed from the raw rows at their next
-- refresh (last_refreshed_at is reset).

CREATE TYPE "account_mode" AS ENUM ('live', 'paper', 'backtest');

CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    -- NULL: an account that spans venues (only the 'default' account).
    "venue" TEXT,
    "name" TEXT NOT NULL,
    "mode" "account_mode" NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "strategies" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "strategies_pkey" PRIMARY KEY ("id")
);

INSERT INTO "accounts" ("id", "venue", "name", "mode") VALUES ('default', NULL, 'default', 'live');
INSERT INTO "strategies" ("id", "name") VALUES ('default', 'default');

-- Compressed chunks of fills and positions are decompressed (and remembered,
-- to be compressed again at the end): TimescaleDB changes segmentby only
-- without compressed chunks.
CREATE TEMP TABLE fleets_recompress (chunk regclass NOT NULL) ON COMMIT DROP;
DO $$
BEGIN
  IF coalesce(ag_storage.timescale_license() = 'timescale', false) THEN
    INSERT INTO fleets_recompress (chunk)
    SELECT format('%I.%I', chunk_schema, chunk_name)::regclass
      FROM timescaledb_information.chunks
     WHERE hypertable_schema = current_schema() AND hypertable_name IN ('fills', 'positions') AND is_compressed;
    PERFORM decompress_chunk(chunk) FROM fleets_recompress;
  END IF;
END
$$;

-- Orders: account and strategy; client order ids unique per account (client
-- order id first: it tells keys apart at the first column).
ALTER TABLE "orders"
    ADD COLUMN "account_id" TEXT NOT NULL DEFAULT 'default',
    ADD COLUMN "strategy_id" TEXT NOT NULL DEFAULT 'default';
DROP INDEX "orders_client_order_id_key";
CREATE UNIQUE INDEX "orders_client_order_id_account_id_key" ON "orders"("client_order_id", "account_id");

-- active_orders is SELECT * FROM orders: re-created to include the new columns.
CREATE OR REPLACE VIEW active_orders AS
SELECT *
FROM orders
WHERE status IN ('new', 'open', 'partially_filled');

-- Fills: account and strategy (always those of the fill's order).
ALTER TABLE "fills"
    ADD COLUMN "account_id" TEXT NOT NULL DEFAULT 'default',
    ADD COLUMN "strategy_id" TEXT NOT NULL DEFAULT 'default';
-- Superseded by fill_keys (the writer looks duplicates up there).
DROP INDEX "fills_venue_venue_fill_id_time_key";

CREATE TABLE "fill_keys" (
    "account_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venue_fill_id" TEXT NOT NULL,
    "fill_id" UUID NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    -- The venue's id first: it tells keys apart at the first column.
    CONSTRAINT "fill_keys_pkey" PRIMARY KEY ("venue_fill_id", "venue", "account_id")
);

-- Existing fills: the oldest of a key claims it. A database written before
-- this migration may hold a fill stored twice (the old writer looked for
-- duplicates only from a day before the order's creation): both rows stay.
INSERT INTO "fill_keys" ("account_id", "venue", "venue_fill_id", "fill_id", "time")
SELECT account_id, venue, venue_fill_id, id, time FROM fills ORDER BY time, id
ON CONFLICT DO NOTHING;

DO $$
DECLARE
  twice bigint := (SELECT count(*) FROM fills f
                    WHERE NOT EXISTS (SELECT 1 FROM fill_keys k WHERE k.account_id = f.account_id AND k.venue = f.venue
                                         AND k.venue_fill_id = f.venue_fill_id AND k.fill_id = f.id));
BEGIN
  IF twice > 0 THEN
    RAISE NOTICE 'ag-storage: % fill(s) repeat an earlier fill''s (venue, venue_fill_id); kept as they are', twice;
  END IF;
END
$$;

-- Every inserted fill claims its key; a key claimed by another fill is a
-- unique violation on fill_keys_pkey, whoever writes. The same fill written
-- again (an archive restore after retention removed it) passes. The
-- library's fill writer claims the keys of its fills itself, in one
-- statement before inserting them (ON CONFLICT DO NOTHING: a concurrent
-- delivery becomes a duplicate, not an error), and marks its transaction
-- with ag_storage.fill_keys_claimed = 'on' so that the trigger does not claim
-- them again row by row.
CREATE FUNCTION ag_storage.claim_fill_key() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO fill_keys (account_id, venue, venue_fill_id, fill_id, time)
  VALUES (NEW.account_id, NEW.venue, NEW.venue_fill_id, NEW.id, NEW.time)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND AND NOT EXISTS (
       SELECT 1 FROM fill_keys k
        WHERE k.account_id = NEW.account_id AND k.venue = NEW.venue AND k.venue_fill_id = NEW.venue_fill_id
          AND k.fill_id = NEW.id AND k.time = NEW.time) THEN
    RAISE EXCEPTION 'fill % of venue % in account % is already stored', NEW.venue_fill_id, NEW.venue, NEW.account_id
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'fill_keys_pkey';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER fills_claim_key BEFORE INSERT ON fills FOR EACH ROW
  WHEN (current_setting('ag_storage.fill_keys_claimed', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION ag_storage.claim_fill_key();

-- A fill's key never changes (it would leave its claim behind).
CREATE FUNCTION ag_storage.refuse_key_change() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the venue key of a row of % cannot change', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END
$fn$;
CREATE TRIGGER fills_key_unchanged BEFORE UPDATE OF account_id, venue, venue_fill_id ON fills
  FOR EACH ROW WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.venue IS DISTINCT FROM NEW.venue
                     OR OLD.venue_fill_id IS DISTINCT FROM NEW.venue_fill_id)
  EXECUTE FUNCTION ag_storage.refuse_key_change();

-- Positions: keyed by account, strategy, venue, market and time.
ALTER TABLE "positions"
    ADD COLUMN "account_id" TEXT NOT NULL DEFAULT 'default',
    ADD COLUMN "strategy_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "positions" DROP CONSTRAINT "positions_pkey";
-- Market first, as before (its snapshots are read by market), then who holds it.
ALTER TABLE "positions" ADD CONSTRAINT "positions_pkey" PRIMARY KEY ("venue", "market", "account_id", "strategy_id", "time");

-- One primary-key probe per key (see 20261123000400_views for why not DISTINCT ON).
DROP VIEW latest_positions;
CREATE VIEW latest_positions AS
SELECT k.account_id, k.strategy_id, k.venue, k.market, p.time, p.size, p.avg_entry_price, p.unrealized_pnl, p.realized_pnl
  FROM (SELECT DISTINCT account_id, strategy_id, venue, market FROM positions) k
 CROSS JOIN LATERAL (
       SELECT x.time, x.size, x.avg_entry_price, x.unrealized_pnl, x.realized_pnl
         FROM positions x
        WHERE x.account_id = k.account_id AND x.strategy_id = k.strategy_id AND x.venue = k.venue AND x.market = k.market
        ORDER BY x.time DESC
        LIMIT 1) p;

-- Funding payments of perpetuals: amount is signed (> 0 received, < 0 paid)
-- in `currency`; rate is the funding rate the venue applied, when it says.
CREATE TABLE "funding_payments" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "account_id" TEXT NOT NULL DEFAULT 'default',
    "strategy_id" TEXT NOT NULL DEFAULT 'default',
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "rate" DECIMAL(38,18),
    "amount" DECIMAL(38,18) NOT NULL,
    "currency" TEXT NOT NULL,
    "venue_payment_id" TEXT NOT NULL,
    CONSTRAINT "funding_payments_pkey" PRIMARY KEY ("venue_payment_id", "venue", "account_id", "time")
);
CREATE INDEX "funding_payments_account_id_venue_market_time_idx" ON "funding_payments"("account_id", "venue", "market", "time" DESC);
CREATE INDEX "funding_payments_time_idx" ON "funding_payments"("time" DESC);

CREATE TABLE "funding_payment_keys" (
    "account_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venue_payment_id" TEXT NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "funding_payment_keys_pkey" PRIMARY KEY ("venue_payment_id", "venue", "account_id")
);

CREATE FUNCTION ag_storage.claim_funding_payment_key() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO funding_payment_keys (account_id, venue, venue_payment_id, time)
  VALUES (NEW.account_id, NEW.venue, NEW.venue_payment_id, NEW.time)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND AND NOT EXISTS (
       SELECT 1 FROM funding_payment_keys k
        WHERE k.account_id = NEW.account_id AND k.venue = NEW.venue AND k.venue_payment_id = NEW.venue_payment_id
          AND k.time = NEW.time) THEN
    RAISE EXCEPTION 'funding payment % of venue % in account % is already stored', NEW.venue_payment_id, NEW.venue, NEW.account_id
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'funding_payment_keys_pkey';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER funding_payments_claim_key BEFORE INSERT ON funding_payments FOR EACH ROW EXECUTE FUNCTION ag_storage.claim_funding_payment_key();
CREATE TRIGGER funding_payments_key_unchanged BEFORE UPDATE OF account_id, venue, venue_payment_id, time ON funding_payments
  FOR EACH ROW WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.venue IS DISTINCT FROM NEW.venue
                     OR OLD.venue_payment_id IS DISTINCT FROM NEW.venue_payment_id OR OLD.time IS DISTINCT FROM NEW.time)
  EXECUTE FUNCTION ag_storage.refuse_key_change();

-- orders_daily_stats: a rollup table on every engine, re-created with the
-- new key; its rows are kept in the 'default' account and strategy.
ALTER TABLE orders_daily_stats RENAME TO orders_daily_stats_before_fleets;
ALTER TABLE orders_daily_stats_before_fleets RENAME CONSTRAINT orders_daily_stats_pkey TO orders_daily_stats_before_fleets_pkey;
CREATE TABLE orders_daily_stats (
    day                     TIMESTAMPTZ NOT NULL,
    account_id              TEXT NOT NULL,
    strategy_id             TEXT NOT NULL,
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
    PRIMARY KEY (account_id, strategy_id, venue, market, day)
);
INSERT INTO orders_daily_stats
SELECT day, 'default', 'default', venue, market, order_count, filled_count, partially_filled_count, cancelled_count,
       rejected_count, expired_count, submitted_size, filled_size, submitted_notional
  FROM orders_daily_stats_before_fleets;
DROP TABLE orders_daily_stats_before_fleets;
UPDATE ag_storage.rollups SET last_refreshed_at = NULL, select_sql = $sql$
  SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day, account_id, strategy_id, venue, market,
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
  GROUP BY 1, account_id, strategy_id, venue, market$sql$
 WHERE view_name = 'orders_daily_stats';

-- fills_daily_stats: per account, strategy, venue, market, fee currency and day.
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
      SELECT time_bucket(INTERVAL '1 day', time) AS day, account_id, strategy_id, venue, market, fee_currency, %s
      FROM fills
      GROUP BY day, account_id, strategy_id, venue, market, fee_currency
      WITH NO DATA$sql$, fill_stats);
    PERFORM add_continuous_aggregate_policy('fills_daily_stats',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
    UPDATE ag_storage.rollups SET last_refreshed_at = NULL WHERE view_name = 'fills_daily_stats';
  ELSE
    ALTER TABLE fills_daily_stats RENAME TO fills_daily_stats_before_fleets;
    ALTER TABLE fills_daily_stats_before_fleets RENAME CONSTRAINT fills_daily_stats_pkey TO fills_daily_stats_before_fleets_pkey;
    CREATE TABLE fills_daily_stats (
      day TIMESTAMPTZ NOT NULL, account_id TEXT NOT NULL, strategy_id TEXT NOT NULL,
      venue TEXT NOT NULL, market TEXT NOT NULL, fee_currency TEXT,
      fill_count BIGINT NOT NULL, volume DECIMAL, notional DECIMAL, fees DECIMAL, vwap DECIMAL,
      buy_volume DECIMAL NOT NULL, sell_volume DECIMAL NOT NULL
    );
    CREATE INDEX fills_daily_stats_key_idx ON fills_daily_stats (account_id, strategy_id, venue, market, day);
    CREATE INDEX fills_daily_stats_day_idx ON fills_daily_stats (day);
    -- Fees of the old rows were summed over currencies: their currency is unknown (NULL).
    INSERT INTO fills_daily_stats
    SELECT day, 'default', 'default', venue, market, NULL, fill_count, volume, notional, fees, vwap, buy_volume, sell_volume
      FROM fills_daily_stats_before_fleets;
    DROP TABLE fills_daily_stats_before_fleets;
    UPDATE ag_storage.rollups SET last_refreshed_at = NULL, select_sql = format($sql$
      SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day,
             account_id, strategy_id, venue, market, fee_currency, %s
      FROM fills
      WHERE time >= $1 AND time < $2
      GROUP BY 1, account_id, strategy_id, venue, market, fee_currency$sql$, fill_stats)
     WHERE view_name = 'fills_daily_stats';
  END IF;
END
$$;

-- TimescaleDB: funding_payments is a hypertable (30-day chunks: a few rows
-- per market and day); with compression, the new segmentby of fills and
-- positions, funding's compression and retention (the defaults of fills;
-- the retention package aligns them with the configuration), and the chunks
-- decompressed above compressed again.
DO $$
DECLARE
  license text := ag_storage.timescale_license();
BEGIN
  IF license IS NULL THEN
    RETURN;
  END IF;
  PERFORM create_hypertable('funding_payments', by_range('time', INTERVAL '30 days'), if_not_exists => true, migrate_data => true);
  IF license <> 'timescale' THEN
    RETURN;
  END IF;
  ALTER TABLE fills            SET (timescaledb.compress_segmentby = 'account_id, strategy_id, venue, market');
  ALTER TABLE positions        SET (timescaledb.compress_segmentby = 'account_id, strategy_id, venue, market');
  ALTER TABLE funding_payments SET (timescaledb.compress, timescaledb.compress_segmentby = 'account_id, venue, market', timescaledb.compress_orderby = 'time DESC');
  PERFORM add_compression_policy('funding_payments', INTERVAL '7 days', if_not_exists => true);
  PERFORM add_retention_policy('funding_payments', INTERVAL '365 days', if_not_exists => true);
  PERFORM compress_chunk(chunk, if_not_compressed => true) FROM fleets_recompress;
END
$$;
