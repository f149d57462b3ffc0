-- Least-privilege roles. Two group roles (NOLOGIN): ag_storage_writer (read
-- and write data, run the library's refresh functions; no DDL) and
-- ag_storage_reader (read only). Applications log in as their own users
-- made members of one of them:
--   CREATE ROLE bot LOGIN PASSWORD '...' IN ROLE ag_storage_writer;
--   CREATE ROLE grafana LOGIN PASSWORD '...' IN ROLE ag_storage_reader;
-- Migrations themselves run as the owner (the user that created the schema).
-- Roles are cluster-wide: they are created once and reused by every database
-- on the server; grants are per database. Where the migrating user may not
-- create roles (some managed services), this migration only grants to roles
-- that already exist, and says so.

DO $$
DECLARE
  may_create boolean := (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user);
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['ag_storage_writer', 'ag_storage_reader'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
      IF may_create THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
      ELSE
        RAISE NOTICE 'ag-storage: % does not exist and % may not create roles; skipping its grants', role_name, current_user;
      END IF;
    END IF;
  END LOOP;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ag_storage_reader') THEN
    GRANT USAGE ON SCHEMA public, ag_storage TO ag_storage_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO ag_storage_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA ag_storage TO ag_storage_reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ag_storage_reader;
    ALTER DEFAULT PRIVILEGES IN SCHEMA ag_storage GRANT SELECT ON TABLES TO ag_storage_reader;
  END IF;

  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ag_storage_writer') THEN
    GRANT USAGE ON SCHEMA public, ag_storage TO ag_storage_writer;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ag_storage_writer;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ag_storage TO ag_storage_writer;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ag_storage_writer;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ag_storage TO ag_storage_writer;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ag_storage_writer;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ag_storage_writer;
    ALTER DEFAULT PRIVILEGES IN SCHEMA ag_storage GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ag_storage_writer;
    ALTER DEFAULT PRIVILEGES IN SCHEMA ag_storage GRANT EXECUTE ON FUNCTIONS TO ag_storage_writer;
  END IF;
END
$$;
