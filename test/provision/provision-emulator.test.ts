import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan, failedOutcomes } from "../../src/provision/apply.js";
import { formatApplySummary } from "../../src/provision/format-plan.js";
import { countPlan, itemName, itemSchema, type ProvisionPlan } from "../../src/provision/plan.js";
import { buildPlan } from "../../src/provision/provision.js";
import { statementNamePrefix } from "../../src/warehouse/index.js";
import {
  countCalls,
  EXAMPLE_SCHEMA,
  edit,
  type Harness,
  provision,
  startHarness,
  viewOids,
} from "./harness.js";

// Issue 5's acceptance, end to end through the real SDK client against one in-memory emulator.
// Each test uses its own environment, so its views and source tables are its own.

let harness: Harness;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startHarness(), EXAMPLE_SCHEMA()]);
});

afterAll(async () => {
  await harness?.stop();
});

const names = (plan: ProvisionPlan, kind: string) =>
  plan.items.filter((item) => item.kind === kind).map((item) => `${itemSchema(item)}.${itemName(item)}`);

const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

describe("provision against the emulator", () => {
  it("fresh warehouse: all Add; after apply, all Unchanged and only the catalog read is submitted", async () => {
    const session = await harness.session("fresh", example);
    const { plan, result } = await provision(session);
    expect(countPlan(plan)).toEqual({ add: 19, update: 0, drop: 0, conflict: 0, unchanged: 0, unmanaged: 0 });
    expect(plan.schemas).toEqual(["learning_platform_fresh", "learning_platform_fresh_pii"]);
    expect(failedOutcomes(result)).toEqual([]);
    expect(result.outcomes).toHaveLength(19);
    expect(Object.keys(await viewOids(harness.emulator, "learning_platform_fresh"))).toHaveLength(9);
    expect(Object.keys(await viewOids(harness.emulator, "learning_platform_fresh_pii"))).toHaveLength(10);

    harness.emulator.resetStats();
    const { value, calls } = await countCalls(harness.warehouse, () => buildPlan(session));
    expect(countPlan(value.plan)).toEqual({
      add: 0,
      update: 0,
      drop: 0,
      conflict: 0,
      unchanged: 19,
      unmanaged: 0,
    });
    // One statement: the catalog query. Nothing else was submitted.
    expect(harness.emulator.stats.statementsSubmitted).toBe(1);
    expect(calls.ExecuteStatement).toBe(1);
    expect(calls.BatchExecuteStatement).toBeUndefined();
    expect(calls.ListStatements).toBeUndefined();
    // Applying a plan with nothing to do submits nothing either.
    const applied = await countCalls(harness.warehouse, () => applyPlan(harness.warehouse, value.plan));
    expect(applied.value.outcomes).toEqual([]);
    expect(applied.calls).toEqual({});
    expect(harness.emulator.stats.statementsSubmitted).toBe(1);
  });

  it("a changed classification updates exactly the affected views and leaves the others untouched", async () => {
    const session = await harness.session("reclass", example);
    await provision(session);
    const oids = async () => ({
      ...(await viewOids(harness.emulator, "learning_platform_reclass")),
      ...Object.fromEntries(
        Object.entries(await viewOids(harness.emulator, "learning_platform_reclass_pii")).map(
          ([name, oid]) => [`pii.${name}`, oid],
        ),
      ),
    });
    const before = await oids();
    const history = (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("reclass") }))
      .length;

    // Course.title public → restricted: it leaves the non-PII view; the PII view keeps it (same DDL).
    const edited = await harness.withSchema(
      session,
      edit(
        example,
        "  /// @classification public\n  title       String",
        "  /// @classification restricted\n  title       String",
      ),
    );
    const { plan, result } = await provision(edited);
    expect(names(plan, "update")).toEqual(["learning_platform_reclass.courses"]);
    expect(countPlan(plan)).toMatchObject({ add: 0, update: 1, drop: 0, unchanged: 18 });
    expect(failedOutcomes(result)).toEqual([]);

    const after = await oids();
    const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(["courses"]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The statement history agrees: one schema batch, one rebuild and the operation history's write since.
    const since = (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("reclass") }))
      .slice(0, -history)
      .map((statement) => statement.name)
      .filter((name) => !name?.includes(":catalog"));
    expect(since.sort()).toEqual([
      "redshift-views:reclass:create:learning_platform_reclass.courses",
      "redshift-views:reclass:history:",
      "redshift-views:reclass:schema:",
    ]);
    const columns = await harness.emulator.query(
      `SELECT column_name FROM svv_columns WHERE table_schema = 'learning_platform_reclass' AND table_name = 'courses' ORDER BY ordinal_position`,
    );
    expect(columns.map((row) => row.column_name)).not.toContain("title");
    expect(countPlan((await buildPlan(edited)).plan).unchanged).toBe(19);
  });

  it("a model no longer exported is dropped; a view made by hand in the same schema survives, listed as unmanaged", async () => {
    const session = await harness.session("dropper", example);
    await provision(session);
    await harness.emulator.query(
      `CREATE VIEW "learning_platform_dropper"."hand_made" AS SELECT "id" FROM "dropper_learningplatform_mysql_zeroetl"."dashboard_dropper"."courses"`,
    );
    await harness.emulator.query(
      `CREATE MATERIALIZED VIEW "learning_platform_dropper"."hand_made_mv" AS SELECT "id" FROM "dropper_learningplatform_mysql_zeroetl"."dashboard_dropper"."units"`,
    );

    const edited = await harness.withSchema(
      session,
      edit(
        example,
        "/// Everything unclassified: the fail-safe defaults decide (strings, JSON and dates → restricted).\n/// @exportToAnalytics\n",
        "/// Everything unclassified.\n",
      ),
    );
    const { plan, result } = await provision(edited);
    expect(names(plan, "drop")).toEqual([
      "learning_platform_dropper.feature_flags",
      "learning_platform_dropper_pii.feature_flags",
    ]);
    expect(names(plan, "unmanaged")).toEqual([
      "learning_platform_dropper.hand_made",
      "learning_platform_dropper.hand_made_mv",
    ]);
    expect(countPlan(plan)).toMatchObject({ add: 0, update: 0, drop: 2, unchanged: 17, unmanaged: 2 });
    expect(failedOutcomes(result)).toEqual([]);
    expect(result.outcomes.map((outcome) => `${outcome.action} ${outcome.schema}.${outcome.name}`)).toEqual([
      "drop learning_platform_dropper.feature_flags",
      "drop learning_platform_dropper_pii.feature_flags",
    ]);

    expect(await viewOids(harness.emulator, "learning_platform_dropper")).not.toHaveProperty("feature_flags");
    expect(await viewOids(harness.emulator, "learning_platform_dropper")).toHaveProperty("hand_made_mv");
    expect(
      await harness.emulator.query(`SELECT count(*)::int AS n FROM "learning_platform_dropper"."hand_made"`),
    ).toEqual([{ n: 20 }]);
    const again = (await buildPlan(edited)).plan;
    expect(countPlan(again)).toMatchObject({ drop: 0, unchanged: 17, unmanaged: 2 });
  });

  it("a failing CREATE keeps the old view and its data, reports the SQL, applies the others, and a re-run converges", async () => {
    const session = await harness.session("failing", example);
    await provision(session);
    const before = await viewOids(harness.emulator, "learning_platform_failing");
    const storedHash = async () =>
      (
        await harness.emulator.query(
          `SELECT remarks FROM svv_columns WHERE table_schema = 'learning_platform_failing' AND table_name = 'users' AND ordinal_position = 1`,
        )
      )[0]?.remarks;
    const oldHash = await storedHash();

    // users (birth_year confidential → restricted) and courses (title → restricted) both change.
    const edited = await harness.withSchema(
      session,
      edit(
        edit(
          example,
          "  /// @classification confidential\n  birthYear",
          "  /// @classification restricted\n  birthYear",
        ),
        "  /// @classification public\n  title       String",
        "  /// @classification restricted\n  title       String",
      ),
    );
    harness.emulator.setFaults({
      failPattern: /CREATE MATERIALIZED VIEW "learning_platform_failing"\."users"/,
    });
    let result: Awaited<ReturnType<typeof provision>>["result"];
    try {
      const run = await provision(edited);
      expect(names(run.plan, "update")).toEqual([
        "learning_platform_failing.courses",
        "learning_platform_failing.users",
      ]);
      result = run.result;
    } finally {
      harness.emulator.setFaults({});
    }

    const failed = failedOutcomes(result);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      kind: "failed",
      action: "update",
      schema: "learning_platform_failing",
      name: "users",
    });
    expect(failed[0]?.error).toContain("injected failure");
    expect(failed[0]?.sql).toMatch(/^CREATE MATERIALIZED VIEW "learning_platform_failing"\."users"\n/);
    expect(result.outcomes.find((outcome) => outcome.name === "courses")?.kind).toBe("applied");
    const summary = formatApplySummary(result, plain);
    expect(summary).toContain("1 view applied, 1 failed.");
    expect(summary).toContain("learning_platform_failing.users (update): ERROR: injected failure");
    expect(summary).toContain('in: CREATE MATERIALIZED VIEW "learning_platform_failing"."users" …');

    // The old view is still there, same relation, same stored hash, same rows (birth_year included).
    const after = await viewOids(harness.emulator, "learning_platform_failing");
    expect(after.users).toBe(before.users);
    expect(after.courses).not.toBe(before.courses);
    expect(await storedHash()).toBe(oldHash);
    expect(
      await harness.emulator.query(
        `SELECT count(*)::int AS n, count("birth_year")::int AS years FROM "learning_platform_failing"."users"`,
      ),
    ).toEqual([{ n: 20, years: 20 }]);

    // Without the fault, only the failed view is left to do.
    const rerun = await provision(edited);
    expect(names(rerun.plan, "update")).toEqual(["learning_platform_failing.users"]);
    expect(countPlan(rerun.plan)).toMatchObject({ add: 0, update: 1, drop: 0, unchanged: 18 });
    expect(failedOutcomes(rerun.result)).toEqual([]);
    expect(countPlan((await buildPlan(edited)).plan).unchanged).toBe(19);
  });

  it("completes correctly with 30% of Data API requests throttled", async () => {
    const session = await harness.session("throttled", example);
    harness.emulator.resetStats();
    harness.emulator.setFaults({ throttleRate: 0.3, seed: 42 });
    let run: Awaited<ReturnType<typeof provision>>;
    try {
      run = await provision(session);
    } finally {
      harness.emulator.setFaults({});
    }
    expect(harness.emulator.stats.throttled).toBeGreaterThan(10);
    expect(countPlan(run.plan).add).toBe(19);
    expect(failedOutcomes(run.result)).toEqual([]);
    expect(run.result.outcomes).toHaveLength(19);
    // A throttled request is never executed: each view was created exactly once.
    const creates = (
      await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("throttled", "create") })
    ).map((statement) => statement.name);
    expect(creates).toHaveLength(19);
    expect(new Set(creates).size).toBe(19);
    expect(countPlan((await buildPlan(session)).plan).unchanged).toBe(19);
  });
});
