import { TOOL_SCHEMA } from "../bookkeeping/tool-schema.js";
import { quoteIdentifier } from "../sql/quote.js";

/**
 * The operation history lives beside the provisioning lock, outside the managed schemas (plans never
 * see it, analysts are never granted it). One row per environment, view and operation: the latest.
 */
const HISTORY_SCHEMA = TOOL_SCHEMA;
export const HISTORY_TABLE = "view_operations";
export const HISTORY_RELATION = `${quoteIdentifier(HISTORY_SCHEMA)}.${quoteIdentifier(HISTORY_TABLE)}`;

/** Longest error message kept, in bytes (Redshift's VARCHAR length counts bytes). */
export const MAX_ERROR_BYTES = 1000;

/** A row's identity: the latest operation of each kind per view and environment. */
export const HISTORY_KEY_COLUMNS = ["environment", "schema_name", "view_name", "operation"] as const;
export const HISTORY_VALUE_COLUMNS = [
  "status",
  "started_at",
  "duration_ms",
  "statement_id",
  "error",
  "run_by",
  "ddl_hash",
] as const;
export const HISTORY_COLUMNS = [...HISTORY_KEY_COLUMNS, ...HISTORY_VALUE_COLUMNS] as const;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${HISTORY_RELATION} (environment VARCHAR(63) NOT NULL, schema_name VARCHAR(128) NOT NULL, view_name VARCHAR(128) NOT NULL, operation VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, started_at TIMESTAMP NOT NULL, duration_ms BIGINT NOT NULL, statement_id VARCHAR(64), error VARCHAR(1024), run_by VARCHAR(256) NOT NULL, ddl_hash CHAR(64));`;

/**
 * Sent only when a write finds the table missing (see `executeBatchWithSetup`): the table alone,
 * then schema and table. After the first run the database user needs no CREATE privilege.
 */
export const HISTORY_SETUPS: readonly (readonly string[])[] = [
  [CREATE_TABLE],
  [`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(HISTORY_SCHEMA)};`, CREATE_TABLE],
];

/**
 * Why a history write or read was refused, decided from the catalog (the table's columns) rather than
 * the error's text: `layout` when the table was made by another version of this tool (other
 * columns), `privileges` otherwise.
 */
export type HistoryProblem = "layout" | "privileges";

export function historyProblem(columns: readonly string[]): HistoryProblem {
  const expected = [...HISTORY_COLUMNS].sort().join(",");
  return [...columns].sort().join(",") === expected ? "privileges" : "layout";
}

/** What to do about a history write or read the warehouse refused. */
export function historyHint(problem: HistoryProblem, reading: boolean): string {
  if (problem === "layout")
    return `${HISTORY_RELATION} was created by another version of prisma-redshift-views. Drop it (it holds only the history of last operations) and the next provision or refresh creates it anew.`;
  return reading
    ? "Grant the database user USAGE on the schema and SELECT on the table."
    : "The first write creates the table: it needs CREATE on the schema (or on the database, to create the schema too). Later writes need USAGE on the schema, INSERT, DELETE and SELECT on the table, and TEMP on the database.";
}
