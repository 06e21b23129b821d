import type { MetricDatum } from "./metric-datum.js";

export interface EmfOptions {
  readonly namespace: string;
  /** The time the metrics describe. */
  readonly timestamp: Date;
}

/**
 * CloudWatch Embedded Metric Format: "This array MUST NOT contain more than 100 MetricDefinition
 * objects" (per MetricDirective).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
const MAX_METRICS_PER_DIRECTIVE = 100;

/**
 * Pure: the metrics as one EMF log line (JSON, no newline), for runs whose stdout goes to CloudWatch
 * Logs (Lambda, ECS with the awslogs driver, the CloudWatch agent), where CloudWatch extracts the
 * metrics itself and no `cloudwatch:PutMetricData` permission is needed.
 *
 * Per the specification (page cited above): `_aws.Timestamp` is epoch milliseconds;
 * `_aws.CloudWatchMetrics` holds MetricDirectives `{ Namespace, Dimensions: [[keys]], Metrics: [{
 * Name, Unit }] }`; every dimension key and every metric name is a member of the root object (the
 * "target members"), dimensions as strings and metrics as numbers. Metrics with the same dimension
 * keys share one directive (split at 100 metrics). Two metrics that share a name but differ in
 * dimension values cannot share a root object; this tool never produces them, and they are refused.
 */
export function toEmf(data: readonly MetricDatum[], options: EmfOptions): string {
  const root: Record<string, string | number> = {};
  const groups = new Map<string, { keys: string[]; metrics: { Name: string; Unit: string }[] }>();
  for (const datum of data) {
    const keys = datum.dimensions.map((dimension) => dimension.name);
    for (const dimension of datum.dimensions) {
      setMember(root, dimension.name, dimension.value);
    }
    setMember(root, datum.name, datum.value);
    const groupKey = JSON.stringify(keys);
    const group = groups.get(groupKey) ?? { keys, metrics: [] };
    group.metrics.push({ Name: datum.name, Unit: datum.unit });
    groups.set(groupKey, group);
  }
  const directives = [...groups.values()].flatMap((group) => {
    const chunks: { Name: string; Unit: string }[][] = [];
    for (let start = 0; start < group.metrics.length; start += MAX_METRICS_PER_DIRECTIVE) {
      chunks.push(group.metrics.slice(start, start + MAX_METRICS_PER_DIRECTIVE));
    }
    return chunks.map((metrics) => ({
      Namespace: options.namespace,
      Dimensions: [group.keys],
      Metrics: metrics,
    }));
  });
  return JSON.stringify({
    _aws: { Timestamp: options.timestamp.getTime(), CloudWatchMetrics: directives },
    ...root,
  });
}

function setMember(root: Record<string, string | number>, key: string, value: string | number): void {
  if (key === "_aws") throw new Error("An EMF member cannot be named _aws.");
  const existing = root[key];
  if (existing !== undefined && existing !== value) {
    throw new Error(`EMF member "${key}" would carry two values (${existing} and ${value}).`);
  }
  root[key] = value;
}
