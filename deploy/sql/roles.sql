-- The database roles of mpesa-callbackd. A DBA runs this once per database,
-- as a superuser, before the first `mpesa-callbackd migrate`:
--
--   psql --dbname=mpesa --file=roles.sql
--   psql --dbname=mpesa --command='\password mpesa_owner'
--   psql --dbname=mpesa --command='\password mpesa_daemon'
--
-- mpesa_owner  owns the schema `mpesa`: `mpesa-callbackd migrate` connects
--              as it and creates or changes every table.
-- mpesa_daemon is what the running daemon connects as. It reads and inserts
--              rows and updates the few columns that settle a push; it can
--              delete nothing, change no payment and create nothing. Its
--              privileges are granted by migration 4 (and by any later
--              migration that adds a table it uses), so that they follow the
--              schema.
-- mpesa_finance is the group role of finance staff (NOLOGIN): migration 3
--              grants it the reporting views. It is made here so that the
--              owner, which cannot create roles, need not.
--
-- Running it again does no harm. Passwords are never written here.
\set ON_ERROR_STOP on

BEGIN;

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mpesa_owner') THEN
        CREATE ROLE mpesa_owner LOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mpesa_daemon') THEN
        CREATE ROLE mpesa_daemon LOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mpesa_finance') THEN
        CREATE ROLE mpesa_finance NOLOGIN;
    END IF;
    -- The daemon answers within two seconds; a statement stuck far longer is
    -- a fault to surface, not to wait for.
    ALTER ROLE mpesa_daemon SET statement_timeout = '30s';
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO mpesa_owner', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO mpesa_daemon', current_database());
END
$roles$;

-- A database that was migrated before these roles existed: hand the schema
-- and what is in it to the owner, and have the next `migrate` apply the
-- migrations that only grant to the daemon (4, 8 and 10) again, now that
-- their role exists (GRANTs are idempotent).
DO $adopt$
DECLARE
    relation record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'mpesa') THEN
        RETURN;
    END IF;
    ALTER SCHEMA mpesa OWNER TO mpesa_owner;
    FOR relation IN
        SELECT c.relname
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'mpesa' AND c.relkind IN ('r', 'p', 'v', 'm')
    LOOP
        EXECUTE format('ALTER TABLE mpesa.%I OWNER TO mpesa_owner', relation.relname);
    END LOOP;
    IF to_regclass('mpesa.schema_migrations') IS NOT NULL THEN
        -- Every grant-only migration (DatabaseRoleTests checks the list).
        DELETE FROM mpesa.schema_migrations WHERE version IN (4, 8, 10);
    END IF;
END
$adopt$;

COMMIT;
