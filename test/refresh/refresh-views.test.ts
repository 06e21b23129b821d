import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import { refreshViews } from "../../src/refresh/run-refresh.js";
import type { StatementOptions, Warehouse } from "../../src/warehouse/index.js";

// refreshViews over a scripted warehouse: what it reports and what it records when the client throws.

const NETWORK = new RedshiftViewsError("E_WAREHOUSE_NETWORK", "socket hang up", { hint: "retry" });

function warehouseFor(behaviour: Record<string, "finish" | "fail" | "throw-before" | "throw-after">) {
  const batches: (readonly string[])[] = [];
  let ids = 0;
  const warehouse: Warehouse = {
    stats: { calls: {} },
    query: async () => [],
    listStatements: async () => [],
    submit: async () => {
      throw new Error("not used here");
    },
    describe: async () => {
      throw new Error("not used here");
    },
    async execute(sql: string, options?: StatementOptions) {
      const view = /"([^"]+)"\."([^"]+)"/.exec(sql)?.[2] ?? "";
      const id = `r-${++ids}`;
      const common = { id, submittedAt: new Date("2026-12-01T10:00:00.000Z") };
      switch (behaviour[view]) {
        case "finish":
          options?.onSubmitted?.(id);
          return { kind: "finished", ...common, durationMs: 1500, hasResultSet: false, resultRows: -1 };
        case "fail":
          options?.onSubmitted?.(id);
          return { kind: "failed", ...common, error: "ERROR: permission denied", durationMs: 3 };
        case "throw-after":
          options?.onSubmitted?.(id);
          throw NETWORK;
        default:
          throw NETWORK;
      }
    },
    queryBatch: async () => {
      throw new Error("not used here");
    },
    async executeBatch(sqls) {
      batches.push(sqls);
      return {
        kind: "finished",
        id: "h",
        submittedAt: new Date(0),
        durationMs: 1,
        hasResultSet: false,
        resultRows: -1,
      };
    },
  };
  return { warehouse, batches };
}

const target = (name: string) => ({ schema: "analytics_prod", name, reason: "stale" as const });

describe("refreshViews", () => {
  it("reports every view and records what reached the warehouse", async () => {
    const { warehouse, batches } = warehouseFor({
      done: "finish",
      denied: "fail",
      lost: "throw-after",
      unsent: "throw-before",
    });
    const run = await refreshViews(warehouse, "prod", ["done", "denied", "lost", "unsent"].map(target), {
      recordedBy: "ops@laptop",
      now: () => new Date("2026-12-01T10:00:00.000Z"),
    });
    expect(
      run.outcomes.map((outcome) => [
        outcome.name,
        outcome.kind,
        "statementId" in outcome ? outcome.statementId : undefined,
      ]),
    ).toEqual([
      ["denied", "failed", "r-2"],
      ["done", "refreshed", "r-1"],
      ["lost", "failed", "r-3"],
      ["unsent", "failed", undefined],
    ]);
    // Three records: the one that never reached the warehouse keeps whatever the history had.
    expect(run.history).toEqual({ kind: "recorded", operations: 3 });
    const rows = batches[0]?.[1] ?? "";
    expect(rows).toContain("'denied', 'refresh', 'FAILED'");
    expect(rows).toContain(
      "'done', 'refresh', 'FINISHED', '2026-12-01 10:00:00.000'::TIMESTAMP, 1500, 'r-1'",
    );
    expect(rows).toContain("'lost', 'refresh', 'SUBMITTED'");
    expect(rows).not.toContain("unsent");
  });
});
