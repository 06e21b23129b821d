import { RedshiftViewsError } from "../errors.js";
import { type ResultRow, statementName, type Warehouse } from "../warehouse/index.js";
import { catalogText, unexpectedRow } from "./rows.js";

/** The replicated table a view reads: `"<database>"."<schema>"."<table>"`. */
export interface SourceTable {
  readonly database: string;
  readonly schema: string;
  readonly table: string;
}

/** A replicated table that zero-ETL does not have in the Synced state: it cannot be queried. */
export interface UnsyncedTable {
  /** `<database>.<schema>.<table>`. */
  readonly table: string;
  /** `ResyncRequired`, `ResyncInitiated`, `Failed`, `Deleted`, `DroppedSource`… */
  readonly state: string;
  /** Why zero-ETL put it in that state, when it says. */
  readonly reason?: string;
}

export type SourceStates =
  | { readonly kind: "read"; readonly unsynced: ReadonlyMap<string, UnsyncedTable> }
  /** SVV_INTEGRATION_TABLE_STATE could not be read (it is visible to superusers only). */
  | { readonly kind: "unreadable"; readonly error: string };

export function sourceKey(source: SourceTable): string {
  return `${source.database}.${source.schema}.${source.table}`;
}

/**
 * The replicated tables that are not Synced, in one query. Zero-ETL tables "can be queried only when
 * Synced" (a CREATE or REFRESH over one fails while it resyncs), and the view is "visible only to
 * superusers" (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION_TABLE_STATE.html).
 */
function sourceStatesQuery(): string {
  return `SELECT target_database, schema_name, table_name, table_state, reason
FROM svv_integration_table_state
WHERE table_state <> 'Synced'
ORDER BY 1, 2, 3;`;
}

function parseSourceStates(rows: readonly ResultRow[]): Map<string, UnsyncedTable> {
  const unsynced = new Map<string, UnsyncedTable>();
  for (const row of rows) {
    const database = catalogText(row.target_database);
    const schema = catalogText(row.schema_name);
    const table = catalogText(row.table_name);
    const state = catalogText(row.table_state);
    if (database === undefined || schema === undefined || table === undefined || state === undefined)
      throw unexpectedRow("SVV_INTEGRATION_TABLE_STATE", row);
    const key = sourceKey({ database, schema, table });
    const reason = catalogText(row.reason);
    unsynced.set(key, { table: key, state, ...(reason === undefined ? {} : { reason }) });
  }
  return unsynced;
}

/**
 * The states of the replicated tables. Reading them is never required: a session that may not read
 * SVV_INTEGRATION_TABLE_STATE (not a superuser) gets `unreadable` and the reason, and the caller
 * carries on without them.
 */
export async function readSourceStates(warehouse: Warehouse, environment: string): Promise<SourceStates> {
  let rows: ResultRow[];
  try {
    rows = await warehouse.query(sourceStatesQuery(), {
      name: statementName(environment, "catalog", "source_states"),
    });
  } catch (error) {
    // The warehouse answered and refused the query; anything else stops the command as usual.
    if (!(error instanceof RedshiftViewsError) || error.code !== "E_STATEMENT_FAILED") throw error;
    // The first line: the warehouse's error, without the query repeated.
    return { kind: "unreadable", error: error.message.split("\n")[0] ?? error.message };
  }
  return { kind: "read", unsynced: parseSourceStates(rows) };
}

/** Why a view over `table` failed, in plain words. */
function notSyncedCause(table: UnsyncedTable): string {
  return `source table ${table.table} is not Synced (${table.state}) in the zero-ETL integration; retry after it syncs`;
}

/**
 * Why views failed, when it is that the replicated table they read is not Synced: `notSyncedCause`
 * by `schema.view`, from one read of the table states (none when they cannot be read).
 */
export async function explainNotSynced(
  warehouse: Warehouse,
  environment: string,
  failed: readonly { readonly schema: string; readonly name: string }[],
  views: readonly { readonly schema: string; readonly name: string; readonly source: SourceTable }[],
): Promise<Map<string, string>> {
  const causes = new Map<string, string>();
  const states = await readSourceStates(warehouse, environment);
  if (states.kind === "unreadable") return causes;
  for (const view of failed) {
    const source = views.find(
      (candidate) => candidate.schema === view.schema && candidate.name === view.name,
    )?.source;
    const unsynced = source === undefined ? undefined : states.unsynced.get(sourceKey(source));
    if (unsynced !== undefined) causes.set(`${view.schema}.${view.name}`, notSyncedCause(unsynced));
  }
  return causes;
}
