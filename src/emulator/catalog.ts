import { READ_ONLY_SQLSTATE, readOnlyDatabaseMessage } from "./database-schemas.js";
import { CATALOG_SCHEMA } from "./dialect-shim.js";
import { DEFAULT_SUPERUSER } from "./principals.js";
import { quoteIdentifier, quoteLiteral } from "./sql-tokens.js";
import { zeroEtlStatesSql } from "./zero-etl-states.js";

/** Internal bookkeeping (write tracking, view metadata, database mapping); hidden from the catalog views. */
export const INTERNAL_SCHEMA = "redshift_emulator";
/** Redshift types and functions Postgres lacks (`SUPER`, `GETDATE()`, …); on the search path. */
export const TYPES_SCHEMA = "redshift_types";

const HIDDEN_SCHEMAS = [
  "pg_catalog",
  "information_schema",
  "pg_toast",
  CATALOG_SCHEMA,
  INTERNAL_SCHEMA,
  TYPES_SCHEMA,
];

/** The schemas the setup fills (see bootstrapSql). */
const SETUP_SCHEMAS = [INTERNAL_SCHEMA, TYPES_SCHEMA, CATALOG_SCHEMA].map(quoteLiteral).join(", ");

/**
 * What the setup has made, counted: relations, functions and types in its schemas, and the superuser.
 * A setup object dropped since (the schemas are the emulator's own, but the superuser can reach them)
 * changes the count, so the setup is run again.
 */
const SETUP_OBJECTS = `(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN (${SETUP_SCHEMAS}))
  + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN (${SETUP_SCHEMAS}))
  + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname IN (${SETUP_SCHEMAS}))
  + (SELECT count(*) FROM pg_roles WHERE rolname = ${quoteLiteral(DEFAULT_SUPERUSER)} AND rolsuper)`;

/**
 * The search path `ALTER DATABASE` gives new sessions, for the session that ran the setup (and one that
 * skipped it, in case the database's setting was changed since).
 */
export const SESSION_SEARCH_PATH_SQL = `SET search_path TO "$user", public, ${CATALOG_SCHEMA}, ${TYPES_SCHEMA};`;

const SETUP_RECORD = `${INTERNAL_SCHEMA}.setup`;

/**
 * Records that the setup with this SQL (its SHA-256) has run, with what it made, so a data folder
 * opened again skips it while both are the same (see setupIsCurrentSql).
 */
export function recordSetupSql(sqlSha256: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${SETUP_RECORD} (sql_sha256 text NOT NULL, objects bigint NOT NULL);
REVOKE ALL ON ${SETUP_RECORD} FROM PUBLIC;
DELETE FROM ${SETUP_RECORD};
INSERT INTO ${SETUP_RECORD} (sql_sha256, objects) SELECT ${quoteLiteral(sqlSha256)}, ${SETUP_OBJECTS};
`;
}

/** Whether a setup was recorded (one row, `present`). */
export const SETUP_RECORDED_SQL = `SELECT to_regclass(${quoteLiteral(SETUP_RECORD)}) IS NOT NULL AS present`;

/**
 * Whether the setup recorded is the one with this SQL and everything it made is still there (rows
 * with `current`; none when nothing is recorded).
 */
export function setupIsCurrentSql(sqlSha256: string): string {
  return `SELECT (sql_sha256 = ${quoteLiteral(sqlSha256)} AND objects = ${SETUP_OBJECTS}) AS current FROM ${SETUP_RECORD}`;
}

/**
 * Idempotent setup run at every start but when already made (see recordSetupSql). Staleness: statement-level triggers on the tables a
 * materialized view reads stamp a sequence number on every write; a view is stale when a source was
 * stamped after the view's last refresh (or it never was refreshed). Refreshing a materialized view
 * stamps it too, so views over views go stale when their source is refreshed.
 *
 * Privileges: `admin` is the emulator's own Postgres superuser (PGlite's bootstrap role), which no
 * Redshift principal is; it owns the bookkeeping, which requests reach only through the engine (as
 * `admin`) or through SECURITY DEFINER functions. The catalog views run as their owner but filter by
 * `current_user`, the request's user.
 */
export function bootstrapSql(database: string, admin: string): string {
  const hidden = HIDDEN_SCHEMAS.map(quoteLiteral).join(", ");
  const db = quoteLiteral(database);
  const adminLiteral = quoteLiteral(admin);
  const superuser = quoteIdentifier(DEFAULT_SUPERUSER);
  // The request's user is a superuser (sees every row of the catalog views that say so).
  const isSuper = "EXISTS (SELECT 1 FROM pg_roles su WHERE su.rolname = current_user AND su.rolsuper)";
  const accessible = `(${isSuper} OR (has_schema_privilege(n.oid, 'USAGE')
    AND has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, REFERENCES')))`;
  const notFolded = (schema: string) =>
    `NOT EXISTS (SELECT 1 FROM ${INTERNAL_SCHEMA}.schemas fx WHERE fx.postgres_schema = ${schema})`;
  const schemaDatabase = `COALESCE(x.database_name, ${db})`;
  const schemaName = "COALESCE(x.schema_name, n.nspname)";
  return `
CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA};
CREATE SCHEMA IF NOT EXISTS ${TYPES_SCHEMA};
CREATE SEQUENCE IF NOT EXISTS ${INTERNAL_SCHEMA}.change_seq;
-- Moves whenever a temporary relation is created, altered or dropped (see session-isolation.ts).
CREATE SEQUENCE IF NOT EXISTS ${INTERNAL_SCHEMA}.temp_ddl;
-- The session isolation's look at the backend before and after each statement (session-isolation.ts):
-- the temp_ddl mark; the temporary relations, views before what they read, only when the mark is not
-- \`known\`; whether SQL prepared statements exist. A function with a generic plan: planning the query
-- costs more than running it, and a function's plan is made once.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.temp_snapshot(known text)
RETURNS TABLE (mark text, relations json, prepared boolean) LANGUAGE plpgsql
SET search_path = pg_catalog SET plan_cache_mode = force_generic_plan AS $fn$
BEGIN
  RETURN QUERY
  SELECT m.mark,
    (SELECT json_agg(json_build_object('oid', c.oid::int, 'relname', c.relname, 'relkind', c.relkind)
       ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 ELSE 2 END, c.oid)
     FROM pg_class c
     WHERE m.mark IS DISTINCT FROM known
       AND c.relnamespace = pg_my_temp_schema() AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i')),
    EXISTS (SELECT 1 FROM pg_prepared_statements p WHERE p.from_sql)
  FROM (SELECT t.last_value::text || t.is_called::text AS mark FROM ${INTERNAL_SCHEMA}.temp_ddl t) m;
END
$fn$;
REVOKE EXECUTE ON FUNCTION ${INTERNAL_SCHEMA}.temp_snapshot(text) FROM PUBLIC;
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.table_writes (relid oid PRIMARY KEY, write_seq bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.mv_meta (
  relid oid PRIMARY KEY, auto_refresh boolean NOT NULL, refreshed_seq bigint, state integer NOT NULL
);
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.schemas (
  postgres_schema text PRIMARY KEY, database_name text NOT NULL, schema_name text NOT NULL
);
-- Redshift users, groups and roles and the Postgres role standing for each (see principals.ts).
-- owner_role: the Postgres role of a Redshift role's owner (its creator).
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.principals (
  postgres_role text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('user', 'group', 'role')),
  name text NOT NULL,
  owner_role text,
  UNIQUE (kind, name)
);
REVOKE ALL ON SCHEMA ${INTERNAL_SCHEMA} FROM PUBLIC;

-- The admin user created with the cluster is a superuser
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_superusers.html).
DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(DEFAULT_SUPERUSER)}) THEN
    CREATE ROLE ${superuser} SUPERUSER;
  END IF;
END
$do$;
INSERT INTO ${INTERNAL_SCHEMA}.principals (postgres_role, kind, name) VALUES (${quoteLiteral(DEFAULT_SUPERUSER)}, 'user', ${quoteLiteral(DEFAULT_SUPERUSER)})
ON CONFLICT DO NOTHING;

-- "By default, all users have CREATE and USAGE permissions on the PUBLIC schema of a database"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_Privileges.html); Postgres 15+ grants USAGE only.
GRANT CREATE ON SCHEMA public TO PUBLIC;

-- Fires as whoever writes the table: SECURITY DEFINER so that any user's writes are stamped.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.note_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog AS $fn$
BEGIN
  PERFORM ${INTERNAL_SCHEMA}.stamp(TG_RELID);
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.stamp(rel oid) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO ${INTERNAL_SCHEMA}.table_writes (relid, write_seq) VALUES (rel, nextval('${INTERNAL_SCHEMA}.change_seq'))
  ON CONFLICT (relid) DO UPDATE SET write_seq = excluded.write_seq
$fn$;

-- Relations a view's rewrite rule reads directly. SECURITY DEFINER (read-only): the catalog views call
-- it as the request's user, who has no USAGE on the internal schema.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.direct_relations(view_oid oid) RETURNS TABLE (relid oid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
  SELECT DISTINCT d.refobjid
  FROM pg_rewrite r
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> view_oid
  WHERE r.ev_class = view_oid
$fn$;

-- Tables and materialized views a materialized view reads, looking through plain views.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.source_relations(view_oid oid) RETURNS TABLE (relid oid, relkind "char")
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
  WITH RECURSIVE deps(relid) AS (
    SELECT d.relid FROM ${INTERNAL_SCHEMA}.direct_relations(view_oid) d
    UNION
    SELECT nd.relid FROM deps
    JOIN pg_class c ON c.oid = deps.relid AND c.relkind = 'v'
    CROSS JOIN LATERAL ${INTERNAL_SCHEMA}.direct_relations(c.oid) nd
  )
  SELECT c.oid, c.relkind FROM deps JOIN pg_class c ON c.oid = deps.relid WHERE c.relkind IN ('r', 'p', 'm', 'f')
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.track_table(rel oid) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = rel AND tgname = 'redshift_emulator_track_writes') THEN
    EXECUTE format(
      'CREATE TRIGGER redshift_emulator_track_writes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
      'FOR EACH STATEMENT EXECUTE FUNCTION ${INTERNAL_SCHEMA}.note_write()', rel::regclass);
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.track_sources(view_oid oid) RETURNS void LANGUAGE sql AS $fn$
  SELECT ${INTERNAL_SCHEMA}.track_table(s.relid) FROM ${INTERNAL_SCHEMA}.source_relations(view_oid) s
  WHERE s.relkind IN ('r', 'p')
$fn$;

-- A materialized view created (is_created, with its AUTO REFRESH setting) or refreshed: its state
-- (populated when Postgres computed it), the writes to its sources tracked from now on, and its own
-- write. One call, whose statements' plans are made once per backend.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.mv_built(view_oid oid, is_created boolean, auto boolean)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  IF is_created THEN
    INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state)
    SELECT view_oid, auto, CASE WHEN c.relispopulated THEN nextval('${INTERNAL_SCHEMA}.change_seq') END, 1
    FROM pg_class c WHERE c.oid = view_oid
    ON CONFLICT (relid) DO UPDATE SET auto_refresh = excluded.auto_refresh,
      refreshed_seq = excluded.refreshed_seq, state = excluded.state;
  ELSE
    INSERT INTO ${INTERNAL_SCHEMA}.mv_meta (relid, auto_refresh, refreshed_seq, state)
    VALUES (view_oid, false, nextval('${INTERNAL_SCHEMA}.change_seq'), 1)
    ON CONFLICT (relid) DO UPDATE SET refreshed_seq = excluded.refreshed_seq, state = 1;
  END IF;
  PERFORM ${INTERNAL_SCHEMA}.track_sources(view_oid);
  PERFORM ${INTERNAL_SCHEMA}.stamp(view_oid);
END
$fn$;

-- Only the engine (as the emulator) records writes and tracks tables.
REVOKE EXECUTE ON FUNCTION ${INTERNAL_SCHEMA}.stamp(oid), ${INTERNAL_SCHEMA}.track_table(oid),
  ${INTERNAL_SCHEMA}.track_sources(oid), ${INTERNAL_SCHEMA}.mv_built(oid, boolean, boolean) FROM PUBLIC;

-- The replicated (zero-ETL destination) databases are read-only to every user, superusers included;
-- only the emulator itself (session_user = admin: seeding and replicate()) writes them. DML is refused
-- by a statement trigger on every table there, DDL by event triggers. See readOnlyDatabaseMessage.
DROP FUNCTION IF EXISTS ${INTERNAL_SCHEMA}.read_only_error(text, text);
CREATE FUNCTION ${INTERNAL_SCHEMA}.read_only_error(folded_schema text, object text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  db text;
BEGIN
  SELECT x.database_name INTO db FROM ${INTERNAL_SCHEMA}.schemas x WHERE x.postgres_schema = folded_schema;
  RAISE EXCEPTION USING ERRCODE = '${READ_ONLY_SQLSTATE}',
    MESSAGE = format(${quoteLiteral(readOnlyDatabaseMessage("%s", "%s"))}, db, object);
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.refuse_replica_write() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  readable text;
BEGIN
  IF session_user <> ${adminLiteral} THEN
    SELECT x.database_name || '.' || x.schema_name || '.' || TG_TABLE_NAME INTO readable
    FROM ${INTERNAL_SCHEMA}.schemas x WHERE x.postgres_schema = TG_TABLE_SCHEMA;
    PERFORM ${INTERNAL_SCHEMA}.read_only_error(TG_TABLE_SCHEMA, readable);
  END IF;
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.guard_replica(rel oid) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog AS $fn$
BEGIN
  EXECUTE format(
    'CREATE OR REPLACE TRIGGER redshift_emulator_read_only BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
    'FOR EACH STATEMENT EXECUTE FUNCTION ${INTERNAL_SCHEMA}.refuse_replica_write()', rel::regclass);
END
$fn$;
REVOKE EXECUTE ON FUNCTION ${INTERNAL_SCHEMA}.guard_replica(oid) FROM PUBLIC;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.guard_replica_ddl() RETURNS event_trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  r record;
  folded text;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    IF r.schema_name = 'pg_temp' THEN
      PERFORM nextval('${INTERNAL_SCHEMA}.temp_ddl');
      CONTINUE;
    END IF;
    SELECT x.postgres_schema INTO folded FROM ${INTERNAL_SCHEMA}.schemas x
    WHERE x.postgres_schema = r.schema_name
       OR (r.object_type = 'schema' AND quote_ident(x.postgres_schema) = r.object_identity);
    CONTINUE WHEN folded IS NULL;
    IF session_user <> ${adminLiteral} THEN
      PERFORM ${INTERNAL_SCHEMA}.read_only_error(folded, r.object_identity);
    ELSIF r.object_type = 'table' AND r.command_tag IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO') THEN
      PERFORM ${INTERNAL_SCHEMA}.guard_replica(r.objid);
    END IF;
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.guard_replica_drop() RETURNS event_trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  r record;
  folded text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d WHERE d.is_temporary) THEN
    PERFORM nextval('${INTERNAL_SCHEMA}.temp_ddl');
  END IF;
  IF session_user = ${adminLiteral} THEN RETURN; END IF;
  FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
    SELECT x.postgres_schema INTO folded FROM ${INTERNAL_SCHEMA}.schemas x
    WHERE x.postgres_schema = r.schema_name OR (r.object_type = 'schema' AND x.postgres_schema = r.object_name);
    CONTINUE WHEN folded IS NULL;
    PERFORM ${INTERNAL_SCHEMA}.read_only_error(folded, r.object_identity);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS redshift_emulator_replica_ddl;
CREATE EVENT TRIGGER redshift_emulator_replica_ddl ON ddl_command_end
  EXECUTE FUNCTION ${INTERNAL_SCHEMA}.guard_replica_ddl();
DROP EVENT TRIGGER IF EXISTS redshift_emulator_replica_drop;
CREATE EVENT TRIGGER redshift_emulator_replica_drop ON sql_drop
  EXECUTE FUNCTION ${INTERNAL_SCHEMA}.guard_replica_drop();

-- Tables replicated before the guard existed (a data folder from an earlier version).
DO $do$
DECLARE
  t oid;
BEGIN
  FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
           WHERE c.relkind IN ('r', 'p')
             AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'redshift_emulator_read_only')
  LOOP
    PERFORM ${INTERNAL_SCHEMA}.guard_replica(t);
  END LOOP;
END
$do$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = '${TYPES_SCHEMA}' AND t.typname = 'super') THEN
    CREATE DOMAIN ${TYPES_SCHEMA}.super AS jsonb;
  END IF;
END
$do$;
CREATE OR REPLACE FUNCTION ${TYPES_SCHEMA}.getdate() RETURNS timestamp LANGUAGE sql STABLE AS
  $fn$ SELECT date_trunc('second', localtimestamp)::timestamp $fn$;
CREATE OR REPLACE FUNCTION ${TYPES_SCHEMA}.nvl(anyelement, anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE AS
  $fn$ SELECT coalesce($1, $2) $fn$;
CREATE OR REPLACE FUNCTION ${TYPES_SCHEMA}.len(text) RETURNS integer LANGUAGE sql IMMUTABLE AS
  $fn$ SELECT length($1) $fn$;
GRANT USAGE ON SCHEMA ${TYPES_SCHEMA} TO PUBLIC;

DROP SCHEMA IF EXISTS ${CATALOG_SCHEMA} CASCADE;
CREATE SCHEMA ${CATALOG_SCHEMA};
${zeroEtlStatesSql({ internal: INTERNAL_SCHEMA, types: TYPES_SCHEMA, catalog: CATALOG_SCHEMA })}
-- Runs a late-binding view's SELECT when the view is read, as the reader (see Engine.lateBindingViewSql).
CREATE OR REPLACE FUNCTION ${TYPES_SCHEMA}.late_binding(sql text) RETURNS SETOF record
  LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM ${TYPES_SCHEMA}.require_synced_reads(sql);
  RETURN QUERY EXECUTE sql;
END
$fn$;
${presentedCatalogSql()}

-- SVV_COLUMNS and SVV_TABLES: "Superusers can see all rows; regular users can see only metadata to
-- which they have access" (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_COLUMNS.html,
-- r_SVV_TABLES.html): USAGE on the schema and some privilege on the relation (owners have all).
CREATE VIEW ${CATALOG_SCHEMA}.svv_columns AS
SELECT
  ${schemaDatabase}::varchar(128) AS table_catalog,
  ${schemaName}::varchar(128) AS table_schema,
  c.relname::varchar(128) AS table_name,
  a.attname::varchar(128) AS column_name,
  (row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::integer AS ordinal_position,
  pg_get_expr(ad.adbin, ad.adrelid)::varchar(4000) AS column_default,
  (CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END)::varchar(3) AS is_nullable,
  (CASE WHEN t.typname = 'super' THEN 'super' ELSE format_type(bt.oid, NULL) END)::varchar(128) AS data_type,
  (CASE WHEN bt.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END)::integer
    AS character_maximum_length,
  (CASE bt.typname WHEN 'int2' THEN 16 WHEN 'int4' THEN 32 WHEN 'int8' THEN 64 WHEN 'float4' THEN 24
    WHEN 'float8' THEN 53 WHEN 'numeric' THEN CASE WHEN a.atttypmod > 4 THEN ((a.atttypmod - 4) >> 16) & 65535 END
   END)::integer AS numeric_precision,
  (CASE WHEN bt.typname IN ('int2', 'int4', 'int8', 'numeric') THEN 10
        WHEN bt.typname IN ('float4', 'float8') THEN 2 END)::integer AS numeric_precision_radix,
  (CASE WHEN bt.typname IN ('int2', 'int4', 'int8') THEN 0
        WHEN bt.typname = 'numeric' AND a.atttypmod > 4 THEN (a.atttypmod - 4) & 65535 END)::integer AS numeric_scale,
  col_description(c.oid, a.attnum)::varchar(256) AS remarks
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type bt ON bt.oid = (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END)
LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_temp%'
  AND ${accessible};

CREATE VIEW ${CATALOG_SCHEMA}.svv_tables AS
SELECT
  ${schemaDatabase}::varchar(128) AS table_catalog,
  ${schemaName}::varchar(128) AS table_schema,
  c.relname::varchar(128) AS table_name,
  (CASE WHEN c.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'BASE TABLE' END)::varchar(10) AS table_type,
  obj_description(c.oid, 'pg_class')::varchar(256) AS remarks
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_temp%'
  AND ${accessible};

CREATE VIEW ${CATALOG_SCHEMA}.svv_mv_info AS
SELECT
  ${schemaDatabase}::char(128) AS database_name,
  ${schemaName}::char(128) AS schema_name,
  pg_get_userbyid(c.relowner)::char(128) AS user_name,
  c.relname::char(128) AS name,
  (CASE WHEN m.refreshed_seq IS NULL OR NOT c.relispopulated OR EXISTS (
     SELECT 1 FROM ${INTERNAL_SCHEMA}.source_relations(c.oid) s
     JOIN ${INTERNAL_SCHEMA}.table_writes w ON w.relid = s.relid
     WHERE w.write_seq > m.refreshed_seq
   ) THEN 't' ELSE 'f' END)::char(1) AS is_stale,
  COALESCE(m.state, 0)::integer AS state,
  't'::char(1) AS autorewrite,
  (CASE WHEN m.auto_refresh THEN 't' ELSE 'f' END)::char(1) AS autorefresh
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
LEFT JOIN ${INTERNAL_SCHEMA}.mv_meta m ON m.relid = c.oid
WHERE c.relkind = 'm'
  -- "Superusers can see all rows; regular users can see only their own data."
  -- (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_INFO.html)
  AND (${isSuper} OR c.relowner = (SELECT o.oid FROM pg_roles o WHERE o.rolname = current_user));

CREATE VIEW ${CATALOG_SCHEMA}.stv_mv_info AS
SELECT
  i.database_name AS db_name, i.schema_name AS schema, i.name,
  0::bigint AS updated_upto_xid, i.is_stale, i.user_name AS owner_user_name,
  i.state, i.autorefresh, i.autorewrite
FROM ${CATALOG_SCHEMA}.svv_mv_info i;

CREATE VIEW ${CATALOG_SCHEMA}.stv_mv_deps AS
SELECT
  ${schemaDatabase}::char(128) AS db_name,
  ${schemaName}::char(128) AS schema,
  c.relname::char(128) AS name,
  COALESCE(rx.schema_name, rn.nspname)::char(128) AS ref_schema,
  r.relname::char(128) AS ref_name,
  COALESCE(rx.database_name, ${db})::char(128) AS ref_database_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
CROSS JOIN LATERAL ${INTERNAL_SCHEMA}.direct_relations(c.oid) d
JOIN pg_class r ON r.oid = d.relid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas rx ON rx.postgres_schema = rn.nspname
WHERE c.relkind = 'm'
  -- "regular users can see only their own data" (https://docs.aws.amazon.com/redshift/latest/dg/r_STV_MV_DEPS.html)
  AND (${isSuper} OR c.relowner = (SELECT o.oid FROM pg_roles o WHERE o.rolname = current_user));

-- MV-on-MV dependencies only; "regular users can see only their own data", and it works on Serverless
-- (the STV tables are for provisioned clusters).
-- https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_DEPENDENCY.html
CREATE VIEW ${CATALOG_SCHEMA}.svv_mv_dependency AS
SELECT
  ${schemaDatabase}::char(128) AS database_name,
  ${schemaName}::char(128) AS schema_name,
  c.relname::char(128) AS name,
  COALESCE(rx.database_name, ${db})::char(128) AS dependent_database_name,
  COALESCE(rx.schema_name, rn.nspname)::char(128) AS dependent_schema_name,
  r.relname::char(128) AS dependent_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas x ON x.postgres_schema = n.nspname
CROSS JOIN LATERAL ${INTERNAL_SCHEMA}.direct_relations(c.oid) d
JOIN pg_class r ON r.oid = d.relid AND r.relkind = 'm'
JOIN pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN ${INTERNAL_SCHEMA}.schemas rx ON rx.postgres_schema = rn.nspname
WHERE c.relkind = 'm'
  AND (${isSuper} OR c.relowner = (SELECT o.oid FROM pg_roles o WHERE o.rolname = current_user));

${privilegeViews(hidden, isSuper, notFolded)}
${principalViews(isSuper)}
GRANT USAGE ON SCHEMA ${CATALOG_SCHEMA} TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA ${CATALOG_SCHEMA} TO PUBLIC;
REVOKE SELECT ON ${CATALOG_SCHEMA}.svv_integration_table_state FROM PUBLIC;

DO $do$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path TO "$user", public, ${CATALOG_SCHEMA}, ${TYPES_SCHEMA}', current_database());
END
$do$;
${SESSION_SEARCH_PATH_SQL}
`;
}

/**
 * PG catalog tables as Redshift presents them, which the dialect shim reads instead of Postgres' own
 * (see CATALOG_RELATIONS):
 *
 * - `pg_class`: a materialized view is a view, `relkind = 'v'`: Redshift implements it as a view
 *   over an internal table `mv_tbl__<name>__<n>`, and tools tell the two apart by the definition
 *   (dbt-redshift: `relkind = 'v'` and a definition containing `create materialized view`,
 *   https://github.com/dbt-labs/dbt-redshift/blob/main/dbt/include/redshift/macros/catalog/catalog.sql).
 *   The internal tables themselves are not shown.
 * - `pg_depend`: a materialized view's rewrite rule does not depend on the relations it reads (on
 *   Redshift it reads its internal table); materialized views built on materialized views are
 *   recorded in STV_MV_DEPS and SVV_MV_DEPENDENCY instead
 *   (https://docs.aws.amazon.com/redshift/latest/dg/r_STV_MV_DEPS.html,
 *   https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_DEPENDENCY.html). Dependencies of plain
 *   views (on tables, views and materialized views) are as in Postgres.
 */
function presentedCatalogSql(): string {
  const relkind = `'(CASE WHEN c.relkind = ''m'' THEN ''v'' ELSE c.relkind END)::"char" AS relkind'`;
  return `
DO $do$
DECLARE
  columns text;
BEGIN
  SELECT string_agg(CASE WHEN attname = 'relkind' THEN ${relkind} ELSE 'c.' || quote_ident(attname) END, ', ' ORDER BY attnum)
  INTO columns
  FROM pg_attribute WHERE attrelid = 'pg_catalog.pg_class'::regclass AND attnum > 0 AND NOT attisdropped;
  EXECUTE format('CREATE VIEW ${CATALOG_SCHEMA}.pg_class AS SELECT %s FROM pg_catalog.pg_class c', columns);
END
$do$;

CREATE VIEW ${CATALOG_SCHEMA}.pg_depend AS
SELECT d.* FROM pg_catalog.pg_depend d
WHERE NOT EXISTS (
  SELECT 1 FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
  WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
    AND c.relkind = 'm' AND d.refobjid <> r.ev_class
);
`;
}

/** Identity columns of a grantee (an aclexplode() row `a`, its principal `p`). 0 is PUBLIC. */
const IDENTITY_COLUMNS = `
  a.grantee::integer AS identity_id,
  (CASE WHEN a.grantee = 0 THEN 'public' ELSE p.name END)::text AS identity_name,
  (CASE WHEN a.grantee = 0 THEN 'public' ELSE p.kind END)::text AS identity_type,
  (a.is_grantable AND a.grantee <> 0 AND p.kind = 'user')::boolean AS admin_option`;

/**
 * SVV_RELATION_PRIVILEGES and SVV_SCHEMA_PRIVILEGES: privileges "explicitly granted to users, roles,
 * and groups in the current database" (so not the owner's implicit ones, and not another database's
 * objects), named as Redshift names them. "Superusers can see all rows ... Regular users can only see
 * identities to which they have access or for which they are the identities' owner": the user itself,
 * groups and roles it belongs to, roles it owns, and PUBLIC.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_RELATION_PRIVILEGES.html
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_SCHEMA_PRIVILEGES.html
 */
function privilegeViews(hidden: string, isSuper: string, notFolded: (schema: string) => string): string {
  const visible = `(${isSuper} OR a.grantee = 0 OR pg_has_role(current_user, a.grantee, 'MEMBER')
    OR p.owner_role = current_user)`;
  const principal = `LEFT JOIN pg_roles gr ON gr.oid = a.grantee
LEFT JOIN ${INTERNAL_SCHEMA}.principals p ON p.postgres_role = gr.rolname`;
  return `
CREATE VIEW ${CATALOG_SCHEMA}.svv_relation_privileges AS
SELECT
  n.nspname::text AS namespace_name,
  c.relname::text AS relation_name,
  a.privilege_type::text AS privilege_type,${IDENTITY_COLUMNS}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) a
${principal}
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_%' AND ${notFolded("n.nspname")}
  AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES')
  AND a.grantee <> c.relowner
  AND (a.grantee = 0 OR p.postgres_role IS NOT NULL)
  AND ${visible};

CREATE VIEW ${CATALOG_SCHEMA}.svv_schema_privileges AS
SELECT
  n.nspname::text AS namespace_name,
  a.privilege_type::text AS privilege_type,${IDENTITY_COLUMNS},
  'SCHEMA'::text AS privilege_scope
FROM pg_namespace n
CROSS JOIN LATERAL aclexplode(n.nspacl) a
${principal}
WHERE n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_%' AND ${notFolded("n.nspname")}
  AND a.privilege_type IN ('USAGE', 'CREATE')
  AND a.grantee <> n.nspowner
  AND (a.grantee = 0 OR p.postgres_role IS NOT NULL)
  AND ${visible};
`;
}

/**
 * Users, groups, roles and role grants, by their Redshift names.
 * SVV_USER_INFO: "Superusers can see all rows; regular users can see only their own data"
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_USER_INFO.html). PG_USER and PG_GROUP are
 * Postgres 8's catalog views, readable by all. SVV_ROLES, SVV_ROLE_GRANTS: roles the user has access to
 * or owns; SVV_USER_GRANTS: "Regular users can see only current users' explicitly granted roles"
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_ROLES.html, r_SVV_USER_GRANTS.html,
 * r_SVV_ROLE_GRANTS.html).
 */
function principalViews(isSuper: string): string {
  const principals = `${INTERNAL_SCHEMA}.principals`;
  return `
CREATE VIEW ${CATALOG_SCHEMA}.svv_user_info AS
SELECT
  p.name::text AS user_name,
  r.oid::integer AS user_id,
  r.rolcreatedb AS createdb,
  r.rolsuper AS superuser,
  false AS catalog_update,
  'UNLIMITED'::text AS connection_limit,
  'RESTRICTED'::text AS syslog_access,
  NULL::timestamp AS last_ddl_timestamp,
  0::integer AS session_timeout,
  NULL::text AS external_user_id
FROM ${principals} p
JOIN pg_roles r ON r.rolname = p.postgres_role
WHERE p.kind = 'user' AND (${isSuper} OR r.rolname = current_user);

CREATE VIEW ${CATALOG_SCHEMA}.pg_user AS
SELECT
  p.name::name AS usename,
  r.oid::integer AS usesysid,
  r.rolcreatedb AS usecreatedb,
  r.rolsuper AS usesuper,
  false AS usecatupd,
  '********'::text AS passwd,
  NULL::timestamp AS valuntil,
  NULL::text[] AS useconfig
FROM ${principals} p
JOIN pg_roles r ON r.rolname = p.postgres_role
WHERE p.kind = 'user';

CREATE VIEW ${CATALOG_SCHEMA}.pg_group AS
SELECT
  p.name::name AS groname,
  r.oid::integer AS grosysid,
  ARRAY(SELECT m.member::integer FROM pg_auth_members m WHERE m.roleid = r.oid ORDER BY m.member) AS grolist
FROM ${principals} p
JOIN pg_roles r ON r.rolname = p.postgres_role
WHERE p.kind = 'group';

CREATE VIEW ${CATALOG_SCHEMA}.svv_roles AS
SELECT
  r.oid::integer AS role_id,
  p.name::text AS role_name,
  o.name::text AS role_owner,
  NULL::text AS external_id
FROM ${principals} p
JOIN pg_roles r ON r.rolname = p.postgres_role
LEFT JOIN ${principals} o ON o.postgres_role = p.owner_role
WHERE p.kind = 'role'
  AND (${isSuper} OR pg_has_role(current_user, r.oid, 'MEMBER') OR p.owner_role = current_user);

CREATE VIEW ${CATALOG_SCHEMA}.svv_user_grants AS
SELECT
  u.oid::integer AS user_id,
  up.name::text AS user_name,
  r.oid::integer AS role_id,
  rp.name::text AS role_name,
  m.admin_option AS admin_option
FROM pg_auth_members m
JOIN pg_roles u ON u.oid = m.member
JOIN ${principals} up ON up.postgres_role = u.rolname AND up.kind = 'user'
JOIN pg_roles r ON r.oid = m.roleid
JOIN ${principals} rp ON rp.postgres_role = r.rolname AND rp.kind = 'role'
WHERE ${isSuper} OR u.rolname = current_user;

CREATE VIEW ${CATALOG_SCHEMA}.svv_role_grants AS
SELECT
  g.oid::integer AS role_id,
  gp.name::text AS role_name,
  r.oid::integer AS granted_role_id,
  rp.name::text AS granted_role_name
FROM pg_auth_members m
JOIN pg_roles g ON g.oid = m.member
JOIN ${principals} gp ON gp.postgres_role = g.rolname AND gp.kind = 'role'
JOIN pg_roles r ON r.oid = m.roleid
JOIN ${principals} rp ON rp.postgres_role = r.rolname AND rp.kind = 'role'
WHERE ${isSuper} OR pg_has_role(current_user, g.oid, 'MEMBER') OR gp.owner_role = current_user;
`;
}
