import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import { DEFAULT_NAMESPACE, type MetricDatum } from "../../src/metrics/metric-datum.js";
import { publishMetrics } from "../../src/metrics/publish-metrics.js";
import { statusMetrics } from "../../src/metrics/status-metrics.js";
import { type CloudWatchFake, startCloudWatchFake } from "../fakes/cloudwatch-fake.js";
import { FAKE_CREDENTIALS } from "../fakes/http-server.js";
import { NOW, ROWS_WITH_ONE_FAILED } from "./status-rows.js";

let fake: CloudWatchFake;
let client: CloudWatchClient;

beforeAll(async () => {
  fake = await startCloudWatchFake();
  client = new CloudWatchClient({
    endpoint: fake.endpoint,
    region: "eu-west-1",
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await fake.close();
});
beforeEach(() => fake.failWith(null));

const received = () => fake.received.length;

describe("publishMetrics against a local CloudWatch", () => {
  it("sends the status metrics in one PutMetricData, exactly as computed", async () => {
    const before = received();
    const data = statusMetrics(ROWS_WITH_ONE_FAILED, { environment: "production", now: NOW });
    const result = await publishMetrics(client, data, { namespace: DEFAULT_NAMESPACE, timestamp: NOW });
    expect(result).toEqual({ requests: 1, metrics: 15 });

    const [call] = fake.received.slice(before);
    expect(call?.outcome).toBe("ok");
    expect(call?.headers["x-amz-target"]).toBe("GraniteServiceVersion20100801.PutMetricData");
    expect(call?.headers["x-amzn-query-mode"]).toBe("true");
    const seconds = NOW.getTime() / 1000;
    const metric = (name: string, unit: string, value: number) => ({
      MetricName: name,
      Dimensions: [{ Name: "Environment", Value: "production" }],
      Timestamp: seconds,
      Value: value,
      Unit: unit,
    });
    expect(call?.request).toEqual({
      Namespace: "ZeroEtlMaterializedViews",
      MetricData: [
        metric("ViewsTotal", "Count", 3),
        metric("ViewsInErrorState", "Count", 1),
        metric("ViewsStale", "Count", 1),
        metric("ViewsMissing", "Count", 0),
        metric("ViewsOutOfDate", "Count", 1),
        metric("ViewsOrphaned", "Count", 0),
        metric("ViewsInConflict", "Count", 0),
        metric("ViewsFailedProvisioning", "Count", 1),
        metric("ViewsUnrefreshable", "Count", 0),
        metric("ViewsNeedingRebuild", "Count", 0),
        metric("ViewsWithUnexpectedAccess", "Count", 0),
        metric("ViewsWithMissingAccess", "Count", 0),
        metric("ViewsWithSourceNotSynced", "Count", 0),
        metric("MaxSecondsSinceLastRefresh", "Seconds", 86_400),
        metric("MaxRefreshDurationSeconds", "Seconds", 20),
      ],
    });
  });

  it("splits many metrics into requests the service accepts (gzip-compressed bodies, ≤ 1,000 metrics, ≤ 1 MB)", async () => {
    const before = received();
    // 1 KB dimension values: 1,500 metrics are over 1 MB, so the split is by size as well as count.
    const data: MetricDatum[] = Array.from({ length: 1500 }, (_, index) => ({
      name: "ViewsTotal",
      unit: "Count",
      value: index,
      dimensions: [{ name: "View", value: `${String(index).padStart(4, "0")}${"v".repeat(1000)}` }],
    }));
    const result = await publishMetrics(client, data, { namespace: "Test/Chunks" });
    const calls = fake.received.slice(before);
    expect(calls.map((call) => call.outcome)).toEqual(calls.map(() => "ok"));
    expect(result).toEqual({ requests: calls.length, metrics: 1500 });
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect(call.gzip).toBe(true);
      expect(call.bytes).toBeLessThanOrEqual(1_000_000);
      expect(call.request.MetricData.length).toBeLessThanOrEqual(1000);
    }
    expect(calls.flatMap((call) => call.request.MetricData.map((metric) => metric.Value))).toEqual(
      data.map((datum) => datum.value),
    );
  });

  it("maps AccessDenied to E_METRICS_PUBLISH whose hint names cloudwatch:PutMetricData", async () => {
    fake.failWith("access-denied");
    const data = statusMetrics(ROWS_WITH_ONE_FAILED, { environment: "production", now: NOW });
    const error = await publishMetrics(client, data, { namespace: DEFAULT_NAMESPACE }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedshiftViewsError);
    const failure = error as RedshiftViewsError;
    expect(failure.code).toBe("E_METRICS_PUBLISH");
    expect(failure.message).toContain("AccessDenied (HTTP 403)");
    expect(failure.hint).toContain("cloudwatch:PutMetricData");
  });

  it("refuses a namespace CloudWatch reserves before sending anything", async () => {
    const before = received();
    const error = await publishMetrics(client, [], { namespace: "AWS/Redshift" }).catch(
      (caught: unknown) => caught,
    );
    expect((error as RedshiftViewsError).code).toBe("E_METRICS_NAMESPACE");
    expect(received()).toBe(before);
  });
});
