import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
import { openSession } from "../connect/session.js";
import { desiredViews } from "../desired/desired-views.js";
import { historyHint } from "../history/history-table.js";
import { refreshFailed } from "../history/operation-record.js";
import type { HistoryWrite } from "../history/record-operations.js";
import { readHistory } from "../state/history.js";
import { notOwned, notOwnedError } from "../state/ownership.js";
import { readCatalog, readMvInfo } from "../state/read-state.js";
import { resolveSubmitted } from "../state/resolve-submitted.js";
import { explainNotSynced } from "../state/source-states.js";
import { type RefreshOutcome, refreshViews } from "./run-refresh.js";
import { type RefreshSelection, selectRefreshTargets } from "./select.js";

export interface RefreshOptions extends WarehouseOptions {
  /** Refresh every managed view, stale or not. */
  readonly all?: boolean;
  /** Refresh only this view (`schema.view`, or `view` when unambiguous). */
  readonly view?: string;
  /** Only select: report what would be refreshed and what is fresh; submit nothing but the reads. */
  readonly dryRun?: boolean;
  /**
   * `false`: submit the refreshes and return at once (a scheduler's run); the statements keep running
   * and `status` reports how they ended. Default `true`.
   */
  readonly wait?: boolean;
  readonly onEvent?: (event: RefreshEvent) => void;
}

export type RefreshEvent =
  | SessionEvent
  /** What will be refreshed and why, before anything is submitted. */
  | { readonly kind: "selected"; readonly selection: RefreshSelection }
  | {
      readonly kind: "outcome";
      readonly outcome: RefreshOutcome;
      readonly done: number;
      readonly total: number;
    };

/** The `--json` form of a refresh. Stable: fields are only ever added. */
export interface RefreshReport extends RefreshSelection {
  readonly version: 1;
  readonly environment: string;
  /** Nothing was submitted: `targets` is what a refresh would do. */
  readonly dryRun: boolean;
  /** The run stopped waiting (interrupted) or never waited (`wait: false`); see `submitted` outcomes. */
  readonly detached: boolean;
  /** Sorted by schema and view. */
  readonly refreshed: readonly RefreshOutcome[];
  /** Whether the outcomes were written to the operation history that `status` reads. */
  readonly history: HistoryWrite;
}

/**
 * Refreshes the stale managed views of an environment (unknown staleness counts as stale) and those
 * whose last refresh failed, every one with `all`, or one with `view`. Reads what it needs in three
 * queries whatever the number of views; a failing view is a result, not an exception.
 */
export async function refresh(options: RefreshOptions): Promise<RefreshReport> {
  const emit = options.onEvent ?? (() => {});
  const session = await openSession(options);
  try {
    const { environment, prepared, target, warehouse, schemas } = session;
    const [mvInfo, catalog, history] = await Promise.all([
      readMvInfo(warehouse, environment, schemas),
      readCatalog(warehouse, environment, schemas),
      readHistory(warehouse, environment, schemas),
    ]);
    // Refreshes left running by an earlier run: resolved now, and their ends recorded with this run's.
    const { views: recorded, resolved } =
      history.kind === "recorded"
        ? await resolveSubmitted(warehouse, environment, history.views, new Date())
        : { views: [], resolved: [] };
    const key = (view: { schema: string; name?: string; view?: string }) =>
      `${view.schema}.${view.name ?? view.view}`;
    const { project } = prepared.options;
    // This project's views, and views an earlier version made for these templates (adopted as ours);
    // another project's view of the same name is never refreshed by this one.
    const ours = catalog.views.filter(
      (view) => view.marker !== undefined && (view.marker.project ?? project) === project,
    );
    const desired = desiredViews(prepared.specs, environment, target.grants, project);
    // SVV_MV_INFO shows a regular user only the views it owns; a view another user owns still exists
    // (the catalog says so), its staleness unknown: selected, then refused as not owned.
    // https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_MV_INFO.html
    const listed = new Set(mvInfo.map(key));
    const visible = [
      ...mvInfo,
      ...catalog.views
        .filter((view) => !listed.has(key(view)))
        .map((view) => ({ schema: view.schema, name: view.name, isStale: undefined, state: undefined })),
    ];
    const selection = selectRefreshTargets(desired, visible, {
      all: options.all === true,
      view: options.view,
      managed: new Set(ours.map(key)),
      failed: new Set(recorded.filter(refreshFailed).map(key)),
    });
    emit({ kind: "selected", selection });
    const dryRun = options.dryRun === true;
    const blocked = notOwned(catalog, selection.targets);
    if (!dryRun && blocked.length > 0) throw notOwnedError(catalog, blocked, `refresh ${environment}`);
    if (dryRun)
      return {
        version: 1,
        environment,
        dryRun,
        detached: false,
        ...selection,
        refreshed: [],
        history: { kind: "recorded", operations: 0 },
      };
    const run = await refreshViews(warehouse, environment, selection.targets, {
      resolved,
      recordedBy: options.runBy,
      wait: options.wait !== false,
      signal: options.signal,
      onOutcome: (outcome, done, total) => emit({ kind: "outcome", outcome, done, total }),
      explainFailures: (failed) => explainNotSynced(warehouse, environment, failed, desired),
    });
    if (run.history.kind === "failed")
      emit({
        kind: "warning",
        code: "history_not_recorded",
        message: `Could not record ${run.history.operations - run.history.recorded} of ${run.history.operations} refreshes in the operation history: ${run.history.error}`,
        hint: `The views are as reported; \`redshift-views status ${environment}\` will show their previous operation.${run.history.problem === undefined ? "" : ` ${historyHint(run.history.problem, false)}`}`,
      });
    return {
      version: 1,
      environment,
      dryRun,
      detached: options.wait === false || options.signal?.aborted === true,
      ...selection,
      refreshed: run.outcomes,
      history: run.history,
    };
  } finally {
    await session.close();
  }
}
