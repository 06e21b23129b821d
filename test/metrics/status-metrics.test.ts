import { describe, expect, it } from "vitest";
import type { ErrorCondition } from "../../src/health/status-rows.js";
import { CONDITION_METRICS, ERROR_CONDITIONS } from "../../src/metrics/condition-metrics.js";
import { statusMetrics } from "../../src/metrics/status-metrics.js";
import { HEALTHY_ROWS, NOW, operation, ROWS_WITH_ONE_FAILED, statusRow } from "./status-rows.js";

const environment = "production";
const dimensions = [{ name: "Environment", value: "production" }];

/** `name → [unit, value]`, for compact expectations. */
function table(rows: Parameters<typeof statusMetrics>[0]) {
  const data = statusMetrics(rows, { environment, now: NOW });
  for (const datum of data) expect(datum.dimensions).toEqual(dimensions);
  return Object.fromEntries(data.map((datum) => [datum.name, [datum.unit, datum.value]]));
}

describe("statusMetrics", () => {
  it("counts the failed view, its conditions and the stale one, and measures the oldest and longest refresh", () => {
    expect(table(ROWS_WITH_ONE_FAILED)).toEqual({
      ViewsTotal: ["Count", 3],
      ViewsInErrorState: ["Count", 1],
      // The PII view's staleness is unknown: counted as stale, and not as an error.
      ViewsStale: ["Count", 1],
      ViewsMissing: ["Count", 0],
      ViewsOutOfDate: ["Count", 1],
      ViewsOrphaned: ["Count", 0],
      ViewsInConflict: ["Count", 0],
      ViewsFailedProvisioning: ["Count", 1],
      ViewsUnrefreshable: ["Count", 0],
      ViewsNeedingRebuild: ["Count", 0],
      ViewsWithUnexpectedAccess: ["Count", 0],
      ViewsWithMissingAccess: ["Count", 0],
      ViewsWithSourceNotSynced: ["Count", 0],
      // posts: its CREATE failed, so its data is from the refresh a day ago.
      MaxSecondsSinceLastRefresh: ["Seconds", 86_400],
      // The PII view's CREATE (20 s) counts as a refresh.
      MaxRefreshDurationSeconds: ["Seconds", 20],
    });
  });

  it("sends every count as 0 for a healthy environment, so an alarm can tell it from a monitor that did not run", () => {
    const metrics = table(HEALTHY_ROWS);
    expect(metrics).toEqual({
      ViewsTotal: ["Count", 3],
      ViewsInErrorState: ["Count", 0],
      ViewsStale: ["Count", 0],
      ViewsMissing: ["Count", 0],
      ViewsOutOfDate: ["Count", 0],
      ViewsOrphaned: ["Count", 0],
      ViewsInConflict: ["Count", 0],
      ViewsFailedProvisioning: ["Count", 0],
      ViewsUnrefreshable: ["Count", 0],
      ViewsNeedingRebuild: ["Count", 0],
      ViewsWithUnexpectedAccess: ["Count", 0],
      ViewsWithMissingAccess: ["Count", 0],
      ViewsWithSourceNotSynced: ["Count", 0],
      MaxSecondsSinceLastRefresh: ["Seconds", 600],
      MaxRefreshDurationSeconds: ["Seconds", 3.5],
    });
  });

  it("emits the counts in a fixed order: totals, then one per condition in the ErrorCondition order", () => {
    const names = statusMetrics(HEALTHY_ROWS, { environment, now: NOW }).map((datum) => datum.name);
    expect(names).toEqual([
      "ViewsTotal",
      "ViewsInErrorState",
      "ViewsStale",
      ...ERROR_CONDITIONS.map((condition) => CONDITION_METRICS[condition]),
      "MaxSecondsSinceLastRefresh",
      "MaxRefreshDurationSeconds",
    ]);
  });

  it("omits the two maxima when no view has a finished CREATE or REFRESH on record", () => {
    const rows = [
      statusRow({ schema: "a", view: "never_refreshed" }),
      statusRow({
        schema: "a",
        view: "failed",
        operations: {
          create: operation("create", "FAILED", 10, 1),
          refresh: operation("refresh", "SUBMITTED", 5, 9),
        },
      }),
      // A view that does not exist any more holds no data, whatever its history says.
      statusRow({
        schema: "a",
        view: "missing",
        exists: false,
        stale: null,
        conditions: ["missing"],
        operations: { create: operation("create", "FINISHED", 10, 1) },
      }),
    ];
    const names = statusMetrics(rows, { environment, now: NOW }).map((datum) => datum.name);
    expect(names).not.toContain("MaxSecondsSinceLastRefresh");
    expect(names).not.toContain("MaxRefreshDurationSeconds");
  });

  it("counts only existing views as stale, stale or unknown alike", () => {
    const rows = [
      statusRow({ schema: "a", view: "stale", stale: true }),
      statusRow({ schema: "a", view: "unknown", stale: null }),
      statusRow({ schema: "a", view: "fresh", stale: false }),
      statusRow({ schema: "a", view: "missing", exists: false, stale: null, conditions: ["missing"] }),
    ];
    expect(table(rows).ViewsStale).toEqual(["Count", 2]);
  });

  it("never reports a negative age when the warehouse's clock is ahead", () => {
    const rows = [
      statusRow({
        schema: "a",
        view: "v",
        operations: { refresh: operation("refresh", "FINISHED", -30, 1) },
      }),
    ];
    expect(table(rows).MaxSecondsSinceLastRefresh).toEqual(["Seconds", 0]);
  });

  it("has one metric for every error condition (the map is exhaustive at compile time)", () => {
    const all: Record<ErrorCondition, true> = {
      missing: true,
      out_of_date: true,
      orphan: true,
      conflict: true,
      failed_provisioning: true,
      unrefreshable: true,
      needs_rebuild: true,
      unexpected_access: true,
      missing_access: true,
      source_not_synced: true,
    };
    expect([...ERROR_CONDITIONS].sort()).toEqual(Object.keys(all).sort());
    expect(new Set(Object.values(CONDITION_METRICS)).size).toBe(ERROR_CONDITIONS.length);
  });
});
