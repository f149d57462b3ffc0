-- An index on time for the time-series tables that lacked one on plain
-- PostgreSQL, so that retention deletes old rows in bounded batches without
-- scanning the table for each batch. TimescaleDB already created these
-- (create_hypertable's default index, same names): there this is a no-op.
CREATE INDEX IF NOT EXISTS "fills_time_idx" ON "fills"("time" DESC);
CREATE INDEX IF NOT EXISTS "positions_time_idx" ON "positions"("time" DESC);
CREATE INDEX IF NOT EXISTS "candles_time_idx" ON "candles"("time" DESC);
