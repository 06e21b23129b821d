import { setTimeout as delay } from "node:timers/promises";
import { toolTableColumns, withToolTable } from "../bookkeeping/tool-tables.js";
import { toRedshiftViewsErrors } from "../errors.js";
import { isSerializationConflict, statementName, type Warehouse } from "../warehouse/index.js";
import { HISTORY_SETUPS, HISTORY_TABLE, type HistoryProblem, historyProblem } from "./history-table.js";
import { type HistoryBatch, historyWriteBatches, isRecordable } from "./history-write-sql.js";
import type { OperationRecord } from "./operation-record.js";

/** Whether the history of a run was written. Never an exception: the views are what matter. */
export type HistoryWrite =
  | { readonly kind: "recorded"; readonly operations: number }
  | {
      readonly kind: "failed";
      readonly operations: number;
      /** Written before the failure (each batch is its own transaction). */
      readonly recorded: number;
      readonly error: string;
      /** Why the warehouse refused, when the table is there: another version's layout, or privileges. */
      readonly problem?: HistoryProblem;
    };

export interface RecordOptions {
  /** Once aborted, no further batch is sent and the one in flight stops being waited for. */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); jitter of the wait before retrying a write that collided with another. */
  readonly random?: () => number;
}

/** Attempts per batch: two runs ending at once can collide on the table (Redshift error 1023). */
const ATTEMPTS = 4;
const defaultSleep = (ms: number): Promise<void> => delay(ms);

/**
 * Writes the history of a run, one transaction per batch, creating the table on first use. A
 * failure is returned, not thrown: the run itself has already happened, and `status` then shows
 * the previous operation of those views.
 */
export async function recordOperations(
  warehouse: Warehouse,
  environment: string,
  records: readonly OperationRecord[],
  options: RecordOptions = {},
): Promise<HistoryWrite> {
  if (records.length === 0) return { kind: "recorded", operations: 0 };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const name = statementName(environment, "history");
  const run = (sqls: readonly string[]): Promise<string | undefined> =>
    withToolTable(warehouse, {
      table: HISTORY_TABLE,
      name,
      setups: HISTORY_SETUPS,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      attempt: () =>
        warehouse.executeBatch(sqls, {
          name,
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        }),
    }).then(
      (outcome) =>
        outcome.kind === "finished"
          ? undefined
          : outcome.kind === "failed"
            ? outcome.error
            : "The statement was aborted.",
      (thrown: unknown) => describe(thrown),
    );

  // A name that cannot be a SQL literal loses its own record, not the run's.
  const recordable = records.filter(isRecordable);
  let batches: HistoryBatch[];
  try {
    batches = historyWriteBatches(environment, recordable);
  } catch (error) {
    return { kind: "failed", operations: records.length, recorded: 0, error: describe(error) };
  }
  let recorded = 0;
  for (const batch of batches) {
    if (options.signal?.aborted === true)
      return {
        kind: "failed",
        operations: records.length,
        recorded,
        error: "The run was interrupted and the history write did not finish in time.",
      };
    let error: string | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      error = await run(batch.sqls);
      if (error === undefined || !isSerializationConflict(error) || attempt === ATTEMPTS) break;
      await sleep(Math.round((100 + 400 * random()) * attempt));
    }
    if (error !== undefined) {
      const columns = await toolTableColumns(warehouse, HISTORY_TABLE, name).catch(() => undefined);
      return {
        kind: "failed",
        operations: records.length,
        recorded,
        error,
        ...(columns === undefined ? {} : { problem: historyProblem(columns) }),
      };
    }
    recorded += batch.operations;
  }
  const skipped = records.length - recordable.length;
  if (skipped > 0)
    return {
      kind: "failed",
      operations: records.length,
      recorded,
      error: `${skipped} operation${skipped === 1 ? " was" : "s were"} not recorded: the view's name cannot be written as a SQL literal (a backslash or control character).`,
    };
  return { kind: "recorded", operations: recorded };
}

function describe(error: unknown): string {
  const first = toRedshiftViewsErrors(error)[0];
  return first === undefined ? String(error) : `[${first.code}] ${first.message}`;
}
