-- Rollups that long-range queries read from: metrics_hourly, metrics_daily,
-- fills_daily_stats and orders_daily_stats.
--
-- With the timescale license they are continuous aggregates with refresh
-- policies and real-time aggregation (materialized_only = false), so they
-- always agree with the raw tables. Elsewhere (apache-only, plain PostgreSQL)
-- they are materialized views that the library's scheduler refreshes.
-- orders is a regular table (see the first migration), so orders_daily_stats
-- is a materialized view on every engine.
--
-- Continuous aggregates are created WITH NO DATA: that form may run inside a
-- transaction (WITH DATA may not), so this migration stays transactional.
-- Their first refresh is done by the scheduler, not here.
--
-- Percentiles use percentile_cont (continuous) semantics.

-- Which rollups exist, of which kind, and up to when they were last refreshed
-- by the library (continuous aggregates keep their own watermark).
CREATE TABLE ag_storage.rollups (
    view_name          TEXT PRIMARY KEY,
    source_table       TEXT NOT NULL,
    bucket_width       INTERVAL NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('continuous_aggregate', 'materialized_view')),
    last_refreshed_at  TIMESTAMPTZ
);

DO $$
DECLARE
  continuous boolean := coalesce(ag_storage.timescale_license() = 'timescale', false);
  -- The statistics every metrics rollup keeps, written once for both kinds.
  metric_stats text := $stats$
      count(*)                                             AS count,
      sum(value)                                           AS sum,
      avg(value)                                           AS avg,
      min(value)                                           AS min,
      max(value)                                           AS max,
      stddev_samp(value)                                   AS stddev,
      percentile_cont(0.5)  WITHIN GROUP (ORDER BY value)  AS p50,
      percentile_cont(0.9)  WITHIN GROUP (ORDER BY value)  AS p90,
      percentile_cont(0.95) WITHIN GROUP (ORDER BY value)  AS p95,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY value)  AS p99$stats$;
  fill_stats text := $stats$
      count(*)                                    AS fill_count,
      sum(size)                                   AS volume,
      sum(price * size)                           AS notional,
      sum(fee)                                    AS fees,
      sum(price * size) / NULLIF(sum(size), 0)    AS vwap,
      coalesce(sum(size) FILTER (WHERE side = 'buy'), 0)  AS buy_volume,
      coalesce(sum(size) FILTER (WHERE side = 'sell'), 0) AS sell_volume$stats$;
  width text;
  view_name text;
BEGIN
  FOREACH width IN ARRAY ARRAY['hour', 'day'] LOOP
    view_name := CASE width WHEN 'hour' THEN 'metrics_hourly' ELSE 'metrics_daily' END;
    IF continuous THEN
      EXECUTE format($sql$
        CREATE MATERIALIZED VIEW %I
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT time_bucket(INTERVAL '1 %s', time) AS bucket, series_id, %s,
               first(value, time) AS first, last(value, time) AS last
        FROM metric_points
        GROUP BY bucket, series_id
        WITH NO DATA$sql$, view_name, width, metric_stats);
    ELSE
      EXECUTE format($sql$
        CREATE MATERIALIZED VIEW %I AS
        SELECT date_bin(INTERVAL '1 %s', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, series_id, %s,
               (array_agg(value ORDER BY time ASC))[1]  AS first,
               (array_agg(value ORDER BY time DESC))[1] AS last
        FROM metric_points
        GROUP BY 1, series_id$sql$, view_name, width, metric_stats);
    END IF;
    IF NOT continuous THEN
      -- Unique so the scheduler can REFRESH ... CONCURRENTLY; continuous
      -- aggregates index their group-by columns themselves.
      EXECUTE format('CREATE UNIQUE INDEX %I ON %I (series_id, bucket DESC)', view_name || '_series_bucket_key', view_name);
    END IF;
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_width, kind)
    VALUES (view_name, 'metric_points', ('1 ' || width)::interval,
            CASE WHEN continuous THEN 'continuous_aggregate' ELSE 'materialized_view' END);
  END LOOP;

  IF continuous THEN
    EXECUTE format($sql$
      CREATE MATERIALIZED VIEW fills_daily_stats
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 day', time) AS day, venue, market, %s
      FROM fills
      GROUP BY day, venue, market
      WITH NO DATA$sql$, fill_stats);
  ELSE
    EXECUTE format($sql$
      CREATE MATERIALIZED VIEW fills_daily_stats AS
      SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day, venue, market, %s
      FROM fills
      GROUP BY 1, venue, market$sql$, fill_stats);
  END IF;
  IF NOT continuous THEN
    CREATE UNIQUE INDEX fills_daily_stats_key ON fills_daily_stats (venue, market, day DESC);
  END IF;
  INSERT INTO ag_storage.rollups (view_name, source_table, bucket_width, kind)
  VALUES ('fills_daily_stats', 'fills', INTERVAL '1 day',
          CASE WHEN continuous THEN 'continuous_aggregate' ELSE 'materialized_view' END);

  IF continuous THEN
    PERFORM add_continuous_aggregate_policy('metrics_hourly',
      start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
      schedule_interval => INTERVAL '30 minutes', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('metrics_daily',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('fills_daily_stats',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
  END IF;
END
$$;

-- orders is a regular table: a materialized view on every engine.
CREATE MATERIALIZED VIEW orders_daily_stats AS
SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day,
       venue,
       market,
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
GROUP BY 1, venue, market;
CREATE UNIQUE INDEX orders_daily_stats_key ON orders_daily_stats (venue, market, day DESC);
INSERT INTO ag_storage.rollups (view_name, source_table, bucket_width, kind)
VALUES ('orders_daily_stats', 'orders', INTERVAL '1 day', 'materialized_view');
