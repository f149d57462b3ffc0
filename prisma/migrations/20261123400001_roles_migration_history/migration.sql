-- The migration history is the owner's: 20261123400000_roles granted the
-- writer every table of the public schema, _prisma_migrations included, so an
-- application login could rewrite or delete the record of what was applied.
-- Both roles keep reading it (health() reports pending migrations).

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ag_storage_writer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _prisma_migrations FROM ag_storage_writer;
    GRANT SELECT ON _prisma_migrations TO ag_storage_writer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ag_storage_reader') THEN
    GRANT SELECT ON _prisma_migrations TO ag_storage_reader;
  END IF;
END
$$;
