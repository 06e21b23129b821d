import { toRedshiftViewsErrors } from "../errors.js";
import { sqlLiteral } from "../safety/identifiers.js";
import { MAX_BATCH_STATEMENTS, statementName, type Warehouse } from "../warehouse/index.js";
import { CREATE_HISTORY_SQL, HISTORY_COLUMNS, HISTORY_RELATION, MAX_ERROR_BYTES } from "./history-table.js";
import type { OperationRecord } from "./operation-record.js";

/** Kept well under the Data API's 100 KB a statement. */
const MAX_WRITE_BYTES = 60 * 1024;

/** Whether the history of a run was written. Never an exception: the views are what matter. */
export type HistoryWrite =
  | { readonly kind: "recorded"; readonly operations: number }
  | {
      readonly kind: "failed";
      readonly operations: number;
      /** Written before the failure (each batch is its own transaction). */
      readonly recorded: number;
      readonly error: string;
    };

/** One transaction of a history write, and how many operations it records. */
export interface HistoryBatch {
  readonly sqls: readonly string[];
  readonly operations: number;
}

/**
 * The transactions that replace the history rows of `records`: each deletes the rows it replaces and
 * inserts the new ones, so a view keeps one row per operation (the latest) however often it runs.
 * Pure; split so that no statement nears the 100 KB limit.
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
  const env = sqlLiteral(environment);
  const rows = [...latest.values()].sort(byKey).map((record) => ({ record, values: rowValues(env, record) }));

  const batches: HistoryBatch[] = [];
  let chunk: typeof rows = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length > 0) batches.push({ sqls: batchSql(env, chunk), operations: chunk.length });
    chunk = [];
    bytes = 0;
  };
  for (const row of rows) {
    const size = Buffer.byteLength(row.values, "utf8") + 4;
    if (bytes + size > MAX_WRITE_BYTES) flush();
    chunk.push(row);
    bytes += size;
  }
  flush();
  return batches;
}

function batchSql(env: string, rows: readonly { record: OperationRecord; values: string }[]): string[] {
  // One DELETE per operation and schema: `view_name IN (…)` is plain SQL in Redshift and Postgres.
  const groups = new Map<string, { operation: string; schema: string; views: string[] }>();
  for (const { record } of rows) {
    const key = `${record.operation}\u0000${record.schema}`;
    const group = groups.get(key) ?? { operation: record.operation, schema: record.schema, views: [] };
    group.views.push(record.view);
    groups.set(key, group);
  }
  const deletes = [...groups.values()].map(
    (group) =>
      `DELETE FROM ${HISTORY_RELATION} WHERE environment = ${env} AND operation = ${sqlLiteral(group.operation)} AND schema_name = ${sqlLiteral(group.schema)} AND view_name IN (${group.views.map(sqlLiteral).join(", ")});`,
  );
  const sqls = [
    ...CREATE_HISTORY_SQL,
    ...deletes,
    `INSERT INTO ${HISTORY_RELATION} (${HISTORY_COLUMNS.join(", ")}) VALUES\n${rows.map((row) => row.values).join(",\n")};`,
  ];
  if (sqls.length > MAX_BATCH_STATEMENTS) throw new RangeError(`history batch of ${sqls.length} statements`);
  return sqls;
}

function rowValues(env: string, record: OperationRecord): string {
  const optional = (value: string | undefined) => (value === undefined ? "NULL" : sqlLiteral(value));
  return `(${[
    env,
    sqlLiteral(record.schema),
    sqlLiteral(record.view),
    sqlLiteral(record.operation),
    sqlLiteral(record.status),
    `${sqlLiteral(timestampLiteral(record.startedAt))}::TIMESTAMP`,
    String(Math.max(0, Math.round(record.durationMs))),
    optional(record.statementId),
    optional(record.error === undefined ? undefined : storableText(record.error)),
    sqlLiteral(record.by),
  ].join(", ")})`;
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
  const left = `${a.schema}.${a.view}.${a.operation}`;
  const right = `${b.schema}.${b.view}.${b.operation}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Attempts per batch: two runs ending at once can collide on the table (Redshift error 1023). */
const ATTEMPTS = 3;

/**
 * Writes the history of a run, one transaction per batch. A failure is returned, not thrown: the run
 * itself has already happened, and `status` then shows the previous operation of those views.
 */
export async function recordOperations(
  warehouse: Warehouse,
  environment: string,
  records: readonly OperationRecord[],
): Promise<HistoryWrite> {
  if (records.length === 0) return { kind: "recorded", operations: 0 };
  let batches: HistoryBatch[];
  try {
    batches = historyWriteBatches(environment, records);
  } catch (error) {
    return { kind: "failed", operations: records.length, recorded: 0, error: describe(error) };
  }
  const name = statementName(environment, "history");
  let recorded = 0;
  for (const { sqls, operations } of batches) {
    let error: string | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      error = await warehouse.executeBatch(sqls, { name }).then(
        (outcome) =>
          outcome.kind === "finished"
            ? undefined
            : outcome.kind === "failed"
              ? outcome.error
              : "The statement was aborted.",
        (thrown: unknown) => describe(thrown),
      );
      if (error === undefined || !/serializable isolation/i.test(error)) break;
    }
    if (error !== undefined) return { kind: "failed", operations: records.length, recorded, error };
    recorded += operations;
  }
  return { kind: "recorded", operations: recorded };
}

function describe(error: unknown): string {
  const first = toRedshiftViewsErrors(error)[0];
  return first === undefined ? String(error) : `[${first.code}] ${first.message}`;
}
