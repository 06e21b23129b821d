import type { ErrorCondition } from "../health/status-rows.js";
import type { CONDITION_METRICS } from "./condition-metrics.js";

/**
 * The namespace the original monitor published to, kept so existing dashboards and alarms keep
 * working; overridable per run.
 */
export const DEFAULT_NAMESPACE = "ZeroEtlMaterializedViews";

/** The one dimension every metric carries, so environments never mix in one alarm. */
export const ENVIRONMENT_DIMENSION = "Environment";

export type MetricName =
  | "ViewsTotal"
  | "ViewsInErrorState"
  | "ViewsStale"
  | "MaxSecondsSinceLastRefresh"
  | "MaxRefreshDurationSeconds"
  | (typeof CONDITION_METRICS)[ErrorCondition];

/** The CloudWatch units these metrics use (a subset of `StandardUnit`). */
export type MetricUnit = "Count" | "Seconds";

interface MetricDimension {
  readonly name: string;
  readonly value: string;
}

/** One value of one metric: what `PutMetricData` and an EMF line both carry. */
export interface MetricDatum {
  readonly name: MetricName;
  readonly unit: MetricUnit;
  readonly value: number;
  readonly dimensions: readonly MetricDimension[];
}
