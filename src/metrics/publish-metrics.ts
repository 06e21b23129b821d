import { type CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { describeAwsFailure, formatAwsFailure, genericAwsHint } from "../aws/aws-failure.js";
import { RedshiftViewsError } from "../errors.js";
import type { MetricDatum } from "./metric-datum.js";
import { checkNamespace } from "./metric-namespace.js";
import { type PutMetricDataLimits, putMetricDataRequests } from "./put-metric-data-requests.js";

export interface PublishOptions {
  readonly namespace: string;
  /** The time the metrics describe; CloudWatch uses the time it receives them when absent. */
  readonly timestamp?: Date;
  /** For tests; the service's limits by default. */
  readonly limits?: PutMetricDataLimits;
}

export interface PublishResult {
  readonly requests: number;
  readonly metrics: number;
}

/**
 * I/O: sends the metrics with PutMetricData, in as few requests as the service's limits allow, one
 * after the other (a handful of requests at most; order keeps a failure's report simple). The SDK
 * retries throttling and 5xx itself.
 */
export async function publishMetrics(
  client: CloudWatchClient,
  data: readonly MetricDatum[],
  options: PublishOptions,
): Promise<PublishResult> {
  const namespace = checkNamespace(options.namespace);
  const requests = putMetricDataRequests(data, {
    namespace,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  let sent = 0;
  for (const request of requests) {
    try {
      await client.send(new PutMetricDataCommand(request));
    } catch (error) {
      throw publishError(error, { namespace, sent, total: data.length });
    }
    sent += request.MetricData?.length ?? 0;
  }
  return { requests: requests.length, metrics: sent };
}

function publishError(
  error: unknown,
  context: { namespace: string; sent: number; total: number },
): RedshiftViewsError {
  const failure = describeAwsFailure(error);
  const partly =
    context.sent > 0 ? ` (${context.sent} of ${context.total} metrics were published before it)` : "";
  const hint =
    failure.kind === "access-denied"
      ? `Allow the action cloudwatch:PutMetricData to the AWS identity running the monitor (it takes Resource "*"; a condition on cloudwatch:namespace "${context.namespace}" can narrow it). Or print the metrics as Embedded Metric Format (--metrics emf) where the output goes to CloudWatch Logs.`
      : genericAwsHint(failure, "CloudWatch PutMetricData");
  return new RedshiftViewsError(
    "E_METRICS_PUBLISH",
    `Publishing metrics to CloudWatch namespace "${context.namespace}" failed${partly}: ${formatAwsFailure(failure)}`,
    { hint, cause: error },
  );
}
