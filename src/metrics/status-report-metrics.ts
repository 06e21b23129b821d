import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { RedshiftViewsError, toRedshiftViewsErrors } from "../errors.js";
import type { StatusRow } from "../health/status-rows.js";
import { toEmf } from "./emf.js";
import { DEFAULT_NAMESPACE, type MetricDatum } from "./metric-datum.js";
import { checkNamespace } from "./metric-namespace.js";
import { type ProblemLogEntry, problemLogEntries } from "./problem-log.js";
import { publishMetrics } from "./publish-metrics.js";
import { statusMetrics } from "./status-metrics.js";

/** Where `status --metrics` sends the metric set. */
export type MetricsDestination = "cloudwatch" | "emf";

/** What the metrics step of `status` did; part of its JSON output. */
export type MetricsReport = {
  readonly namespace: string;
  readonly data: readonly MetricDatum[];
  /** One entry per view and problem condition, as logged on stderr. */
  readonly problems: readonly ProblemLogEntry[];
} & (
  | { readonly kind: "published"; readonly requests: number }
  /** The Embedded Metric Format line, for a log that CloudWatch reads (Lambda, ECS). */
  | { readonly kind: "emf"; readonly line: string }
  /** Publishing failed; the status itself is valid. */
  | { readonly kind: "failed"; readonly code: string; readonly error: string; readonly hint: string }
);

export interface ReportMetricsOptions {
  readonly destination: MetricsDestination;
  readonly environment: string;
  readonly rows: readonly StatusRow[];
  readonly now: Date;
  /** `metrics.namespace` of the config; default `ZeroEtlMaterializedViews`. */
  readonly namespace?: string | undefined;
  /** Where to publish: the target's region (or AWS_REGION) unless a client is given. */
  readonly region?: string | undefined;
  readonly client?: CloudWatchClient | undefined;
}

/**
 * Computes the metric set of a status and publishes it (CloudWatch `PutMetricData`) or renders it as
 * EMF. A failure to publish is reported as data, never thrown: the status it describes stays valid.
 */
export async function reportMetrics(options: ReportMetricsOptions): Promise<MetricsReport> {
  const namespace = checkNamespace(options.namespace ?? DEFAULT_NAMESPACE);
  const data = statusMetrics(options.rows, { environment: options.environment, now: options.now });
  const problems = problemLogEntries(options.rows, { environment: options.environment });
  const common = { namespace, data, problems };
  if (options.destination === "emf")
    return { ...common, kind: "emf", line: toEmf(data, { namespace, timestamp: options.now }) };
  try {
    const client = options.client ?? cloudWatchFor(options.region);
    try {
      const result = await publishMetrics(client, data, { namespace, timestamp: options.now });
      return { ...common, kind: "published", requests: result.requests };
    } finally {
      if (options.client === undefined) client.destroy();
    }
  } catch (error) {
    const [problem] = toRedshiftViewsErrors(error);
    return {
      ...common,
      kind: "failed",
      code: problem?.code ?? "E_METRICS_PUBLISH",
      error: problem?.message ?? String(error),
      hint: problem?.hint ?? "",
    };
  }
}

function cloudWatchFor(region: string | undefined): CloudWatchClient {
  if (region === undefined)
    throw new RedshiftViewsError("E_METRICS_REGION", "No AWS region to publish the metrics in.", {
      hint: "Set AWS_REGION (a local environment has no region of its own), or print them with --metrics emf.",
    });
  return new CloudWatchClient({ region });
}
