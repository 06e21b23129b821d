import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedOutcomes } from "../../src/provision/apply.js";
import type { StatusRow } from "../../src/status/status-rows.js";
import {
  EXAMPLE_SCHEMA,
  edit,
  type Harness,
  provision,
  startHarness,
  statusRows,
} from "../provision/harness.js";

// Issue 6's error conditions against one in-memory emulator, through the real SDK client.

let harness: Harness;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startHarness(), EXAMPLE_SCHEMA()]);
});

afterAll(async () => {
  await harness?.stop();
});

const problems = (rows: readonly StatusRow[]) =>
  rows.filter((row) => row.conditions.length > 0).map((row) => [`${row.schema}.${row.view}`, row.conditions]);

const USERS_CHANGED = (text: string) =>
  edit(
    text,
    "  /// @classification confidential\n  birthYear",
    "  /// @classification restricted\n  birthYear",
  );

describe("status against the emulator", () => {
  it("shows out_of_date for an edited schema not yet provisioned, and failed_provisioning when its CREATE fails", async () => {
    const session = await harness.session("cond", example);
    await provision(session);
    expect(problems(await statusRows(session))).toEqual([]);

    const edited = await harness.withSchema(session, USERS_CHANGED(example));
    expect(problems(await statusRows(edited))).toEqual([["learning_platform_cond.users", ["out_of_date"]]]);

    harness.emulator.setFaults({ failPattern: /CREATE MATERIALIZED VIEW "learning_platform_cond"\."users"/ });
    try {
      expect(failedOutcomes((await provision(edited)).result)).toHaveLength(1);
    } finally {
      harness.emulator.setFaults({});
    }
    const rows = await statusRows(edited);
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
    expect(failedOutcomes((await provision(edited)).result)).toEqual([]);
    expect(problems(await statusRows(edited))).toEqual([]);
  });

  it("shows missing for a view dropped behind the tool's back, and orphan for a view without a template", async () => {
    const session = await harness.session("gone", example);
    await provision(session);
    await harness.emulator.query(`DROP MATERIALIZED VIEW "learning_platform_gone"."courses"`);
    const rows = await statusRows(session);
    expect(problems(rows)).toEqual([["learning_platform_gone.courses", ["missing"]]]);
    expect(
      rows.find((row) => row.view === "courses" && row.schema === "learning_platform_gone"),
    ).toMatchObject({
      exists: false,
      stale: null,
      stateText: "does not exist",
      lastOperation: { operation: "create", status: "FINISHED" },
    });

    const unexported = await harness.withSchema(
      session,
      edit(
        example,
        "/// Everything unclassified: the fail-safe defaults decide (strings, JSON and dates → restricted).\n/// @exportToAnalytics\n",
        "",
      ),
    );
    expect(problems(await statusRows(unexported))).toEqual([
      ["learning_platform_gone.courses", ["missing"]],
      ["learning_platform_gone.feature_flags", ["orphan"]],
      ["learning_platform_gone_pii.feature_flags", ["orphan"]],
    ]);
    // Provisioning fixes both: the missing view is added, the orphans dropped.
    await provision(unexported);
    const fixed = await statusRows(unexported);
    expect(problems(fixed)).toEqual([]);
    expect(fixed).toHaveLength(17);
  });
});
