-- Reverts 20261123400001_roles_migration_history: the writer may write the
-- migration history again, as 20261123400000_roles left it.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ag_storage_writer') THEN
    GRANT INSERT, UPDATE, DELETE ON _prisma_migrations TO ag_storage_writer;
  END IF;
END
$$;
