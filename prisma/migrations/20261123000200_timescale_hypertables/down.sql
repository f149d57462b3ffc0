-- Reverts 20261123000200_timescale_hypertables: removes the policies,
-- decompresses every chunk and turns compression off. TimescaleDB cannot turn
-- a hypertable back into a plain table; the tables stay hypertables, which
-- read and write like tables, and re-applying this migration is safe.
DO $$
DECLARE
  license text := ag_storage.timescale_license();
  t text;
BEGIN
  IF license IS DISTINCT FROM 'timescale' THEN
    RETURN;
  END IF;
  FOREACH t IN ARRAY ARRAY['metric_points', 'events', 'fills', 'positions', 'candles'] LOOP
    PERFORM remove_retention_policy(t, if_exists => true);
    PERFORM remove_compression_policy(t, if_exists => true);
    PERFORM decompress_chunk(c, if_compressed => true) FROM show_chunks(t) c;
    EXECUTE format('ALTER TABLE %I SET (timescaledb.compress = false)', t);
  END LOOP;
END
$$;
