import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusRow } from "../../src/health/status-rows.js";
import { type ProvisionReport, provision } from "../../src/index.js";
import { exampleSchema } from "../helpers/index.js";
import { edit, startTestWarehouse, statusRows, type TestWarehouse } from "../helpers/warehouse.js";

// Issue 6's error conditions against one in-memory emulator, through the real SDK client and the
// library's `provision` and `status`.

let harness: TestWarehouse;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startTestWarehouse(), exampleSchema()]);
});

afterAll(async () => {
  await harness?.stop();
});

const problems = (rows: readonly StatusRow[]) =>
  rows.filter((row) => row.conditions.length > 0).map((row) => [`${row.schema}.${row.view}`, row.conditions]);

const failed = (report: ProvisionReport) =>
  (report.result?.outcomes ?? []).filter((outcome) => outcome.kind === "failed");

const USERS_CHANGED = (text: string) =>
  edit(
    text,
    "  /// @classification confidential\n  birthYear",
    "  /// @classification restricted\n  birthYear",
  );

describe("status against the emulator", () => {
  it("shows out_of_date for an edited schema not yet provisioned, and failed_provisioning when its CREATE fails", async () => {
    const project = await harness.project(example);
    const options = await project.options("cond", 20);
    await provision(options);
    expect(problems(await statusRows(options))).toEqual([]);

    await project.setSchema(USERS_CHANGED(example));
    expect(problems(await statusRows(options))).toEqual([["learning_platform_cond.users", ["out_of_date"]]]);

    harness.emulator.setFaults({ failPattern: /CREATE MATERIALIZED VIEW "learning_platform_cond"\."users"/ });
    try {
      expect(failed(await provision(options))).toHaveLength(1);
    } finally {
      harness.emulator.setFaults({});
    }
    const rows = await statusRows(options);
    expect(problems(rows)).toEqual([
      ["learning_platform_cond.users", ["out_of_date", "failed_provisioning"]],
    ]);
    expect(rows.find((row) => row.schema === "learning_platform_cond" && row.view === "users")).toMatchObject(
      {
        exists: true,
        lastOperation: { operation: "create", status: "FAILED" },
      },
    );

    // Provisioned successfully: the condition clears.
    expect(failed(await provision(options))).toEqual([]);
    expect(problems(await statusRows(options))).toEqual([]);
  });

  it("shows missing for a view dropped behind the tool's back, and orphan for a view without a template", async () => {
    const project = await harness.project(example);
    const options = await project.options("gone", 20);
    await provision(options);
    await harness.emulator.query(`DROP MATERIALIZED VIEW "learning_platform_gone"."courses"`);
    const rows = await statusRows(options);
    expect(problems(rows)).toEqual([["learning_platform_gone.courses", ["missing"]]]);
    expect(
      rows.find((row) => row.view === "courses" && row.schema === "learning_platform_gone"),
    ).toMatchObject({
      exists: false,
      stale: null,
      stateText: "does not exist",
      lastOperation: { operation: "create", status: "FINISHED" },
    });

    await project.setSchema(
      edit(
        example,
        "/// Everything unclassified: the fail-safe defaults decide (strings, JSON and dates → restricted).\n/// @exportToAnalytics\n",
        "",
      ),
    );
    expect(problems(await statusRows(options))).toEqual([
      ["learning_platform_gone.courses", ["missing"]],
      ["learning_platform_gone.feature_flags", ["orphan"]],
      ["learning_platform_gone_pii.feature_flags", ["orphan"]],
    ]);
    // Provisioning fixes both: the missing view is added, the orphans dropped.
    await provision(options);
    const fixed = await statusRows(options);
    expect(problems(fixed)).toEqual([]);
    expect(fixed).toHaveLength(17);
  });
});
