-- fill_candles_1m: one-minute OHLCV candles built from the fills, per venue
-- and market (open/close = first/last fill price by time, volume = sum of
-- sizes, notional = sum of price * size, trade_count = number of fills).
-- MarketDataStore resamples it to larger timeframes.
--
-- With the timescale license it is a continuous aggregate (real-time, with a
-- refresh policy), like fills_daily_stats; elsewhere a rollup table refreshed
-- by ag_storage.refresh_rollup_table over a window. Both are registered in
-- ag_storage.rollups, so core's refreshRollup / refreshAllRollups and the
-- retention scheduler treat it like the other rollups. Created WITH NO DATA,
-- so this migration stays transactional.

DO $$
BEGIN
  IF coalesce(ag_storage.timescale_license() = 'timescale', false) THEN
    EXECUTE $sql$
      CREATE MATERIALIZED VIEW fill_candles_1m
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 minute', time) AS bucket, venue, market,
             first(price, time)  AS open,
             max(price)          AS high,
             min(price)          AS low,
             last(price, time)   AS close,
             sum(size)           AS volume,
             sum(price * size)   AS notional,
             count(*)            AS trade_count
      FROM fills
      GROUP BY bucket, venue, market
      WITH NO DATA$sql$;
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, refresh_lookback)
    VALUES ('fill_candles_1m', 'fills', 'bucket', INTERVAL '1 minute', 'continuous_aggregate', INTERVAL '3 days');
    PERFORM add_continuous_aggregate_policy('fill_candles_1m',
      start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 minute',
      schedule_interval => INTERVAL '5 minutes', if_not_exists => true);
  ELSE
    CREATE TABLE fill_candles_1m (
      bucket       TIMESTAMPTZ NOT NULL,
      venue        TEXT NOT NULL,
      market       TEXT NOT NULL,
      open         DECIMAL NOT NULL,
      high         DECIMAL NOT NULL,
      low          DECIMAL NOT NULL,
      close        DECIMAL NOT NULL,
      volume       DECIMAL NOT NULL,
      notional     DECIMAL NOT NULL,
      trade_count  BIGINT NOT NULL,
      PRIMARY KEY (venue, market, bucket)
    );
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, select_sql, refresh_lookback)
    VALUES ('fill_candles_1m', 'fills', 'bucket', INTERVAL '1 minute', 'table', $sql$
      SELECT date_bin(INTERVAL '1 minute', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, venue, market,
             (array_agg(price ORDER BY time ASC, id ASC))[1]   AS open,
             max(price)                                        AS high,
             min(price)                                        AS low,
             (array_agg(price ORDER BY time DESC, id DESC))[1] AS close,
             sum(size)                                         AS volume,
             sum(price * size)                                 AS notional,
             count(*)                                          AS trade_count
      FROM fills
      WHERE time >= $1 AND time < $2
      GROUP BY 1, venue, market$sql$, INTERVAL '3 days');
  END IF;
END
$$;
