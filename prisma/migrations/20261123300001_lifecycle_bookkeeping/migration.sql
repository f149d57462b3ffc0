-- Bookkeeping of the data lifecycle (@ag/storage-retention).
--
-- lifecycle_runs: one row per pass a scheduler ran (retention, rollup
-- refresh, a TimescaleDB job run by the library, a job health check), with
-- its outcome. The scheduler reads it to decide what is due, so that in a
-- fleet a pass runs once per interval whichever process gets there first.
--
-- retention_watermarks: per table, the time before which the library may
-- have removed rows (whole chunks, batches, or one metric's series). Rollups
-- are never refreshed below it: recomputing a bucket whose raw rows are gone
-- would erase the rollup there.
--
-- rollups.default_refresh_lookback keeps the lookback the rollups migration
-- chose; refresh_lookback itself is narrowed when a retention is shorter.

CREATE TABLE ag_storage.lifecycle_runs (
    id           BIGSERIAL PRIMARY KEY,
    task         TEXT NOT NULL,
    runner       TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    error        TEXT,
    report       JSONB
);
CREATE INDEX lifecycle_runs_task_started_idx ON ag_storage.lifecycle_runs (task, started_at DESC);

CREATE TABLE ag_storage.retention_watermarks (
    table_name      TEXT PRIMARY KEY,
    removed_before  TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE ag_storage.rollups ADD COLUMN default_refresh_lookback INTERVAL;
UPDATE ag_storage.rollups SET default_refresh_lookback = refresh_lookback;
ALTER TABLE ag_storage.rollups ALTER COLUMN default_refresh_lookback SET NOT NULL;
