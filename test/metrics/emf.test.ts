import { describe, expect, it } from "vitest";
import { toEmf } from "../../src/metrics/emf.js";
import type { MetricDatum } from "../../src/metrics/metric-datum.js";
import { statusMetrics } from "../../src/metrics/status-metrics.js";
import { NOW, ROWS_WITH_ONE_FAILED } from "./status-rows.js";

describe("toEmf", () => {
  it("writes one JSON line per the Embedded Metric Format: _aws metadata, then the dimension and every metric as root members", () => {
    const data = statusMetrics(ROWS_WITH_ONE_FAILED, { environment: "production", now: NOW });
    const line = toEmf(data, { namespace: "ZeroEtlMaterializedViews", timestamp: NOW });
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: NOW.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: "ZeroEtlMaterializedViews",
            Dimensions: [["Environment"]],
            Metrics: [
              { Name: "ViewsTotal", Unit: "Count" },
              { Name: "ViewsInErrorState", Unit: "Count" },
              { Name: "ViewsStale", Unit: "Count" },
              { Name: "ViewsMissing", Unit: "Count" },
              { Name: "ViewsOutOfDate", Unit: "Count" },
              { Name: "ViewsOrphaned", Unit: "Count" },
              { Name: "ViewsInConflict", Unit: "Count" },
              { Name: "ViewsFailedProvisioning", Unit: "Count" },
              { Name: "ViewsUnrefreshable", Unit: "Count" },
              { Name: "ViewsNeedingRebuild", Unit: "Count" },
              { Name: "ViewsWithUnexpectedAccess", Unit: "Count" },
              { Name: "ViewsWithMissingAccess", Unit: "Count" },
              { Name: "ViewsWithSourceNotSynced", Unit: "Count" },
              { Name: "MaxSecondsSinceLastRefresh", Unit: "Seconds" },
              { Name: "MaxRefreshDurationSeconds", Unit: "Seconds" },
            ],
          },
        ],
      },
      Environment: "production",
      ViewsTotal: 3,
      ViewsInErrorState: 1,
      ViewsStale: 1,
      ViewsMissing: 0,
      ViewsOutOfDate: 1,
      ViewsOrphaned: 0,
      ViewsInConflict: 0,
      ViewsFailedProvisioning: 1,
      ViewsUnrefreshable: 0,
      ViewsNeedingRebuild: 0,
      ViewsWithUnexpectedAccess: 0,
      ViewsWithMissingAccess: 0,
      ViewsWithSourceNotSynced: 0,
      MaxSecondsSinceLastRefresh: 86_400,
      MaxRefreshDurationSeconds: 20,
    });
  });

  it("keeps at most 100 metric definitions per directive, as the specification requires", () => {
    const data: MetricDatum[] = Array.from({ length: 150 }, (_, index) => ({
      name: `ViewsTotal${index}` as MetricDatum["name"],
      unit: "Count",
      value: index,
      dimensions: [{ name: "Environment", value: "dev" }],
    }));
    const emf = JSON.parse(toEmf(data, { namespace: "N", timestamp: NOW })) as {
      _aws: { CloudWatchMetrics: { Metrics: unknown[]; Dimensions: string[][] }[] };
    };
    expect(emf._aws.CloudWatchMetrics.map((directive) => directive.Metrics.length)).toEqual([100, 50]);
    expect(
      emf._aws.CloudWatchMetrics.every((directive) => directive.Dimensions[0]?.[0] === "Environment"),
    ).toBe(true);
  });

  it("refuses two values for one root member rather than emitting a line CloudWatch would misread", () => {
    const datum = (environment: string): MetricDatum => ({
      name: "ViewsTotal",
      unit: "Count",
      value: 1,
      dimensions: [{ name: "Environment", value: environment }],
    });
    expect(() => toEmf([datum("a"), datum("b")], { namespace: "N", timestamp: NOW })).toThrow(/two values/);
  });
});
