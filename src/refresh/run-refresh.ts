import { runBy } from "../bookkeeping/run-by.js";
import { RedshiftViewsError, toRedshiftViewsErrors } from "../errors.js";
import { type OperationRecord, type RecordedStatus, statementTiming } from "../history/operation-record.js";
import { type HistoryWrite, recordOperations } from "../history/record-operations.js";
import { renderStatement } from "../sql/render.js";
import { compareRelations } from "../text/compare.js";
import { statementName, type Warehouse } from "../warehouse/index.js";
import type { RefreshSelection } from "./select.js";

/** How long the history write may take once the run was interrupted. */
const INTERRUPTED_HISTORY_MS = 10_000;

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
    }
  /**
   * Submitted and left running on the warehouse (`--no-wait`, or the wait was interrupted): its end
   * is not known yet; `status` resolves it through the Data API while it remembers the statement.
   */
  | {
      readonly kind: "submitted";
      readonly schema: string;
      readonly name: string;
      readonly statementId: string;
    }
  /** Interrupted before it was submitted: the view is as it was. */
  | { readonly kind: "not_submitted"; readonly schema: string; readonly name: string };

export interface RefreshRun {
  /** Sorted by schema and view. */
  readonly outcomes: readonly RefreshOutcome[];
  /** Whether the outcomes were written to the operation history that `status` reads. */
  readonly history: HistoryWrite;
}

export interface RunRefreshOptions {
  /** Called as each view finishes (or, without waiting, is submitted), for progress output. */
  readonly onOutcome?: ((outcome: RefreshOutcome, done: number, total: number) => void) | undefined;
  /** `false`: submit every refresh and return at once; the statements keep running. */
  readonly wait?: boolean | undefined;
  /** Once aborted, nothing more is submitted and the run stops waiting (the statements keep running). */
  readonly signal?: AbortSignal | undefined;
  /** `user@host` written to the operation history. Default: this process's. */
  readonly recordedBy?: string | undefined;
  readonly now?: (() => Date) | undefined;
  /** Ends of operations an earlier run left running, found since: written with this run's records. */
  readonly resolved?: readonly OperationRecord[] | undefined;
  /**
   * Called once after the refreshes with the views whose REFRESH failed on the warehouse: the cause of
   * each that can be told, in plain words, by `schema.view`, added to its error and history record.
   */
  readonly explainFailures?:
    | ((
        views: readonly { readonly schema: string; readonly name: string }[],
      ) => Promise<ReadonlyMap<string, string>>)
    | undefined;
}

/**
 * One `REFRESH MATERIALIZED VIEW` per view, all submitted at once under the client's concurrency cap,
 * then one write of the outcomes to the operation history. A view that fails, or whose end was not
 * waited for, is an outcome, never an exception.
 */
export async function refreshViews(
  warehouse: Warehouse,
  environment: string,
  targets: RefreshSelection["targets"],
  options: RunRefreshOptions = {},
): Promise<RefreshRun> {
  const now = options.now ?? (() => new Date());
  const by = runBy(options.recordedBy);
  const wait = options.wait !== false;
  const outcomes: RefreshOutcome[] = [];
  const history: OperationRecord[] = [...(options.resolved ?? [])];
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
      const sql = renderStatement({ kind: "refresh_materialized_view", view: { schema, name } });
      const statement = {
        name: statementName(environment, "refresh", `${schema}.${name}`),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onSubmitted: (id: string) => {
          statementId = id;
        },
      };
      const running = (id: string, at: Date): [RefreshOutcome, OperationRecord] => [
        { kind: "submitted", schema, name, statementId: id },
        entry("SUBMITTED", { statementId: id, startedAt: at }),
      ];
      // A warehouse error (credentials, network) fails this view, not the whole run: the others report.
      const [outcome, record] = await (wait
        ? warehouse.execute(sql, statement).then((result): [RefreshOutcome, OperationRecord] => {
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
          })
        : warehouse.submit([sql], statement).then(({ id, submittedAt }) => running(id, submittedAt))
      ).catch((thrown: unknown): [RefreshOutcome, OperationRecord | undefined] => {
        const interrupted = thrown instanceof RedshiftViewsError && thrown.code === "E_INTERRUPTED";
        // Interrupted: the refresh was either never sent (nothing changes) or is left running.
        if (interrupted)
          return statementId === undefined
            ? [{ kind: "not_submitted", schema, name }, undefined]
            : running(statementId, started);
        const error = toRedshiftViewsErrors(thrown)[0]?.message ?? String(thrown);
        // Accepted, then lost from sight: recorded as sent, its end not seen. Never accepted: the
        // history keeps what it had (a refresh that did not run changes nothing).
        return [
          { kind: "failed", schema, name, error, ...(statementId === undefined ? {} : { statementId }) },
          statementId === undefined
            ? undefined
            : entry("SUBMITTED", { statementId, durationMs: now().getTime() - started.getTime(), error }),
        ];
      });
      outcomes.push(outcome);
      if (record !== undefined) history.push(record);
      options.onOutcome?.(outcome, outcomes.length, targets.length);
    }),
  );
  const failed = outcomes.filter((outcome) => outcome.kind === "failed" && outcome.statementId !== undefined);
  const causes =
    options.explainFailures === undefined || failed.length === 0
      ? new Map<string, string>()
      : await options.explainFailures(failed);
  const withCause = (error: string, key: string) => {
    const cause = causes.get(key);
    return cause === undefined ? error : `${error} (${cause})`;
  };
  return {
    outcomes: outcomes
      .map((outcome) =>
        outcome.kind === "failed"
          ? { ...outcome, error: withCause(outcome.error, `${outcome.schema}.${outcome.name}`) }
          : outcome,
      )
      .sort(compareRelations),
    history: await recordOperations(
      warehouse,
      environment,
      history.map((record) =>
        record.status === "FAILED" && record.error !== undefined
          ? { ...record, error: withCause(record.error, `${record.schema}.${record.view}`) }
          : record,
      ),
      {
        // After Ctrl-C the user is waiting: the write gets a bounded time, then gives up.
        ...(options.signal?.aborted === true ? { signal: AbortSignal.timeout(INTERRUPTED_HISTORY_MS) } : {}),
      },
    ),
  };
}
