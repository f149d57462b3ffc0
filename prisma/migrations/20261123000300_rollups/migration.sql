-- Rollups that long-range queries read from: metrics_hourly, metrics_daily,
-- fills_daily_stats and orders_daily_stats.
--
-- With the timescale license, metrics_hourly, metrics_daily and
-- fills_daily_stats are continuous aggregates with refresh policies and
-- real-time aggregation (materialized_only = false). Elsewhere (apache-only,
-- plain PostgreSQL) they are rollup TABLES that the library refreshes over a
-- window (ag_storage.refresh_rollup_table): a window is recomputed from the raw
-- rows and everything outside it is kept, so rollups keep answering for
-- periods whose raw data retention has already dropped. orders is a regular
-- table (orders are mutable), so orders_daily_stats is a rollup table on every
-- engine, refreshed for the days of the orders changed since the last refresh.
--
-- Continuous aggregates are created WITH NO DATA: that form may run inside a
-- transaction (WITH DATA may not), so this migration stays transactional.
-- Their first refresh is the scheduler's job. Percentiles use percentile_cont.

CREATE TABLE ag_storage.rollups (
    view_name          TEXT PRIMARY KEY,
    source_table       TEXT NOT NULL,
    bucket_column      TEXT NOT NULL,
    bucket_width       INTERVAL NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('continuous_aggregate', 'table')),
    -- For rollup tables: INSERT body computing the rollup for source rows with
    -- time in [$1, $2); run by ag_storage.refresh_rollup_table.
    select_sql         TEXT,
    -- A default refresh recomputes from (last refresh - lookback): late rows
    -- older than that need an explicit range, as with TimescaleDB's start_offset.
    refresh_lookback   INTERVAL NOT NULL,
    -- When set, a default refresh also covers the time of every source row
    -- whose change_column moved since the last refresh (mutable sources).
    change_column      TEXT,
    last_refreshed_at  TIMESTAMPTZ
);

DO $$
DECLARE
  continuous boolean := coalesce(ag_storage.timescale_license() = 'timescale', false);
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
  lookback interval;
BEGIN
  FOREACH width IN ARRAY ARRAY['hour', 'day'] LOOP
    view_name := CASE width WHEN 'hour' THEN 'metrics_hourly' ELSE 'metrics_daily' END;
    lookback := CASE width WHEN 'hour' THEN INTERVAL '3 days' ELSE INTERVAL '7 days' END;
    IF continuous THEN
      EXECUTE format($sql$
        CREATE MATERIALIZED VIEW %I
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT time_bucket(INTERVAL '1 %s', time) AS bucket, series_id, %s,
               first(value, time) AS first, last(value, time) AS last
        FROM metric_points
        GROUP BY bucket, series_id
        WITH NO DATA$sql$, view_name, width, metric_stats);
      INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, refresh_lookback)
      VALUES (view_name, 'metric_points', 'bucket', ('1 ' || width)::interval, 'continuous_aggregate', lookback);
    ELSE
      EXECUTE format($sql$
        CREATE TABLE %I (
          bucket TIMESTAMPTZ NOT NULL, series_id INTEGER NOT NULL,
          count BIGINT NOT NULL, sum DOUBLE PRECISION, avg DOUBLE PRECISION,
          min DOUBLE PRECISION, max DOUBLE PRECISION, stddev DOUBLE PRECISION,
          p50 DOUBLE PRECISION, p90 DOUBLE PRECISION, p95 DOUBLE PRECISION, p99 DOUBLE PRECISION,
          first DOUBLE PRECISION, last DOUBLE PRECISION,
          PRIMARY KEY (series_id, bucket)
        )$sql$, view_name);
      INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, select_sql, refresh_lookback)
      VALUES (view_name, 'metric_points', 'bucket', ('1 ' || width)::interval, 'table', format($sql$
        SELECT date_bin(INTERVAL '1 %s', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, series_id, %s,
               (array_agg(value ORDER BY time ASC))[1]  AS first,
               (array_agg(value ORDER BY time DESC))[1] AS last
        FROM metric_points
        WHERE time >= $1 AND time < $2
        GROUP BY 1, series_id$sql$, width, metric_stats), lookback);
    END IF;
  END LOOP;

  IF continuous THEN
    EXECUTE format($sql$
      CREATE MATERIALIZED VIEW fills_daily_stats
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT time_bucket(INTERVAL '1 day', time) AS day, venue, market, %s
      FROM fills
      GROUP BY day, venue, market
      WITH NO DATA$sql$, fill_stats);
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, refresh_lookback)
    VALUES ('fills_daily_stats', 'fills', 'day', INTERVAL '1 day', 'continuous_aggregate', INTERVAL '7 days');

    PERFORM add_continuous_aggregate_policy('metrics_hourly',
      start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
      schedule_interval => INTERVAL '30 minutes', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('metrics_daily',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
    PERFORM add_continuous_aggregate_policy('fills_daily_stats',
      start_offset => INTERVAL '7 days', end_offset => INTERVAL '1 day',
      schedule_interval => INTERVAL '1 hour', if_not_exists => true);
  ELSE
    CREATE TABLE fills_daily_stats (
      day TIMESTAMPTZ NOT NULL, venue TEXT NOT NULL, market TEXT NOT NULL,
      fill_count BIGINT NOT NULL, volume DECIMAL, notional DECIMAL, fees DECIMAL, vwap DECIMAL,
      buy_volume DECIMAL NOT NULL, sell_volume DECIMAL NOT NULL,
      PRIMARY KEY (venue, market, day)
    );
    INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, select_sql, refresh_lookback)
    VALUES ('fills_daily_stats', 'fills', 'day', INTERVAL '1 day', 'table', format($sql$
      SELECT date_bin(INTERVAL '1 day', time, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS day, venue, market, %s
      FROM fills
      WHERE time >= $1 AND time < $2
      GROUP BY 1, venue, market$sql$, fill_stats), INTERVAL '7 days');
  END IF;
END
$$;

-- orders is a regular table: a rollup table on every engine.
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
INSERT INTO ag_storage.rollups (view_name, source_table, bucket_column, bucket_width, kind, select_sql, refresh_lookback, change_column)
VALUES ('orders_daily_stats', 'orders', 'day', INTERVAL '1 day', 'table', $sql$
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
  GROUP BY 1, venue, market$sql$, INTERVAL '1 day', 'updated_at');

-- Completeness bookkeeping for rollup tables that a reader wants to trust
-- bucket by bucket (the metrics library registers its rollups here). Per
-- bucket two facts are kept, written by different parties so that writers and
-- refreshes never wait on each other:
--
--   ag_storage.rollup_bucket_changes   the last transaction that inserted or
--                                      updated source rows in the bucket
--                                      (statement triggers calling
--                                      ag_storage.record_rollup_bucket_changes);
--   ag_storage.rollup_bucket_refreshes the snapshot a refresh recomputed the
--                                      bucket from (refresh_rollup_table).
--
-- A bucket is complete when it was refreshed and its last change is visible
-- in that refresh's snapshot. Deletes do not invalidate: rollups keep
-- answering for ranges whose raw rows retention removed, as continuous
-- aggregates do after drop_chunks.

CREATE TABLE ag_storage.tracked_rollups (
    view_name TEXT PRIMARY KEY REFERENCES ag_storage.rollups (view_name) ON DELETE CASCADE
);

CREATE TABLE ag_storage.rollup_bucket_changes (
    view_name  TEXT NOT NULL,
    bucket     TIMESTAMPTZ NOT NULL,
    changed_by XID8 NOT NULL,
    PRIMARY KEY (view_name, bucket)
);

CREATE TABLE ag_storage.rollup_bucket_refreshes (
    view_name TEXT NOT NULL,
    bucket    TIMESTAMPTZ NOT NULL,
    snapshot  PG_SNAPSHOT NOT NULL,
    PRIMARY KEY (view_name, bucket)
);

-- Records the buckets of every tracked rollup that a statement on the source
-- table touched. Rows are upserted in a fixed order so that concurrent
-- writers never deadlock; the upsert's row lock orders writers of one bucket,
-- so the recorded transaction is always the last one to commit.
CREATE FUNCTION ag_storage.record_rollup_bucket_changes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  low TIMESTAMPTZ;
  high TIMESTAMPTZ;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT min(t), max(t) INTO low, high FROM (SELECT time AS t FROM new_rows UNION ALL SELECT time FROM old_rows) changed;
  ELSE
    SELECT min(time), max(time) INTO low, high FROM new_rows;
  END IF;
  IF low IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO ag_storage.rollup_bucket_changes AS c (view_name, bucket, changed_by)
  SELECT r.view_name, b, pg_current_xact_id()
    FROM ag_storage.rollups r
    JOIN ag_storage.tracked_rollups t USING (view_name)
   CROSS JOIN LATERAL generate_series(
           date_bin(r.bucket_width, low, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           high, r.bucket_width) AS b
   WHERE r.source_table = TG_TABLE_NAME
   ORDER BY r.view_name, b
  ON CONFLICT (view_name, bucket) DO UPDATE SET changed_by = excluded.changed_by;
  RETURN NULL;
END
$fn$;

-- Recomputes a rollup table for the buckets overlapping [from_time, to_time):
-- the window is widened to whole buckets, its rows are deleted and rebuilt
-- from the source; rows outside the window are kept. Returns the rows written.
CREATE FUNCTION ag_storage.refresh_rollup_table(rollup TEXT, from_time TIMESTAMPTZ, to_time TIMESTAMPTZ)
RETURNS BIGINT LANGUAGE plpgsql AS $fn$
DECLARE
  r ag_storage.rollups%ROWTYPE;
  origin CONSTANT TIMESTAMPTZ := TIMESTAMPTZ '2000-01-01 00:00:00+00';
  window_start TIMESTAMPTZ;
  window_end TIMESTAMPTZ;
  written BIGINT;
BEGIN
  SELECT * INTO r FROM ag_storage.rollups WHERE view_name = rollup AND kind = 'table';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ag_storage: % is not a rollup table', rollup USING ERRCODE = '22023';
  END IF;
  -- Two processes refreshing the same rollup wait for each other.
  PERFORM pg_advisory_xact_lock(hashtext('ag_storage.refresh_rollup_table'), hashtext(rollup));
  window_start := date_bin(r.bucket_width, from_time, origin);
  window_end := date_bin(r.bucket_width, to_time, origin);
  IF window_end < to_time THEN
    window_end := window_end + r.bucket_width;
  END IF;
  -- For tracked rollups, the snapshot each bucket is recomputed from; taken
  -- before the recomputation, so it never claims more than it saw.
  IF EXISTS (SELECT 1 FROM ag_storage.tracked_rollups WHERE view_name = rollup) THEN
    INSERT INTO ag_storage.rollup_bucket_refreshes (view_name, bucket, snapshot)
    SELECT rollup, b, pg_current_snapshot()
      FROM generate_series(window_start, window_end - r.bucket_width, r.bucket_width) AS b
    ON CONFLICT (view_name, bucket) DO UPDATE SET snapshot = excluded.snapshot;
  END IF;
  EXECUTE format('DELETE FROM %I WHERE %I >= $1 AND %I < $2', r.view_name, r.bucket_column, r.bucket_column)
    USING window_start, window_end;
  EXECUTE format('INSERT INTO %I %s', r.view_name, r.select_sql) USING window_start, window_end;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$fn$;
