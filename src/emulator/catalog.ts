import { CATALOG_SCHEMA } from "./dialect-shim.js";
import { quoteLiteral } from "./sql-tokens.js";

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

/**
 * Idempotent setup run at every start. Staleness: statement-level triggers on the tables a
 * materialized view reads stamp a sequence number on every write; a view is stale when a source was
 * stamped after the view's last refresh (or it never was refreshed). Refreshing a materialized view
 * stamps it too, so views over views go stale when their source is refreshed.
 */
export function bootstrapSql(database: string): string {
  const hidden = HIDDEN_SCHEMAS.map(quoteLiteral).join(", ");
  const db = quoteLiteral(database);
  const schemaDatabase = `COALESCE(x.database_name, ${db})`;
  const schemaName = "COALESCE(x.schema_name, n.nspname)";
  return `
CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA};
CREATE SCHEMA IF NOT EXISTS ${TYPES_SCHEMA};
CREATE SEQUENCE IF NOT EXISTS ${INTERNAL_SCHEMA}.change_seq;
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.table_writes (relid oid PRIMARY KEY, write_seq bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.mv_meta (
  relid oid PRIMARY KEY, auto_refresh boolean NOT NULL, refreshed_seq bigint, state integer NOT NULL
);
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.schemas (
  postgres_schema text PRIMARY KEY, database_name text NOT NULL, schema_name text NOT NULL
);

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.note_write() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM ${INTERNAL_SCHEMA}.stamp(TG_RELID);
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.stamp(rel oid) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO ${INTERNAL_SCHEMA}.table_writes (relid, write_seq) VALUES (rel, nextval('${INTERNAL_SCHEMA}.change_seq'))
  ON CONFLICT (relid) DO UPDATE SET write_seq = excluded.write_seq
$fn$;

-- Relations a view's rewrite rule reads directly.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.direct_relations(view_oid oid) RETURNS TABLE (relid oid)
LANGUAGE sql STABLE AS $fn$
  SELECT DISTINCT d.refobjid
  FROM pg_rewrite r
  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> view_oid
  WHERE r.ev_class = view_oid
$fn$;

-- Tables and materialized views a materialized view reads, looking through plain views.
CREATE OR REPLACE FUNCTION ${INTERNAL_SCHEMA}.source_relations(view_oid oid) RETURNS TABLE (relid oid, relkind "char")
LANGUAGE sql STABLE AS $fn$
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

DROP SCHEMA IF EXISTS ${CATALOG_SCHEMA} CASCADE;
CREATE SCHEMA ${CATALOG_SCHEMA};

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
  AND n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_temp%';

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
  AND n.nspname NOT IN (${hidden}) AND n.nspname NOT LIKE 'pg\\_temp%';

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
WHERE c.relkind = 'm';

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
WHERE c.relkind = 'm';

DO $do$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path TO "$user", public, ${CATALOG_SCHEMA}, ${TYPES_SCHEMA}', current_database());
END
$do$;
SET search_path TO "$user", public, ${CATALOG_SCHEMA}, ${TYPES_SCHEMA};
`;
}
