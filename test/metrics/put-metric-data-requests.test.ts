import { describe, expect, it } from "vitest";
import type { MetricDatum } from "../../src/metrics/metric-datum.js";
import { putMetricDataRequests } from "../../src/metrics/put-metric-data-requests.js";

const datum = (index: number, value = "production"): MetricDatum => ({
  name: "ViewsTotal",
  unit: "Count",
  value: index,
  dimensions: [{ name: "Environment", value }],
});

/** The request's JSON body size, as the JSON protocol sends it (timestamps as epoch seconds). */
const bodyBytes = (request: ReturnType<typeof putMetricDataRequests>[number]) =>
  Buffer.byteLength(
    // `Date.prototype.toJSON` runs before a replacer sees the value: read the original from the holder.
    JSON.stringify(request, function (this: Record<string, unknown>, key: string, value: unknown) {
      const original = this[key];
      return original instanceof Date ? original.getTime() / 1000 : value;
    }),
  );

describe("putMetricDataRequests", () => {
  it("puts at most 1,000 metrics in a request, in order", () => {
    const data = Array.from({ length: 2345 }, (_, index) => datum(index));
    const requests = putMetricDataRequests(data, { namespace: "N" });
    expect(requests.map((request) => request.MetricData?.length)).toEqual([1000, 1000, 345]);
    expect(requests.flatMap((request) => request.MetricData?.map((metric) => metric.Value))).toEqual(
      data.map((metric) => metric.value),
    );
    expect(requests.every((request) => request.Namespace === "N")).toBe(true);
  });

  it("splits by size before the count limit when metrics are large, and no request exceeds the size limit", () => {
    const limits = { maxMetrics: 1000, maxBytes: 2_000 };
    const data = Array.from({ length: 40 }, (_, index) => datum(index, "x".repeat(200)));
    const requests = putMetricDataRequests(data, { namespace: "N", timestamp: new Date(0), limits });
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(bodyBytes(request)).toBeLessThanOrEqual(limits.maxBytes);
    expect(requests.reduce((sum, request) => sum + (request.MetricData?.length ?? 0), 0)).toBe(40);
  });

  it("maps a datum to the PutMetricData shape, with the timestamp when one is given", () => {
    const [request] = putMetricDataRequests([datum(7)], { namespace: "N", timestamp: new Date(1_000) });
    expect(request).toEqual({
      Namespace: "N",
      MetricData: [
        {
          MetricName: "ViewsTotal",
          Dimensions: [{ Name: "Environment", Value: "production" }],
          Timestamp: new Date(1_000),
          Value: 7,
          Unit: "Count",
        },
      ],
    });
    expect(putMetricDataRequests([datum(7)], { namespace: "N" })[0]?.MetricData?.[0]).not.toHaveProperty(
      "Timestamp",
    );
  });

  it("sends nothing for no data", () => {
    expect(putMetricDataRequests([], { namespace: "N" })).toEqual([]);
  });
});
