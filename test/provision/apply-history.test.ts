import { describe, expect, it } from "vitest";
import { RedshiftViewsError } from "../../src/errors.js";
import type { ProvisionPlan } from "../../src/plan/plan.js";
import { applyPlan } from "../../src/provision/apply.js";
import type { StatementOutcome, Warehouse } from "../../src/warehouse/index.js";

// What applyPlan hands to the operation history, over a scripted warehouse.

const view = (name: string) => ({
  schema: "analytics_prod",
  name,
  tier: "non_pii" as const,
  model: "M",
  fileName: `${name}.sql.ejs`,
  firstColumn: "id",
  ddl: `CREATE MATERIALIZED VIEW "analytics_prod"."${name}" AS SELECT 1 AS "id";`,
  grantees: [],
  hash: name.charAt(0).repeat(64),
  project: "app",
  comments: [],
  commentsHash: "0".repeat(16),
  source: { database: "app_zeroetl", schema: "app", table: "t" },
});

const plan: ProvisionPlan = {
  environment: "prod",
  schemas: ["analytics_prod"],
  items: [
    { kind: "add", view: view("a") },
    { kind: "add", view: view("b") },
  ],
};

const at = new Date("2026-12-01T10:00:00.000Z");
const finished = (id: string): StatementOutcome => ({
  kind: "finished",
  id,
  submittedAt: at,
  durationMs: 800,
  hasResultSet: false,
  resultRows: -1,
});

function scripted(
  onHistory: (sqls: readonly string[], signal: AbortSignal | undefined) => Promise<StatementOutcome>,
) {
  const history: (readonly string[])[] = [];
  const warehouse: Warehouse = {
    stats: { calls: {} },
    query: async () => [],
    execute: async () => finished("x"),
    listStatements: async () => [],
    submit: async () => {
      throw new Error("not used here");
    },
    describe: async () => {
      throw new Error("not used here");
    },
    queryBatch: async () => {
      throw new Error("not used here");
    },
    async executeBatch(sqls, options) {
      if (options?.name?.includes(":history:")) {
        history.push(sqls);
        return onHistory(sqls, options?.signal);
      }
      const id = `id-${/"analytics_prod"\."(\w+)"/.exec(sqls.join(" "))?.[1] ?? "schema"}`;
      options?.onSubmitted?.(id);
      return finished(id);
    },
  };
  return { warehouse, history };
}

describe("applyPlan and the operation history", () => {
  it("records each rebuilt view with its statement, time, duration and the hash it installed", async () => {
    const { warehouse, history } = scripted(async () => finished("h"));
    const result = await applyPlan(warehouse, plan, { recordedBy: "ops@laptop" });
    expect(result.history).toEqual({ kind: "recorded", operations: 2 });
    expect(history[0]?.[1]).toContain(
      `('prod', 'analytics_prod', 'a', 'create', 'FINISHED', '2026-12-01 10:00:00.000'::TIMESTAMP, 800, 'id-a', NULL, 'ops@laptop', '${"a".repeat(64)}')`,
    );
  });

  it("records every rebuild as a failed CREATE of its template when the schema batch fails", async () => {
    const history: (readonly string[])[] = [];
    const warehouse: Warehouse = {
      stats: { calls: {} },
      query: async () => [],
      execute: async () => finished("x"),
      listStatements: async () => [],
      submit: async () => {
        throw new Error("not used here");
      },
      describe: async () => {
        throw new Error("not used here");
      },
      queryBatch: async () => {
        throw new Error("not used here");
      },
      async executeBatch(sqls, options) {
        if (options?.name?.includes(":history:")) {
          history.push(sqls);
          return finished("h");
        }
        return {
          kind: "failed",
          id: "schema-1",
          submittedAt: at,
          error: "ERROR: permission denied for database dev",
        };
      },
    };
    const result = await applyPlan(warehouse, plan, { recordedBy: "ops@laptop" });
    expect(result.outcomes.map((outcome) => [outcome.name, outcome.kind])).toEqual([
      ["a", "failed"],
      ["b", "failed"],
    ]);
    expect(result.history).toEqual({ kind: "recorded", operations: 2 });
    for (const name of ["a", "b"])
      expect(history[0]?.[1]).toContain(
        `'${name}', 'create', 'FAILED', '2026-12-01 10:00:00.000'::TIMESTAMP, 0, 'schema-1', 'ERROR: permission denied for database dev', 'ops@laptop', '${name.repeat(64)}'`,
      );
  });

  it("does not hold up an interrupted run for a history write that does not finish", async () => {
    // A write the warehouse never finishes; like the real client, it stops waiting once its signal aborts.
    const stuck = (_: readonly string[], signal: AbortSignal | undefined) =>
      new Promise<StatementOutcome>((_resolve, reject) => {
        signal?.addEventListener("abort", () =>
          reject(
            new RedshiftViewsError("E_INTERRUPTED", "Interrupted while waiting for statement h.", {
              hint: "The run was stopped.",
            }),
          ),
        );
      });
    const controller = new AbortController();
    controller.abort();
    const { warehouse } = scripted(stuck);
    // Aborted before anything was submitted: nothing to record, so nothing to wait for.
    const untouched = await applyPlan(warehouse, plan, {
      signal: controller.signal,
      interruptedHistoryMs: 20,
    });
    expect(untouched.history).toEqual({ kind: "recorded", operations: 0 });

    // Aborted while the views were being rebuilt: their outcomes are recorded within the limit, or not.
    const late = new AbortController();
    const slow = scripted(stuck);
    const base = slow.warehouse.executeBatch;
    slow.warehouse.executeBatch = async (sqls, options) => {
      const outcome = await base(sqls, options);
      if (options?.name?.includes(":create:") === true) late.abort();
      return outcome;
    };
    // The write never finishes, so returning at all is the proof: no elapsed time is measured.
    const result = await applyPlan(slow.warehouse, plan, { signal: late.signal, interruptedHistoryMs: 50 });
    expect(result.interrupted).toBe(true);
    expect(slow.history).toHaveLength(1);
    expect(result.history).toEqual({
      kind: "failed",
      operations: 2,
      recorded: 0,
      error: "[E_INTERRUPTED] Interrupted while waiting for statement h.",
    });
  });
});
