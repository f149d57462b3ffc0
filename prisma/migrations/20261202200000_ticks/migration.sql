-- Tick-level market data (issue #16): what a market maker saw.
--
--   trades          every trade print: price, size, aggressor side (NULL when
--                   the venue does not say) and the venue's trade id. Keyed
--                   (venue, symbol, time, trade_id): that one index serves
--                   range reads and gives replay its order for equal times.
--   trade_keys      a venue trade id is unique per (venue, symbol) for all
--                   time, by construction: one row per trade in a plain
--                   table with that primary key (a hypertable cannot hold a
--                   unique key without time). The library's writer claims
--                   the keys of a batch itself (and marks its transaction
--                   with ag_storage.trade_keys_claimed = 'on'); any other
--                   insert into trades claims its key through a trigger.
--                   Keys outlive their trades: a trade re-sent after
--                   retention removed it is still a duplicate.
--   quotes          top of book: bid, bid size, ask, ask size; one per
--                   (venue, symbol, time) (a re-sent quote is a duplicate).
--   book_snapshots  depth snapshots: bid and ask levels as 2-D NUMERIC arrays
--                   of [price, size] (bids best first, i.e. descending;
--                   asks ascending), the depth the venue was asked for and
--                   its optional sequence number.
--   trade_candles_1m, trade_candles_1h, trade_candles_1d
--                   OHLCV candles from the trades (open and close are the
--                   first and last trade in time). With the timescale
--                   license: continuous aggregates, 1h built from 1m and 1d
--                   from 1h (hierarchical, TimescaleDB 2.9+). Elsewhere:
--                   rollup tables, each computed from the trades and
--                   refreshed over a window by ag_storage.refresh_rollup_table.
--                   All registered in ag_storage.rollups with source table
--                   trades (retention and storage stats read a source's time).
--
-- Prices and sizes are NUMERIC(38,18) and positive (CHECK); bid < ask (a
-- crossed or locked quote is refused). With TimescaleDB the three tables are
-- hypertables (1-day chunks); with compression they are compressed after 7
-- days, segmented by venue and symbol. Retention is left to the retention
-- package's registry (none is registered here: ticks are backtest data).

CREATE TABLE "trades" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "price" DECIMAL(38,18) NOT NULL,
    "size" DECIMAL(38,18) NOT NULL,
    "side" TEXT,
    "trade_id" TEXT NOT NULL,
    CONSTRAINT "trades_pkey" PRIMARY KEY ("venue", "symbol", "time", "trade_id"),
    CONSTRAINT "trades_price_positive" CHECK ("price" > 0),
    CONSTRAINT "trades_size_positive" CHECK ("size" > 0),
    CONSTRAINT "trades_side_known" CHECK ("side" IN ('buy', 'sell'))
);
CREATE INDEX "trades_time_idx" ON "trades"("time" DESC);

CREATE TABLE "trade_keys" (
    "venue" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "trade_id" TEXT NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    -- The venue's id first: it tells keys apart at the first column.
    CONSTRAINT "trade_keys_pkey" PRIMARY KEY ("trade_id", "venue", "symbol")
);

-- An insert that did not claim its key (not the library's writer) claims it
-- here; a key another trade holds is a unique violation on trade_keys_pkey.
-- The same trade written again (a restore after retention) passes.
CREATE FUNCTION ag_storage.claim_trade_key() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO trade_keys (venue, symbol, trade_id, time)
  VALUES (NEW.venue, NEW.symbol, NEW.trade_id, NEW.time)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND AND NOT EXISTS (
       SELECT 1 FROM trade_keys k
        WHERE k.venue = NEW.venue AND k.symbol = NEW.symbol AND k.trade_id = NEW.trade_id AND k.time = NEW.time) THEN
    RAISE EXCEPTION 'trade % of % on venue % is already stored', NEW.trade_id, NEW.symbol, NEW.venue
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'trade_keys_pkey';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER trades_claim_key BEFORE INSERT ON trades FOR EACH ROW
  WHEN (current_setting('ag_storage.trade_keys_claimed', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION ag_storage.claim_trade_key();
CREATE TRIGGER trades_key_unchanged BEFORE UPDATE OF venue, symbol, trade_id, time ON trades
  FOR EACH ROW WHEN (OLD.venue IS DISTINCT FROM NEW.venue OR OLD.symbol IS DISTINCT FROM NEW.symbol
                     OR OLD.trade_id IS DISTINCT FROM NEW.trade_id OR OLD.time IS DISTINCT FROM NEW.time)
  EXECUTE FUNCTION ag_storage.refuse_key_change();

CREATE TABLE "quotes" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "bid" DECIMAL(38,18) NOT NULL,
    "bid_size" DECIMAL(38,18) NOT NULL,
    "ask" DECIMAL(38,18) NOT NULL,
    "ask_size" DECIMAL(38,18) NOT NULL,
    CONSTRAINT "quotes_pkey" PRIMARY KEY ("venue", "symbol", "time"),
    CONSTRAINT "quotes_positive" CHECK ("bid" > 0 AND "ask" > 0 AND "bid_size" > 0 AND "ask_size" > 0),
    CONSTRAINT "quotes_not_crossed" CHECK ("bid" < "ask")
);
CREATE INDEX "quotes_time_idx" ON "quotes"("time" DESC);

CREATE TABLE "book_snapshots" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    -- [[price, size], ...]: bids descending, asks ascending.
    "bids" DECIMAL(38,18)[] NOT NULL,
    "asks" DECIMAL(38,18)[] NOT NULL,
    "sequence" BIGINT,
    CONSTRAINT "book_snapshots_pkey" PRIMARY KEY ("venue", "symbol", "time"),
    CONSTRAINT "book_snapshots_depth_positive" CHECK ("depth" > 0)
);
CREATE INDEX "book_snapshots_time_idx" ON "book_snapshots"("time" DESC);

-- Hypertables wherever TimescaleDB is installed; compression where licensed.
DO $$
DECLARE
  license text := ag_storage.timescale_license();
BEGIN
  IF license IS NULL THEN
    RETURN;
  END IF;
  PERFORM create_hypertable('trades',         by_range('time', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('quotes',         by_range('time', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);
  PERFORM create_hypertable('book_snapshots', by_range('time', INTERVAL '1 day'), if_not_exists => true, migrate_data => true);
  IF license <> 'timescale' THEN
    RETURN;
  END IF;
  ALTER TABLE trades         SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, symbol', timescaledb.compress_orderby = 'time DESC, trade_id');
  ALTER TABLE quotes         SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, symbol', timescaledb.compress_orderby = 'time DESC');
  ALTER TABLE book_snapshots SET (timescaledb.compress, timescaledb.compress_segmentby = 'venue, symbol', timescaledb.compress_orderby = 'time DESC');
  PERFORM add_compression_policy('trades',         INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('quotes',         INTERVAL '7 days', if_not_exists => true);
  PERFORM add_compression_policy('book_snapshots', INTERVAL '7 days', if_not_exists => true);
END
$$;

-- Candles from trades.
DO $$
DECLARE
  candle_columns text := $cols$
      bucket       TIMESTAMPTZ NOT NULL,
      venue        TEXT NOT NULL,
      symbol       TEXT NOT NULL,
      open         DECIMAL NOT NULL,
      high         DECIMAL NOT NULL,
      low          DECIMAL NOT NULL,
      close        DECIMAL NOT NULL,
      volume       DECIMAL NOT NULL,
      notional     DECIMAL NOT NULL,
      trade_count  BIGINT NOT NULL,
      PRIMARY KEY (venue, symbol, bucket)$cols$;
  from_trades text := $sql$
      SELECT date_bin(INTERVAL '%s', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, venue, symbol,
             (array_agg(price ORDER BY time ASC, trade_id ASC))[1]   AS open,
             max(price)                                              AS high,
             min(price)                                              AS low,
             (array_agg(price ORDER BY time DESC, trade_id DESC))[1] AS close,
             sum(size)                                               AS volume,
             sum(price * size)                                       AS notional,
             count(*)                                                AS trade_count
      FROM trades
      WHERE time >= $1 AND time < $2
      GROUP BY 1, venue, symbol$sql$;
  width text;
  view_name text;
BEGIN
  IF coalesce(ag_storage.timescale_license() = 'timescale', false) THEN
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW trade_candles_1m
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, venue, symbol,
             first(price, time) AS open, max(price) AS high, min(price) AS low, last(price, time) AS close,
             sum(size) AS volume, sum(price * size) AS notional, count(*) AS trade_count
      FROM trades
      GROUP BY bucket, venue, symbol
      WITH NO DATA$sql$;
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW trade_candles_1h
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket, venue, symbol,
             first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
             sum(volume) AS volume, sum(notional) AS notional, sum(trade_count)::bigint AS trade_count
      FROM trade_candles_1m
      GROUP BY 1, venue, symbol
      WITH NO DATA$sql$;
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW trade_candles_1d
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 day', bucket) AS bucket, venue, symbol,
             first(open, bucket) AS open, max(high) AS high, min(low) AS low, last(close, bucket) AS close,
             sum(volume) AS volume, sum(notional) AS notional, sum(trade_count)::bigint AS trade_count
      FROM trade_candles_1h
      GROUP BY 1, venue, symbol
      WITH NO DATA$sql$;
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, refresh_lookback, default_refresh_lookback) VALUES
      ('trade_candles_1m', 'trades',           'bucket', INTERVAL '1 minute', 'continuous_aggregate', INTERVAL '3 days', INTERVAL '3 days'),
      ('trade_candles_1h', 'trades',           'bucket', INTERVAL '1 hour',   'continuous_aggregate', INTERVAL '3 days', INTERVAL '3 days'),
      ('trade_candles_1d', 'trades',           'bucket', INTERVAL '1 day',    'continuous_aggregate', INTERVAL '3 days', INTERVAL '3 days');
    PERFORM add_continuous_aggregate_policy('trade_candles_1m', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 minute',
      schedule_interval => INTERVAL '5 minutes', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('trade_candles_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
      schedule_interval => INTERVAL '30 minutes', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('trade_candles_1d', start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
  ELSE
    FOREACH width IN ARRAY ARRAY['1 minute', '1 hour', '1 day'] LOOP
      view_name := 'trade_candles_' || CASE width WHEN '1 minute' THEN '1m' WHEN '1 hour' THEN '1h' ELSE '1d' END;
      EXECUTE format('CREATE TABLE %I (%s)', view_name, candle_columns);
      INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, select_sql, refresh_lookback, default_refresh_lookback)
      VALUES (view_name, 'trades', 'bucket', width::interval, 'table', format(from_trades, width), INTERVAL '3 days', INTERVAL '3 days');
    END LOOP;
  END IF;
END
$$;
