import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
import { openSession } from "../connect/session.js";
import { desiredViews } from "../desired/desired-views.js";
import { buildStatusRows, type StatusRow } from "../health/status-rows.js";
import { HISTORY_RELATION, historyHint } from "../history/history-table.js";
import type { MetricsDestination, MetricsReport } from "../metrics/status-report-metrics.js";
import { type HistoryRead, readHistory } from "../state/history.js";
import { readCatalog, readMvInfo, readPrivileges } from "../state/read-state.js";
import { resolveSubmitted } from "../state/resolve-submitted.js";
import { readSourceStates } from "../state/source-states.js";

export interface StatusOptions extends WarehouseOptions {
  readonly onEvent?: (event: SessionEvent) => void;
  /**
   * Also compute the monitoring metric set and publish it to CloudWatch (`PutMetricData`, namespace
   * `metrics.namespace` of the config) or render it as Embedded Metric Format (`emf`).
   */
  readonly metrics?: MetricsDestination;
  /** The CloudWatch client to publish with (a custom endpoint or credentials; tests). */
  readonly cloudWatch?: CloudWatchClient;
}

/** The `--format json` form of `status`. Stable: fields are only ever added. */
export interface StatusReport {
  readonly version: 1;
  readonly environment: string;
  /** Whether last operations could be read (`empty`: nothing recorded yet in this warehouse). */
  readonly history: HistoryRead["kind"];
  /** Why the history could not be read, when `history` is `unreadable`. */
  readonly historyError?: string;
  readonly views: readonly StatusRow[];
  /** Whether who can read each view was audited (`unexpected_access`, `missing_access`). */
  readonly access: "audited" | "unaudited";
  /** Whether the zero-ETL states of the replicated tables were read (`source_not_synced`). */
  readonly sources: "checked" | "unchecked";
  /** With `metrics`: what was published or rendered, or why publishing failed. */
  readonly metrics?: MetricsReport;
}

/**
 * One row per view of an environment, from a fixed number of queries whatever the number of views or
 * how often they ran, all at once: the catalog's hashes, `SVV_MV_INFO`, the operation history the
 * tool writes after every provision and refresh, the grants, and the zero-ETL states of the
 * replicated tables. A view with a problem has `conditions`.
 */
export async function status(options: StatusOptions): Promise<StatusReport> {
  const emit = options.onEvent ?? (() => {});
  const session = await openSession(options);
  try {
    const { environment, prepared, target, warehouse, schemas } = session;
    const [catalog, mvInfo, history, privileges, sources] = await Promise.all([
      readCatalog(warehouse, environment, schemas),
      readMvInfo(warehouse, environment, schemas),
      readHistory(warehouse, environment, schemas),
      readPrivileges(warehouse, environment, schemas),
      readSourceStates(warehouse, environment),
    ]);
    if (!privileges.complete)
      emit({
        kind: "warning",
        code: "access_unaudited",
        message: `Who can read the views was not audited: ${catalog.session.name} sees only its own grants (it is not a superuser and has no SYSLOG ACCESS UNRESTRICTED).`,
        hint: `Run status as a superuser, or have one run ALTER USER "${catalog.session.name}" SYSLOG ACCESS UNRESTRICTED; the other checks are complete.`,
      });
    if (sources.kind === "unreadable")
      emit({
        kind: "warning",
        code: "source_states_unread",
        message: `The zero-ETL states of the replicated tables were not read (SVV_INTEGRATION_TABLE_STATE): ${sources.error}`,
        hint: catalog.session.superuser
          ? "Views over a table that is not Synced cannot be reported (source_not_synced); the other checks are complete."
          : `SVV_INTEGRATION_TABLE_STATE is visible to superusers only: run status as one, or have one run GRANT SELECT ON svv_integration_table_state TO "${catalog.session.name}". The other checks are complete.`,
      });
    if (history.kind === "unreadable")
      emit({
        kind: "warning",
        code: "history_unreadable",
        message: `Could not read the operation history (${HISTORY_RELATION}): ${history.error}`,
        hint: `Last operations are not shown, so failed_provisioning and unrefreshable cannot be detected. ${historyHint(history.problem, true)}`,
      });
    if (history.kind === "recorded")
      for (const problem of history.problems)
        emit({ kind: "warning", code: "history_row_unreadable", message: problem });
    // Operations left running (`refresh --no-wait`) are resolved while the Data API remembers them.
    const recorded =
      history.kind === "recorded"
        ? (await resolveSubmitted(warehouse, environment, history.views, new Date())).views
        : [];
    const { project } = prepared.options;
    const views = buildStatusRows({
      project,
      desired: desiredViews(prepared.specs, environment, target.grants, project),
      catalog,
      mvInfo,
      history: recorded,
      ...(privileges.complete ? { privileges } : {}),
      ...(sources.kind === "read" ? { unsynced: sources.unsynced } : {}),
    });
    const metrics =
      options.metrics === undefined
        ? undefined
        : // The CloudWatch client is loaded only to publish.
          await (await import("../metrics/status-report-metrics.js")).reportMetrics({
            destination: options.metrics,
            environment,
            rows: views,
            now: new Date(),
            namespace: session.config.metricsNamespace,
            region: target.kind === "local" ? (options.env ?? process.env).AWS_REGION : target.region,
            client: options.cloudWatch,
          });
    return {
      version: 1,
      environment,
      history: history.kind,
      ...(history.kind === "unreadable" ? { historyError: history.error } : {}),
      views,
      access: privileges.complete ? "audited" : "unaudited",
      sources: sources.kind === "read" ? "checked" : "unchecked",
      ...(metrics === undefined ? {} : { metrics }),
    };
  } finally {
    await session.close();
  }
}
