import { runBy } from "../bookkeeping/run-by.js";
import { toRedshiftViewsErrors } from "../errors.js";
import { type OperationRecord, type RecordedStatus, statementTiming } from "../history/operation-record.js";
import { type HistoryWrite, recordOperations } from "../history/record-operations.js";
import { renderStatement } from "../sql/render.js";
import { compareRelations } from "../text/compare.js";
import { statementName, type Warehouse } from "../warehouse/index.js";
import type { RefreshSelection } from "./select.js";

export type RefreshOutcome =
  | {
      readonly kind: "refreshed";
      readonly schema: string;
      readonly name: string;
      readonly durationMs: number;
      readonly statementId: string;
    }
  | {
      readonly kind: "failed";
      readonly schema: string;
      readonly name: string;
      readonly error: string;
      /** Absent when the statement never reached the warehouse. */
      readonly statementId?: string;
    };

export interface RefreshRun {
  /** Sorted by schema and view. */
  readonly outcomes: readonly RefreshOutcome[];
  /** Whether the outcomes were written to the operation history that `status` reads. */
  readonly history: HistoryWrite;
}

export interface RunRefreshOptions {
  /** Called as each view finishes, for progress output. */
  readonly onOutcome?: ((outcome: RefreshOutcome, done: number, total: number) => void) | undefined;
  /** `user@host` written to the operation history. Default: this process's. */
  readonly recordedBy?: string | undefined;
  readonly now?: (() => Date) | undefined;
}

/**
 * One `REFRESH MATERIALIZED VIEW` per view, all submitted at once under the client's concurrency cap,
 * then one write of the outcomes to the operation history.
 */
export async function refreshViews(
  warehouse: Warehouse,
  environment: string,
  targets: RefreshSelection["targets"],
  options: RunRefreshOptions = {},
): Promise<RefreshRun> {
  const now = options.now ?? (() => new Date());
  const by = runBy(options.recordedBy);
  const outcomes: RefreshOutcome[] = [];
  const history: OperationRecord[] = [];
  await Promise.all(
    targets.map(async ({ schema, name }) => {
      const started = now();
      let statementId: string | undefined;
      const entry = (
        status: RecordedStatus,
        timing: Partial<Pick<OperationRecord, "statementId" | "startedAt" | "durationMs" | "error">>,
      ): OperationRecord => ({
        schema,
        view: name,
        operation: "refresh",
        status,
        startedAt: started,
        durationMs: 0,
        by,
        ...timing,
      });
      // A warehouse error (credentials, network) fails this view, not the whole run: the others report.
      const [outcome, record] = await warehouse
        .execute(renderStatement({ kind: "refresh_materialized_view", view: { schema, name } }), {
          name: statementName(environment, "refresh", `${schema}.${name}`),
          onSubmitted: (id) => {
            statementId = id;
          },
        })
        .then(
          (result): [RefreshOutcome, OperationRecord] => {
            const timing = statementTiming(result);
            if (result.kind === "finished")
              return [
                { kind: "refreshed", schema, name, durationMs: result.durationMs, statementId: result.id },
                entry("FINISHED", timing),
              ];
            const error = result.kind === "failed" ? result.error : "The statement was aborted.";
            return [
              { kind: "failed", schema, name, error, statementId: result.id },
              entry(result.kind === "failed" ? "FAILED" : "ABORTED", { ...timing, error }),
            ];
          },
          (thrown: unknown): [RefreshOutcome, OperationRecord | undefined] => {
            const error = toRedshiftViewsErrors(thrown)[0]?.message ?? String(thrown);
            // Accepted, then lost from sight: recorded as sent, its end not seen. Never accepted: the
            // history keeps what it had (a refresh that did not run changes nothing).
            return [
              { kind: "failed", schema, name, error, ...(statementId === undefined ? {} : { statementId }) },
              statementId === undefined
                ? undefined
                : entry("SUBMITTED", { statementId, durationMs: now().getTime() - started.getTime(), error }),
            ];
          },
        );
      outcomes.push(outcome);
      if (record !== undefined) history.push(record);
      options.onOutcome?.(outcome, outcomes.length, targets.length);
    }),
  );
  return {
    outcomes: outcomes.sort(compareRelations),
    history: await recordOperations(warehouse, environment, history),
  };
}
