import type { PutMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import type { MetricDatum } from "./metric-datum.js";

/**
 * PutMetricData's limits: "Each PutMetricData request is limited to 1 MB in size for HTTP POST
 * requests. [...] Each request is also limited to no more than 1000 different metrics."
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 *
 * The size is counted on the uncompressed JSON body (the SDK gzips bodies over 10 KB, but the page
 * does not say which size the limit applies to), with 1 MB read as 10^6 bytes, the smaller reading.
 */
const PUT_METRIC_DATA_LIMITS = { maxMetrics: 1000, maxBytes: 1_000_000 } as const;

export interface PutMetricDataLimits {
  readonly maxMetrics: number;
  readonly maxBytes: number;
}

/**
 * Pure: the PutMetricData requests that carry `data`, in order, each within the service's limits.
 * `timestamp` is sent with every datum when given (CloudWatch otherwise stamps the time it receives
 * them).
 */
export function putMetricDataRequests(
  data: readonly MetricDatum[],
  options: { readonly namespace: string; readonly timestamp?: Date; readonly limits?: PutMetricDataLimits },
): PutMetricDataCommandInput[] {
  const limits = options.limits ?? PUT_METRIC_DATA_LIMITS;
  const envelope = jsonBytes({ Namespace: options.namespace, MetricData: [] });
  const requests: PutMetricDataCommandInput[] = [];
  let batch: NonNullable<PutMetricDataCommandInput["MetricData"]> = [];
  let bytes = envelope;
  for (const datum of data) {
    const wire = {
      MetricName: datum.name,
      Dimensions: datum.dimensions.map((dimension) => ({ Name: dimension.name, Value: dimension.value })),
      ...(options.timestamp === undefined ? {} : { Timestamp: options.timestamp }),
      Value: datum.value,
      Unit: datum.unit,
    };
    // The JSON protocol sends timestamps as epoch seconds: measure them that way.
    const size =
      jsonBytes({
        ...wire,
        Timestamp: options.timestamp === undefined ? undefined : options.timestamp.getTime() / 1000,
      }) + 1;
    if (envelope + size > limits.maxBytes) {
      throw new Error(`Metric ${datum.name} alone exceeds the PutMetricData size limit.`);
    }
    if (batch.length > 0 && (batch.length >= limits.maxMetrics || bytes + size > limits.maxBytes)) {
      requests.push({ Namespace: options.namespace, MetricData: batch });
      batch = [];
      bytes = envelope;
    }
    batch.push(wire);
    bytes += size;
  }
  if (batch.length > 0) requests.push({ Namespace: options.namespace, MetricData: batch });
  return requests;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
