-- One number that changes whenever the set of metric series changes: a
-- statement trigger on metric_series adds one to it in the same transaction
-- as every insert that added a series, and every update, delete or truncate.
-- A read that remembers which series a filter matched (remembered-series.ts)
-- checks this number in its own statement instead of filtering metric_series
-- again: equal means the same series exist as when it looked them up.
-- The row lock of the update orders the transactions that change series, so
-- the number a snapshot sees tells exactly which of them it sees. Series are
-- created once each (the resolver's autocommit INSERT ... ON CONFLICT), so the
-- lock is held for one short statement, rarely.
CREATE TABLE ag_storage.series_generation (
  only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
  generation BIGINT NOT NULL
);
INSERT INTO ag_storage.series_generation (generation) VALUES (0);

CREATE FUNCTION ag_storage.advance_series_generation() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- ON CONFLICT DO NOTHING may have added nothing: then nothing changed.
    IF NOT EXISTS (SELECT 1 FROM added_series) THEN
      RETURN NULL;
    END IF;
  END IF;
  UPDATE ag_storage.series_generation SET generation = generation + 1;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER metric_series_generation_on_insert
  AFTER INSERT ON metric_series REFERENCING NEW TABLE AS added_series
  FOR EACH STATEMENT EXECUTE FUNCTION ag_storage.advance_series_generation();

CREATE TRIGGER metric_series_generation_on_change
  AFTER UPDATE OR DELETE OR TRUNCATE ON metric_series
  FOR EACH STATEMENT EXECUTE FUNCTION ag_storage.advance_series_generation();
