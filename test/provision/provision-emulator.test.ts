import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProvisionPlanJson, ProvisionReport } from "../../src/index.js";
import { plan, provision } from "../../src/index.js";
import { formatApplySummary } from "../../src/provision/format-apply.js";
import { statementNamePrefix } from "../../src/warehouse/index.js";
import { exampleSchema } from "../helpers/index.js";
import {
  countRequests,
  edit,
  startTestWarehouse,
  type TestWarehouse,
  viewOids,
} from "../helpers/warehouse.js";

// Issue 5's acceptance, end to end through the library and the real SDK client against one
// in-memory emulator. Each test uses its own environment, so its views and source tables are its own.

let harness: TestWarehouse;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startTestWarehouse(), exampleSchema()]);
});

afterAll(async () => {
  await harness?.stop();
});

const names = (planned: ProvisionPlanJson, kind: string) =>
  planned.views.filter((view) => view.action === kind).map((view) => `${view.schema}.${view.view}`);

const failed = (report: ProvisionReport) =>
  (report.result?.outcomes ?? []).filter((outcome) => outcome.kind === "failed");

const plain = { green: String, yellow: String, red: String, dim: String, bold: String };

describe("provision against the emulator", () => {
  it("fresh warehouse: all Add; after apply, all Unchanged and only the catalog read is submitted", async () => {
    const project = await harness.project(example);
    const options = await project.options("fresh", 20);
    const report = await provision(options);
    expect(report.summary).toEqual({
      add: 19,
      update: 0,
      comment: 0,
      drop: 0,
      conflict: 0,
      unchanged: 0,
      unmanaged: 0,
      foreign: 0,
    });
    expect(report.schemas).toEqual(["learning_platform_fresh", "learning_platform_fresh_pii"]);
    expect(failed(report)).toEqual([]);
    expect(report.result?.outcomes).toHaveLength(19);
    expect(Object.keys(await viewOids(harness.emulator, "learning_platform_fresh"))).toHaveLength(9);
    expect(Object.keys(await viewOids(harness.emulator, "learning_platform_fresh_pii"))).toHaveLength(10);

    const planned = await countRequests(harness.emulator, () => plan(options));
    expect(planned.value.summary).toEqual({
      add: 0,
      update: 0,
      comment: 0,
      drop: 0,
      conflict: 0,
      unchanged: 19,
      unmanaged: 0,
      foreign: 0,
    });
    // Two statements: the catalog query and the privileges query (who holds USAGE and SELECT).
    // Nothing else was submitted.
    expect(planned.statements).toBe(2);
    expect(planned.requests.ExecuteStatement).toBe(2);
    expect(planned.requests.BatchExecuteStatement).toBeUndefined();
    // Its two queries may be polled together with one ListStatements: a poll, whose number depends on
    // the machine's speed like DescribeStatement's, so it is not counted here.
    // Provisioning a plan with nothing to do submits nothing more than the lock and the plan's reads.
    const again = await countRequests(harness.emulator, () => provision(options));
    expect(again.value.result).toBeUndefined();
    expect(
      (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("fresh") }))
        .slice(0, (again.requests.ExecuteStatement ?? 0) + (again.requests.BatchExecuteStatement ?? 0))
        .map((statement) => statement.name)
        .sort(),
    ).toEqual([
      // The plan's two reads, the lock's one transaction and its release.
      "redshift-views:fresh:catalog:",
      "redshift-views:fresh:catalog:privileges",
      "redshift-views:fresh:lock:",
      "redshift-views:fresh:lock:",
    ]);
  });

  it("a changed classification updates exactly the affected views and leaves the others untouched", async () => {
    const project = await harness.project(example);
    const options = await project.options("reclass", 20);
    await provision(options);
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

    // Course.title public → restricted: it leaves the non-PII view; the PII view keeps it (same DDL),
    // and only its column comment, which states the level, changes: no rebuild.
    await project.setSchema(
      edit(
        example,
        "  /// @classification public\n  title       String",
        "  /// @classification restricted\n  title       String",
      ),
    );
    const report = await provision(options);
    expect(names(report, "update")).toEqual(["learning_platform_reclass.courses"]);
    expect(names(report, "comment")).toEqual(["learning_platform_reclass_pii.courses"]);
    expect(report.summary).toMatchObject({ add: 0, update: 1, comment: 1, drop: 0, unchanged: 17 });
    expect(failed(report)).toEqual([]);

    const after = await oids();
    const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(["courses"]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The statement history agrees: one schema batch, one rebuild, one comment batch and the operation
    // history's write since.
    const since = (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("reclass") }))
      .slice(0, -history)
      .map((statement) => statement.name)
      .filter((name) => !name?.includes(":catalog") && !name?.includes(":lock"));
    expect(since.sort()).toEqual([
      "redshift-views:reclass:comment:learning_platform_reclass_pii.courses",
      "redshift-views:reclass:create:learning_platform_reclass.courses",
      "redshift-views:reclass:history:",
      "redshift-views:reclass:schema:learning_platform_reclass",
    ]);
    const columns = await harness.emulator.query(
      `SELECT column_name FROM svv_columns WHERE table_schema = 'learning_platform_reclass' AND table_name = 'courses' ORDER BY ordinal_position`,
    );
    expect(columns.map((row) => row.column_name)).not.toContain("title");
    expect((await plan(options)).summary.unchanged).toBe(19);
  });

  it("a model no longer exported is dropped; a view made by hand in the same schema survives, listed as unmanaged", async () => {
    const project = await harness.project(example);
    const options = await project.options("dropper", 20);
    await provision(options);
    await harness.emulator.query(
      `CREATE VIEW "learning_platform_dropper"."hand_made" AS SELECT "id" FROM "dropper_learningplatform_mysql_zeroetl"."dashboard_dropper"."courses"`,
    );
    await harness.emulator.query(
      `CREATE MATERIALIZED VIEW "learning_platform_dropper"."hand_made_mv" AS SELECT "id" FROM "dropper_learningplatform_mysql_zeroetl"."dashboard_dropper"."units"`,
    );

    await project.setSchema(
      edit(
        example,
        "/// Everything unclassified: the fail-safe defaults decide (strings, JSON and dates → restricted).\n/// @exportToAnalytics\n",
        "/// Everything unclassified.\n",
      ),
    );
    const report = await provision(options);
    const result = report.result;
    expect(names(report, "drop")).toEqual([
      "learning_platform_dropper.feature_flags",
      "learning_platform_dropper_pii.feature_flags",
    ]);
    expect(names(report, "unmanaged")).toEqual([
      "learning_platform_dropper.hand_made",
      "learning_platform_dropper.hand_made_mv",
    ]);
    expect(report.summary).toMatchObject({ add: 0, update: 0, drop: 2, unchanged: 17, unmanaged: 2 });
    expect(failed(report)).toEqual([]);
    expect(result?.outcomes.map((outcome) => `${outcome.action} ${outcome.schema}.${outcome.name}`)).toEqual([
      "drop learning_platform_dropper.feature_flags",
      "drop learning_platform_dropper_pii.feature_flags",
    ]);

    expect(await viewOids(harness.emulator, "learning_platform_dropper")).not.toHaveProperty("feature_flags");
    expect(await viewOids(harness.emulator, "learning_platform_dropper")).toHaveProperty("hand_made_mv");
    expect(
      await harness.emulator.query(`SELECT count(*)::int AS n FROM "learning_platform_dropper"."hand_made"`),
    ).toEqual([{ n: 20 }]);
    expect((await plan(options)).summary).toMatchObject({ drop: 0, unchanged: 17, unmanaged: 2 });
  });

  it("a failing CREATE keeps the old view and its data, reports the SQL, applies the others, and a re-run converges", async () => {
    const project = await harness.project(example);
    const options = await project.options("failing", 20);
    await provision(options);
    const before = await viewOids(harness.emulator, "learning_platform_failing");
    const storedHash = async () =>
      (
        await harness.emulator.query(
          `SELECT remarks FROM svv_columns WHERE table_schema = 'learning_platform_failing' AND table_name = 'users' AND ordinal_position = 1`,
        )
      )[0]?.remarks;
    const oldHash = await storedHash();

    // users (birth_year confidential → restricted) and courses (title → restricted) both change.
    await project.setSchema(
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
    let run: ProvisionReport;
    try {
      run = await provision(options);
    } finally {
      harness.emulator.setFaults({});
    }
    expect(names(run, "update")).toEqual([
      "learning_platform_failing.courses",
      "learning_platform_failing.users",
    ]);
    const result = run.result;
    if (result === undefined) throw new Error("the plan was not applied");
    const failures = failed(run);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      kind: "failed",
      action: "update",
      schema: "learning_platform_failing",
      name: "users",
    });
    expect(failures[0]?.kind === "failed" && failures[0].error).toContain("injected failure");
    expect(failures[0]?.kind === "failed" && failures[0].sql).toMatch(
      /^CREATE MATERIALIZED VIEW "learning_platform_failing"\."users"\n/,
    );
    expect(result.outcomes.find((outcome) => outcome.name === "courses")?.kind).toBe("applied");
    const summary = formatApplySummary(result, plain);
    // courses rebuilt; the PII views of both only had their comments (the levels) updated.
    expect(names(run, "comment")).toEqual([
      "learning_platform_failing_pii.courses",
      "learning_platform_failing_pii.users",
    ]);
    expect(summary).toContain("3 views applied, 1 failed.");
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
    const rerun = await provision(options);
    expect(names(rerun, "update")).toEqual(["learning_platform_failing.users"]);
    expect(rerun.summary).toMatchObject({ add: 0, update: 1, drop: 0, unchanged: 18 });
    expect(failed(rerun)).toEqual([]);
    expect((await plan(options)).summary.unchanged).toBe(19);
  });

  it("completes correctly with 30% of Data API requests throttled", async () => {
    const project = await harness.project(example);
    const options = await project.options("throttled");
    harness.emulator.resetStats();
    harness.emulator.setFaults({ throttleRate: 0.3, seed: 42 });
    let run: ProvisionReport;
    try {
      run = await provision(options);
    } finally {
      harness.emulator.setFaults({});
    }
    expect(harness.emulator.stats.throttled).toBeGreaterThan(10);
    expect(run.summary.add).toBe(19);
    expect(failed(run)).toEqual([]);
    expect(run.result?.outcomes).toHaveLength(19);
    // A throttled request is never executed: each view was created exactly once.
    const creates = (
      await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("throttled", "create") })
    ).map((statement) => statement.name);
    expect(creates).toHaveLength(19);
    expect(new Set(creates).size).toBe(19);
    expect((await plan(options)).summary.unchanged).toBe(19);
  });
});
