import type { LastOperation, StatusRow } from "../health/status-rows.js";
import { CONDITION_METRICS, ERROR_CONDITIONS } from "./condition-metrics.js";
import { ENVIRONMENT_DIMENSION, type MetricDatum, type MetricName, type MetricUnit } from "./metric-datum.js";

export interface StatusMetricsOptions {
  readonly environment: string;
  /** The moment the status was read; ages are measured from it. */
  readonly now: Date;
}

/**
 * Pure: the monitoring metric set for one environment's status rows.
 *
 * Every count is emitted even when it is 0, so an alarm can tell "no problems" from "the monitor did
 * not run" (missing data). The two maxima are omitted when no view has a finished CREATE or REFRESH
 * on record: there is no honest value to send, and a made-up 0 would read as "fresh".
 */
export function statusMetrics(allRows: readonly StatusRow[], options: StatusMetricsOptions): MetricDatum[] {
  // Views of other projects sharing the schemas are theirs to monitor.
  const rows = allRows.filter((row) => row.foreignProject === undefined);
  const dimensions = [{ name: ENVIRONMENT_DIMENSION, value: options.environment }];
  const datum = (name: MetricName, unit: MetricUnit, value: number): MetricDatum => ({
    name,
    unit,
    value,
    dimensions,
  });

  const data: MetricDatum[] = [
    // Every view `status` lists: each template's view (existing or missing) and each orphan.
    datum("ViewsTotal", "Count", rows.length),
    datum("ViewsInErrorState", "Count", rows.filter((row) => row.conditions.length > 0).length),
    // Staleness is normal between refreshes, so it is not an error condition; an existing view whose
    // staleness Redshift does not know (`null`) counts as stale, as `status` treats it.
    datum("ViewsStale", "Count", rows.filter((row) => row.exists && row.stale !== false).length),
    ...ERROR_CONDITIONS.map((condition) =>
      datum(
        CONDITION_METRICS[condition],
        "Count",
        rows.filter((row) => row.conditions.includes(condition)).length,
      ),
    ),
  ];

  const refreshes = rows.flatMap((row) => {
    const last = row.exists ? lastRecompute(row) : undefined;
    return last === undefined ? [] : [last];
  });
  if (refreshes.length > 0) {
    const now = options.now.getTime();
    // A materialized view holds the data as of the snapshot its CREATE or REFRESH started from, so
    // its age counts from the statement's start, not its end. A clock running behind the warehouse's
    // must not produce a negative age.
    const ages = refreshes.map((operation) => Math.max(0, (now - Date.parse(operation.at)) / 1000));
    data.push(datum("MaxSecondsSinceLastRefresh", "Seconds", Math.max(...ages)));
    data.push(
      datum(
        "MaxRefreshDurationSeconds",
        "Seconds",
        Math.max(...refreshes.map((operation) => operation.durationSeconds)),
      ),
    );
  }
  return data;
}

/**
 * The latest finished CREATE or REFRESH of a view: what its current data comes from. A CREATE
 * computes the whole view, so it counts as a refresh. Failed, aborted and unconfirmed (SUBMITTED)
 * operations did not change the data and are ignored.
 */
function lastRecompute(row: StatusRow): LastOperation | undefined {
  const finished = [row.operations.create, row.operations.refresh].filter(
    (operation): operation is LastOperation => operation?.status === "FINISHED",
  );
  return finished.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
}
