import { RedshiftViewsError, toRedshiftViewsErrors } from "../errors.js";
import { type OperationRecord, type RecordedStatus, statementTiming } from "../history/operation-record.js";
import { type HistoryWrite, recordOperations } from "../history/record-operations.js";
import type { DesiredView } from "../provision/desired-views.js";
import { runBy } from "../safety/run-by.js";
import type { MvInfo } from "../status/mv-info.js";
import { quote } from "../views/identifiers.js";
import { statementName, type Warehouse } from "../warehouse/index.js";

export interface RefreshSelection {
  /** Views to refresh, with why. */
  readonly targets: readonly {
    readonly schema: string;
    readonly name: string;
    /** `failed`: fresh, but its last refresh failed (status calls it unrefreshable until one succeeds). */
    readonly reason: "stale" | "unknown" | "requested" | "failed";
  }[];
  /** Fresh views left alone. */
  readonly fresh: readonly { readonly schema: string; readonly name: string }[];
  /** Templates whose view does not exist: provision first. */
  readonly missing: readonly { readonly schema: string; readonly name: string }[];
  /** Views of a template's name that this tool did not create: never refreshed by it. */
  readonly conflicts: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * Which managed views to refresh: the stale ones (unknown staleness counts as stale) and those whose
 * last refresh failed, every one with `all`, or the one named by `view` (`schema.view`, or `view`
 * when the name is unambiguous).
 */
export function selectRefreshTargets(
  desired: readonly DesiredView[],
  mvInfo: readonly MvInfo[],
  options: {
    readonly all?: boolean;
    readonly view?: string | undefined;
    /** `schema.view` of the views that carry this tool's marker; others of the same name are not touched. */
    readonly managed?: ReadonlySet<string>;
    /** `schema.view` of the views whose last refresh failed (see `refreshFailed`). */
    readonly failed?: ReadonlySet<string>;
  },
): RefreshSelection {
  const info = new Map(mvInfo.map((row) => [`${row.schema}.${row.name}`, row]));
  let views = desired;
  if (options.view !== undefined) {
    const wanted = options.view;
    views = desired.filter((view) => `${view.schema}.${view.name}` === wanted || view.name === wanted);
    if (views.length === 0) {
      throw new RedshiftViewsError("E_VIEW_UNKNOWN", `No managed view is called "${wanted}".`, {
        location: { view: wanted },
        hint: "Use schema.view as listed by `redshift-views status <env>`.",
      });
    }
    if (views.length > 1) {
      throw new RedshiftViewsError("E_VIEW_AMBIGUOUS", `"${wanted}" names ${views.length} views.`, {
        location: { view: wanted },
        hint: `Qualify it with its schema: ${views.map((view) => `${view.schema}.${view.name}`).join(" or ")}.`,
      });
    }
  }
  const targets: RefreshSelection["targets"][number][] = [];
  const fresh: RefreshSelection["fresh"][number][] = [];
  const missing: RefreshSelection["missing"][number][] = [];
  const conflicts: RefreshSelection["conflicts"][number][] = [];
  for (const view of views) {
    const ref = { schema: view.schema, name: view.name };
    const row = info.get(`${view.schema}.${view.name}`);
    if (row === undefined) missing.push(ref);
    else if (options.managed !== undefined && !options.managed.has(`${view.schema}.${view.name}`))
      conflicts.push(ref);
    else if (options.all === true || options.view !== undefined)
      targets.push({ ...ref, reason: "requested" });
    else if (row.isStale === undefined) targets.push({ ...ref, reason: "unknown" });
    else if (row.isStale) targets.push({ ...ref, reason: "stale" });
    else if (options.failed?.has(`${view.schema}.${view.name}`) === true)
      targets.push({ ...ref, reason: "failed" });
    else fresh.push(ref);
  }
  return { targets, fresh, missing, conflicts };
}

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

export interface RefreshOptions {
  /** Called as each view finishes, for progress output. */
  readonly onOutcome?: (outcome: RefreshOutcome, done: number, total: number) => void;
  /** `user@host` written to the operation history. Default: this process's. */
  readonly recordedBy?: string;
  readonly now?: () => Date;
}

/**
 * One `REFRESH MATERIALIZED VIEW` per view, all submitted at once under the client's concurrency cap,
 * then one write of the outcomes to the operation history.
 */
export async function refreshViews(
  warehouse: Warehouse,
  environment: string,
  targets: RefreshSelection["targets"],
  options: RefreshOptions = {},
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
        .execute(`REFRESH MATERIALIZED VIEW ${quote(schema)}.${quote(name)};`, {
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
    outcomes: outcomes.sort((a, b) => (`${a.schema}.${a.name}` < `${b.schema}.${b.name}` ? -1 : 1)),
    history: await recordOperations(warehouse, environment, history),
  };
}
