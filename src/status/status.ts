import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { SessionEvent, WarehouseOptions } from "../connect/options.js";
import { openSession } from "../connect/session.js";
import { desiredViews } from "../desired/desired-views.js";
import { buildStatusRows, type StatusRow } from "../health/status-rows.js";
import { HISTORY_RELATION, historyHint } from "../history/history-table.js";
import {
  type MetricsDestination,
  type MetricsReport,
  reportMetrics,
} from "../metrics/status-report-metrics.js";
import { type HistoryRead, readHistory } from "../state/history.js";
import { readCatalog, readMvInfo, readPrivileges } from "../state/read-state.js";
import { resolveSubmitted } from "../state/resolve-submitted.js";

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
  /** With `metrics`: what was published or rendered, or why publishing failed. */
  readonly metrics?: MetricsReport;
}

/**
 * One row per view of an environment, from three queries whatever the number of views or how often
 * they ran: the catalog's hashes, `SVV_MV_INFO`, and the operation history the tool writes after
 * every provision and refresh. A view with a problem has `conditions`.
 */
export async function status(options: StatusOptions): Promise<StatusReport> {
  const emit = options.onEvent ?? (() => {});
  const session = await openSession(options);
  try {
    const { environment, prepared, target, warehouse, schemas } = session;
    const [catalog, mvInfo, history, privileges] = await Promise.all([
      readCatalog(warehouse, environment, schemas),
      readMvInfo(warehouse, environment, schemas),
      readHistory(warehouse, environment, schemas),
      readPrivileges(warehouse, environment, schemas),
    ]);
    if (!privileges.complete)
      emit({
        kind: "warning",
        code: "access_unaudited",
        message: `Who can read the views was not audited: ${catalog.session.name} sees only its own grants (it is not a superuser and has no SYSLOG ACCESS UNRESTRICTED).`,
        hint: `Run status as a superuser, or have one run ALTER USER "${catalog.session.name}" SYSLOG ACCESS UNRESTRICTED; the other checks are complete.`,
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
    });
    const metrics =
      options.metrics === undefined
        ? undefined
        : await reportMetrics({
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
      ...(metrics === undefined ? {} : { metrics }),
    };
  } finally {
    await session.close();
  }
}
