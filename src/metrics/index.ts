export { CONDITION_METRICS, ERROR_CONDITIONS } from "./condition-metrics.js";
export { type EmfOptions, toEmf } from "./emf.js";
export {
  DEFAULT_NAMESPACE,
  ENVIRONMENT_DIMENSION,
  type MetricDatum,
  type MetricDimension,
  type MetricName,
  type MetricUnit,
} from "./metric-datum.js";
export { checkNamespace } from "./metric-namespace.js";
export { formatProblemLogLine, type ProblemLogEntry, problemLogEntries } from "./problem-log.js";
export { type PublishOptions, type PublishResult, publishMetrics } from "./publish-metrics.js";
export {
  PUT_METRIC_DATA_LIMITS,
  type PutMetricDataLimits,
  putMetricDataRequests,
} from "./put-metric-data-requests.js";
export { lastRecompute, type StatusMetricsOptions, statusMetrics } from "./status-metrics.js";
