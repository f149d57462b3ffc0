-- Tables, constraints and indexes of the data model (DESIGN §3). Plain
-- PostgreSQL only: the TimescaleDB parts come in later migrations, guarded by
-- what the server supports.

-- A schema for the library's own helpers (capability probes used by the
-- migrations that follow).
CREATE SCHEMA IF NOT EXISTS ag_storage;

-- 'timescale', 'apache' or NULL (no TimescaleDB installed).
CREATE OR REPLACE FUNCTION ag_storage.timescale_license() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RETURN NULL;
  END IF;
  RETURN coalesce(current_setting('timescaledb.license', true), 'timescale');
END
$$;

-- Enums
CREATE TYPE "event_severity" AS ENUM ('debug', 'info', 'warning', 'error', 'critical');
CREATE TYPE "order_side" AS ENUM ('buy', 'sell');
CREATE TYPE "order_type" AS ENUM ('market', 'limit', 'stop', 'stop_limit');
CREATE TYPE "order_status" AS ENUM ('new', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired');
CREATE TYPE "time_in_force" AS ENUM ('gtc', 'ioc', 'fok', 'gtd', 'post_only');

-- Metrics: a series table and a narrow points table.
CREATE TABLE "metric_series" (
    "id" SERIAL NOT NULL,
    "metric_name" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "metric_series_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "metric_series_metric_name_labels_key" ON "metric_series"("metric_name", "labels");
CREATE INDEX "metric_series_labels_idx" ON "metric_series" USING GIN ("labels");

-- No foreign key to metric_series on purpose: a per-row FK check would cost
-- the hot ingest path an index probe per point; series ids come from the
-- library's own resolver.
CREATE TABLE "metric_points" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "series_id" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "metric_points_pkey" PRIMARY KEY ("series_id", "time")
);
CREATE INDEX "metric_points_time_idx" ON "metric_points"("time" DESC);

-- Events
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" "event_severity" NOT NULL DEFAULT 'info',
    "source" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "events_pkey" PRIMARY KEY ("id", "time")
);
CREATE INDEX "events_kind_time_idx" ON "events"("kind", "time" DESC);
CREATE INDEX "events_time_idx" ON "events"("time" DESC);

-- Orders: a regular table (mutable rows, globally unique ids).
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "side" "order_side" NOT NULL,
    "order_type" "order_type" NOT NULL,
    "price" DECIMAL(38,18),
    "size" DECIMAL(38,18) NOT NULL,
    "filled_size" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "status" "order_status" NOT NULL DEFAULT 'new',
    "client_order_id" TEXT NOT NULL,
    "venue_order_id" TEXT,
    "time_in_force" "time_in_force",
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "orders_size_positive" CHECK ("size" > 0),
    CONSTRAINT "orders_filled_size_range" CHECK ("filled_size" >= 0 AND "filled_size" <= "size")
);
CREATE UNIQUE INDEX "orders_client_order_id_key" ON "orders"("client_order_id");
CREATE INDEX "orders_venue_market_time_idx" ON "orders"("venue", "market", "time" DESC);
CREATE INDEX "orders_time_idx" ON "orders"("time" DESC);
CREATE INDEX "orders_active_idx" ON "orders"("venue", "market") WHERE "status" IN ('new', 'open', 'partially_filled');

-- Fills
CREATE TABLE "fills" (
    "id" UUID NOT NULL,
    "time" TIMESTAMPTZ(6) NOT NULL,
    "order_id" UUID NOT NULL,
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "side" "order_side" NOT NULL,
    "price" DECIMAL(38,18) NOT NULL,
    "size" DECIMAL(38,18) NOT NULL,
    "fee" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "fee_currency" TEXT,
    "venue_fill_id" TEXT NOT NULL,
    CONSTRAINT "fills_pkey" PRIMARY KEY ("id", "time"),
    CONSTRAINT "fills_size_positive" CHECK ("size" > 0),
    CONSTRAINT "fills_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "fills_venue_venue_fill_id_time_key" ON "fills"("venue", "venue_fill_id", "time");
CREATE INDEX "fills_order_id_time_idx" ON "fills"("order_id", "time");
CREATE INDEX "fills_venue_market_time_idx" ON "fills"("venue", "market", "time" DESC);

-- Positions
CREATE TABLE "positions" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "size" DECIMAL(38,18) NOT NULL,
    "avg_entry_price" DECIMAL(38,18),
    "unrealized_pnl" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "realized_pnl" DECIMAL(38,18) NOT NULL DEFAULT 0,
    CONSTRAINT "positions_pkey" PRIMARY KEY ("venue", "market", "time")
);

-- Candles
CREATE TABLE "candles" (
    "time" TIMESTAMPTZ(6) NOT NULL,
    "venue" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "timeframe" TEXT NOT NULL,
    "open" DECIMAL(38,18) NOT NULL,
    "high" DECIMAL(38,18) NOT NULL,
    "low" DECIMAL(38,18) NOT NULL,
    "close" DECIMAL(38,18) NOT NULL,
    "volume" DECIMAL(38,18) NOT NULL,
    CONSTRAINT "candles_pkey" PRIMARY KEY ("venue", "symbol", "timeframe", "time"),
    CONSTRAINT "candles_ohlc_consistent" CHECK ("high" >= GREATEST("open", "close") AND "low" <= LEAST("open", "close")),
    CONSTRAINT "candles_volume_non_negative" CHECK ("volume" >= 0)
);
