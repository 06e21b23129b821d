import { quoteLiteral } from "./sql-tokens.js";

/**
 * Zero-ETL table states. Zero-ETL keeps a state per replicated table — Synced, Failed, Deleted,
 * ResyncRequired, ResyncInitiated, DroppedSource — shown in SVV_INTEGRATION_TABLE_STATE
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION_TABLE_STATE.html), and "while
 * table data is resyncing, you can't access the data in Amazon Redshift"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.troubleshooting.html): only
 * Synced tables can be queried, unless the database's QUERY_ALL_STATES is TRUE
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_DATABASE.html), which the emulator does not
 * model. Every table of a replicated database is Synced, except those named by the `resyncing` fault,
 * which are ResyncInitiated.
 */

/** Tables whose state is not Synced cannot be read: object_not_in_prerequisite_state. */
const NOT_SYNCED_SQLSTATE = "55000";

/** The state the `resyncing` fault gives a table: a resync has started. */
const RESYNC_STATE = "ResyncInitiated";

/**
 * The error of a statement that reads a table that is not Synced. Redshift's text for it is not
 * documented; this wording is the emulator's (and says so), the SQLSTATE too.
 */
function notSyncedMessage(table: string, state: string): string {
  return `table "${table}" of a zero-ETL integration cannot be queried while it is ${state}: only Synced tables can be queried (emulator's wording; Redshift's text is not documented)`;
}

/**
 * A query or DML statement, which the planner can EXPLAIN: what it reads is known before it runs.
 * (`CREATE TABLE … AS` is not recognised: its reads are not checked.)
 */
export function isExplainable(sql: string): boolean {
  return /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|VALUES|TABLE)\b/i.test(
    sql,
  );
}

/** `EXPLAIN` that names the schema of every relation a plan scans. */
export function explainSql(sql: string): string {
  return `EXPLAIN (VERBOSE, COSTS false, FORMAT JSON) ${sql}`;
}

/**
 * Bootstrap SQL (idempotent): the fault's table names, each replicated table's state, the check that
 * fails a read of a table that is not Synced, and SVV_INTEGRATION_TABLE_STATE.
 *
 * `internal` holds the bookkeeping; `types` the functions every user may call (late-binding views
 * check what they read when they are read, as the reader); `catalog` the Redshift catalog views.
 */
export function zeroEtlStatesSql(schemas: {
  readonly internal: string;
  readonly types: string;
  readonly catalog: string;
}): string {
  const { internal, types, catalog } = schemas;
  const message = quoteLiteral(notSyncedMessage("%s", "%s"));
  return `
-- Names of the replicated tables the emulator shows as resyncing: <table>, <schema>.<table> or
-- <database>.<schema>.<table>. Set from the emulator's faults.
CREATE TABLE IF NOT EXISTS ${internal}.resyncing (name text PRIMARY KEY, since timestamp NOT NULL);

CREATE OR REPLACE FUNCTION ${internal}.table_states()
RETURNS TABLE (relid oid, database_name text, schema_name text, table_name text, table_state text, since timestamp)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
  SELECT c.oid, x.database_name, x.schema_name, c.relname::text,
    CASE WHEN r.name IS NULL THEN 'Synced' ELSE ${quoteLiteral(RESYNC_STATE)} END, r.since
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN ${internal}.schemas x ON x.postgres_schema = n.nspname
  LEFT JOIN LATERAL (
    SELECT rs.name, rs.since FROM ${internal}.resyncing rs
    WHERE rs.name IN (c.relname, x.schema_name || '.' || c.relname, x.database_name || '.' || x.schema_name || '.' || c.relname)
    LIMIT 1
  ) r ON true
  WHERE c.relkind IN ('r', 'p')
$fn$;

-- The relations an EXPLAIN (VERBOSE, FORMAT JSON) plan scans. Views are expanded by the planner;
-- a materialized view is scanned itself: reading one does not read its sources.
CREATE OR REPLACE FUNCTION ${internal}.planned_relations(plan jsonb) RETURNS oid[]
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT coalesce(array_agg(to_regclass(format('%I.%I', node->>'Schema', node->>'Relation Name'))::oid), '{}')
  FROM jsonb_path_query(plan, 'strict $.** ? (exists(@."Relation Name"))') AS node
$fn$;

CREATE OR REPLACE FUNCTION ${internal}.require_synced(rels oid[]) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  t record;
BEGIN
  SELECT s.database_name, s.schema_name, s.table_name, s.table_state INTO t
  FROM ${internal}.table_states() s
  WHERE s.relid = ANY (rels) AND s.table_state <> 'Synced'
  ORDER BY 1, 2, 3 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = '${NOT_SYNCED_SQLSTATE}',
      MESSAGE = format(${message}, t.database_name || '.' || t.schema_name || '.' || t.table_name, t.table_state);
  END IF;
END
$fn$;
-- table_states() stays executable: SVV_INTEGRATION_TABLE_STATE calls it as its reader, and a reader
-- granted SELECT on the view must be able to read it. Nobody else can name it (no USAGE on the schema).
REVOKE EXECUTE ON FUNCTION ${internal}.require_synced(oid[]) FROM PUBLIC;

-- For reads the engine does not see before they run (a late-binding view's SELECT, planned when the
-- view is read). Qualified names only, as late-binding views require.
CREATE OR REPLACE FUNCTION ${types}.require_synced_reads(query text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
DECLARE
  plan jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${internal}.resyncing) THEN RETURN; END IF;
  EXECUTE 'EXPLAIN (VERBOSE, COSTS false, FORMAT JSON) ' || query INTO plan;
  PERFORM ${internal}.require_synced(${internal}.planned_relations(plan));
END
$fn$;

-- Columns as documented; "visible only to superusers": regular users are not granted SELECT on it,
-- and "to give a regular user access to superuser-visible tables, GRANT SELECT privilege on that table"
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION_TABLE_STATE.html,
-- https://docs.aws.amazon.com/redshift/latest/dg/c_visibility-of-data.html).
CREATE VIEW ${catalog}.svv_integration_table_state AS
SELECT
  md5('zero-etl:' || s.database_name)::uuid::text::char(128) AS integration_id,
  s.database_name::char(128) AS target_database,
  s.schema_name::char(128) AS schema_name,
  s.table_name::char(128) AS table_name,
  s.table_state::char(128) AS table_state,
  '{"txn_seq":0,"txn_id":0}'::char(128) AS table_last_replicated_checkpoint,
  (CASE WHEN s.table_state = 'Synced' THEN ''
        ELSE 'Resync initiated: the table is named in the emulator''s resyncing fault' END)::char(256) AS reason,
  coalesce(s.since, date_trunc('second', pg_postmaster_start_time())::timestamp) AS last_updated_timestamp,
  greatest(c.reltuples, 0)::bigint AS table_rows,
  (pg_total_relation_size(c.oid) / 1048576)::bigint AS table_size,
  false AS is_history_mode
FROM ${internal}.table_states() s
JOIN pg_class c ON c.oid = s.relid;
`;
}
