import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
import { openSession } from "../connect/session.js";
import { desiredViews } from "../desired/desired-views.js";
import { refreshFailed } from "../history/operation-record.js";
import type { HistoryWrite } from "../history/record-operations.js";
import { readHistory } from "../state/history.js";
import { readCatalog, readMvInfo } from "../state/read-state.js";
import { type RefreshOutcome, refreshViews } from "./run-refresh.js";
import { type RefreshSelection, selectRefreshTargets } from "./select.js";

export interface RefreshOptions extends WarehouseOptions {
  /** Refresh every managed view, stale or not. */
  readonly all?: boolean;
  /** Refresh only this view (`schema.view`, or `view` when unambiguous). */
  readonly view?: string;
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
    const key = (view: { schema: string; name?: string; view?: string }) =>
      `${view.schema}.${view.name ?? view.view}`;
    const selection = selectRefreshTargets(desiredViews(prepared.specs, environment, target.grants), mvInfo, {
      all: options.all === true,
      view: options.view,
      managed: new Set(catalog.filter((view) => view.hash !== undefined).map(key)),
      failed: new Set((history.kind === "recorded" ? history.views : []).filter(refreshFailed).map(key)),
    });
    emit({ kind: "selected", selection });
    const run = await refreshViews(warehouse, environment, selection.targets, {
      recordedBy: options.runBy,
      onOutcome: (outcome, done, total) => emit({ kind: "outcome", outcome, done, total }),
    });
    if (run.history.kind === "failed")
      emit({
        kind: "warning",
        code: "history_not_recorded",
        message: `Could not record ${run.history.operations - run.history.recorded} of ${run.history.operations} refreshes in the operation history: ${run.history.error}`,
        hint: `The views are as reported; \`redshift-views status ${environment}\` will show their previous operation.`,
      });
    return { version: 1, environment, ...selection, refreshed: run.outcomes, history: run.history };
  } finally {
    await session.close();
  }
}
