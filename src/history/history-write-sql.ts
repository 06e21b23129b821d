import { quoteIdentifier, quoteLiteral } from "../sql/quote.js";
import { compareText } from "../text/compare.js";
import {
  HISTORY_COLUMNS,
  HISTORY_KEY_COLUMNS,
  HISTORY_RELATION,
  HISTORY_TABLE,
  MAX_ERROR_BYTES,
} from "./history-table.js";
import type { OperationRecord } from "./operation-record.js";

/** Kept well under the Data API's 100 KB a statement. */
const MAX_WRITE_BYTES = 60 * 1024;

/** The batch's own staging table: a Data API batch is one session, so the name cannot collide. */
const STAGING = quoteIdentifier("view_operations_new");

/** One transaction of a history write, and how many operations it records. */
export interface HistoryBatch {
  readonly sqls: readonly string[];
  readonly operations: number;
}

/**
 * The transactions that record `records` (pure). Each stages its rows, deletes the rows they
 * supersede and inserts those that are the newest of their view and operation, so a view keeps one
 * row per operation however often it runs, and a run that started earlier but ends later never
 * overwrites a newer record. Split so that no statement nears the 100 KB limit.
 */
export function historyWriteBatches(
  environment: string,
  records: readonly OperationRecord[],
): HistoryBatch[] {
  const latest = new Map<string, OperationRecord>();
  for (const record of records) {
    const key = `${record.operation}\u0000${record.schema}\u0000${record.view}`;
    const seen = latest.get(key);
    if (seen === undefined || seen.startedAt.getTime() <= record.startedAt.getTime()) latest.set(key, record);
  }
  const env = quoteLiteral(environment);
  const rows = [...latest.values()].sort(byKey).map((record) => rowValues(env, record));

  const batches: HistoryBatch[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length > 0) batches.push({ sqls: batchSql(chunk), operations: chunk.length });
    chunk = [];
    bytes = 0;
  };
  for (const row of rows) {
    const size = Buffer.byteLength(row, "utf8") + 2;
    if (bytes + size > MAX_WRITE_BYTES) flush();
    chunk.push(row);
    bytes += size;
  }
  flush();
  return batches;
}

const TARGET = quoteIdentifier(HISTORY_TABLE);

function batchSql(rows: readonly string[]): string[] {
  const columns = HISTORY_COLUMNS.join(", ");
  const sameKey = (table: string) =>
    HISTORY_KEY_COLUMNS.map((column) => `${table}.${column} = n.${column}`).join(" AND ");
  return [
    `CREATE TEMP TABLE ${STAGING} (LIKE ${HISTORY_RELATION});`,
    `INSERT INTO ${STAGING} (${columns}) VALUES\n${rows.join(",\n")};`,
    // Redshift's DELETE takes no alias: the target's columns are qualified with its table name.
    `DELETE FROM ${HISTORY_RELATION} USING ${STAGING} n WHERE ${sameKey(TARGET)} AND ${TARGET}.started_at <= n.started_at;`,
    `INSERT INTO ${HISTORY_RELATION} (${columns}) SELECT ${HISTORY_COLUMNS.map((column) => `n.${column}`).join(", ")} FROM ${STAGING} n WHERE NOT EXISTS (SELECT 1 FROM ${HISTORY_RELATION} o WHERE ${sameKey("o")});`,
    `DROP TABLE ${STAGING};`,
  ];
}

function rowValues(env: string, record: OperationRecord): string {
  const optional = (value: string | undefined) => (value === undefined ? "NULL" : quoteLiteral(value));
  return `(${[
    env,
    quoteLiteral(record.schema),
    quoteLiteral(record.view),
    quoteLiteral(record.operation),
    quoteLiteral(record.status),
    `${quoteLiteral(timestampLiteral(record.startedAt))}::TIMESTAMP`,
    String(Math.max(0, Math.round(record.durationMs))),
    optional(record.statementId),
    optional(record.error === undefined ? undefined : storableText(record.error)),
    quoteLiteral(record.by),
    optional(record.hash),
  ].join(", ")})`;
}

/** Whether a record's names can be written as SQL literals (see `sqlLiteral`). */
export function isRecordable(record: OperationRecord): boolean {
  try {
    quoteLiteral(record.schema);
    quoteLiteral(record.view);
    quoteLiteral(record.by);
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC: the form Redshift and Postgres both read as a TIMESTAMP. */
export function timestampLiteral(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/**
 * An error message as a literal both Redshift and Postgres read the same way: line breaks and other
 * control characters become spaces, a backslash becomes ⧵ (U+29F5; a backslash is an escape in
 * Redshift's literals and not in Postgres'), and it is cut to the column's size.
 */
export function storableText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced.
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\\/g, "\u29f5");
  if (Buffer.byteLength(clean, "utf8") <= MAX_ERROR_BYTES) return clean;
  let kept = "";
  let bytes = 0;
  for (const character of clean) {
    const size = Buffer.byteLength(character, "utf8");
    if (bytes + size > MAX_ERROR_BYTES - 3) break;
    kept += character;
    bytes += size;
  }
  return `${kept}…`;
}

function byKey(a: OperationRecord, b: OperationRecord): number {
  return (
    compareText(a.schema, b.schema) || compareText(a.view, b.view) || compareText(a.operation, b.operation)
  );
}
