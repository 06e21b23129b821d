import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarehouseOptions } from "../../src/connect/options.js";
import { sourceLocation } from "../../src/connect/session.js";
import { prepareViews } from "../../src/generate/generate.js";
import { notRefreshedSinceCreated } from "../../src/health/status-rows.js";
import {
  provision,
  type RefreshEvent,
  type RefreshOptions,
  refresh as refreshViews,
} from "../../src/index.js";
import { statementNamePrefix } from "../../src/warehouse/index.js";
import { exampleSchema } from "../helpers/index.js";
import { startTestWarehouse, statusRows, type TestWarehouse } from "../helpers/warehouse.js";

// Issue 6's refresh acceptance against one in-memory emulator, through the real SDK client and the
// library's `provision`, `refresh` and `status`. Each test has its own environment.

let harness: TestWarehouse;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startTestWarehouse(), exampleSchema()]);
});

afterAll(async () => {
  await harness?.stop();
});

/** `refresh`, checking what every run must: its selection is reported first, its history recorded. */
async function refresh(options: RefreshOptions) {
  const events: RefreshEvent[] = [];
  const report = await refreshViews({ ...options, onEvent: (event) => events.push(event) });
  expect(report.history).toEqual({ kind: "recorded", operations: report.targets.length });
  const { targets, fresh, missing, conflicts } = report;
  // The selection is reported before any REFRESH is submitted; then one outcome per view.
  const selected = events.findIndex((event) => event.kind === "selected");
  expect(events[selected]).toEqual({ kind: "selected", selection: { targets, fresh, missing, conflicts } });
  const refreshes = events.flatMap((event, index) =>
    event.kind === "warehouse" && event.event.kind === "submitted" && event.event.name?.includes(":refresh:")
      ? [index]
      : [],
  );
  expect(refreshes).toHaveLength(targets.length);
  expect(refreshes.every((index) => index > selected)).toBe(true);
  expect(events.filter((event) => event.kind === "outcome")).toHaveLength(targets.length);
  return { selection: { targets, fresh, missing, conflicts }, outcomes: report.refreshed };
}

const key = (row: { schema: string; view?: string; name?: string }) =>
  `${row.schema}.${row.view ?? row.name}`;

/** The replicated tables' prefix in an environment, e.g. `"fill_…_zeroetl"."dashboard_fill"`. */
async function sourceSchema(options: WarehouseOptions): Promise<string> {
  const prepared = await prepareViews({ cwd: options.cwd ?? "." });
  const { database, schema } = sourceLocation(prepared, options.environment);
  return schema === undefined ? `"${database}"` : `"${database}"."${schema}"`;
}

/** Re-creates the source tables with `sampleRows` rows each (rows go into empty tables only). */
async function replicate(options: WarehouseOptions, sampleRows: number) {
  const prepared = await prepareViews({ cwd: options.cwd ?? "." });
  await harness.emulator.seedSourceTables({
    schema: prepared.schema,
    source: sourceLocation(prepared, options.environment),
    sampleRows,
  });
}

/** Rows in each managed view and in the replicated table it reads. */
async function rowCounts(options: WarehouseOptions) {
  const source = await sourceSchema(options);
  const rows = await statusRows(options);
  return Promise.all(
    rows.map(async (row) => {
      const count = async (relation: string) =>
        Number((await harness.emulator.query(`SELECT count(*)::int AS n FROM ${relation}`))[0]?.n);
      return {
        view: key(row),
        rows: await count(`"${row.schema}"."${row.view}"`),
        source: await count(`${source}."${row.view}"`),
      };
    }),
  );
}

describe("refresh against the emulator", () => {
  it("after provision every view exists, created and never refreshed; refresh fills the stale ones", async () => {
    // Provisioned before any row is replicated; then zero-ETL delivers rows.
    const options = await (await harness.project(example)).options("fill", 0);
    await provision(options);
    const provisioned = await statusRows(options);
    expect(provisioned).toHaveLength(19);
    expect(provisioned.filter((row) => !notRefreshedSinceCreated(row)).map(key)).toEqual([]);
    for (const row of provisioned) {
      expect(row, key(row)).toMatchObject({
        exists: true,
        conditions: [],
        lastOperation: { operation: "create", status: "FINISHED" },
      });
    }

    await replicate(options, 20);
    const arrived = await statusRows(options);
    expect(arrived.filter((row) => row.stale !== true).map(key)).toEqual([]);
    expect((await rowCounts(options)).filter((count) => count.rows !== 0)).toEqual([]);

    const { selection, outcomes } = await refresh(options);
    expect(selection.targets).toHaveLength(19);
    expect(new Set(selection.targets.map((target) => target.reason))).toEqual(new Set(["stale"]));
    expect(selection.fresh).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.kind !== "refreshed")).toEqual([]);

    const counts = await rowCounts(options);
    expect(counts.filter((count) => count.rows !== count.source || count.rows !== 20)).toEqual([]);
    const refreshed = await statusRows(options);
    expect(refreshed.filter(notRefreshedSinceCreated).map(key)).toEqual([]);
    for (const row of refreshed) {
      expect(row, key(row)).toMatchObject({
        exists: true,
        stale: false,
        conditions: [],
        lastOperation: { operation: "refresh", status: "FINISHED" },
      });
      expect(row.lastOperation?.durationSeconds).toBeGreaterThanOrEqual(0);
    }

    // Nothing is stale any more: a second refresh submits nothing.
    const again = await refresh(options);
    expect(again.selection.targets).toEqual([]);
    expect(again.selection.fresh).toHaveLength(19);
  });

  it("an insert into one source table makes only the views over it stale, and only they are refreshed", async () => {
    const options = await (await harness.project(example)).options("one", 20);
    await provision(options);
    await refresh({ ...options, all: true });
    expect((await statusRows(options)).filter((row) => row.stale !== false)).toEqual([]);

    // Zero-ETL writes the replicated tables; no database user may.
    await harness.emulator.replicate(
      `INSERT INTO "one_learningplatform_mysql_zeroetl"."dashboard_one"."courses"
         (id, slug, title, description, published, price, created_at, updated_at)
       VALUES (21, 'new-course', 'New', 'A new course', true, 10.00, '2024-03-01', '2024-03-01')`,
    );
    const stale = (await statusRows(options)).filter((row) => row.stale !== false).map(key);
    expect(stale).toEqual(["learning_platform_one.courses", "learning_platform_one_pii.courses"]);

    const before = await harness.warehouse.listStatements({
      namePrefix: statementNamePrefix("one", "refresh"),
    });
    const { selection, outcomes } = await refresh(options);
    expect(selection.targets.map(key)).toEqual(stale);
    expect(selection.fresh).toHaveLength(17);
    expect(outcomes.map((outcome) => `${outcome.kind} ${key(outcome)}`)).toEqual([
      "refreshed learning_platform_one.courses",
      "refreshed learning_platform_one_pii.courses",
    ]);
    const after = await harness.warehouse.listStatements({
      namePrefix: statementNamePrefix("one", "refresh"),
    });
    expect(
      after
        .slice(0, after.length - before.length)
        .map((statement) => statement.name)
        .sort(),
    ).toEqual([
      "redshift-views:one:refresh:learning_platform_one.courses",
      "redshift-views:one:refresh:learning_platform_one_pii.courses",
    ]);
    expect((await statusRows(options)).filter((row) => row.stale !== false)).toEqual([]);
    expect(
      await harness.emulator.query(`SELECT count(*)::int AS n FROM "learning_platform_one"."courses"`),
    ).toEqual([{ n: 21 }]);
  });

  it("re-seeding the source tables, as every command's session does, leaves refreshed views fresh", async () => {
    const options = await (await harness.project(example)).options("reseed", 20);
    await provision(options);
    await refresh({ ...options, all: true });
    for (let run = 0; run < 2; run++) await replicate(options, 20);
    expect((await statusRows(options)).filter((row) => row.stale !== false).map(key)).toEqual([]);
    expect((await refresh(options)).selection.targets).toEqual([]);
    // Sample rows go into empty tables only: nothing was added to the 20 rows.
    expect(
      await harness.emulator.query(
        `SELECT count(*)::int AS n FROM "reseed_learningplatform_mysql_zeroetl"."dashboard_reseed"."users"`,
      ),
    ).toEqual([{ n: 20 }]);
  });

  it("--all, --view, failures isolated per view and shown as unrefreshable", async () => {
    const options = await (await harness.project(example)).options("pick", 20);
    await provision(options);
    expect((await refresh({ ...options, all: true })).selection.targets).toHaveLength(19);
    const one = await refresh({ ...options, view: "learning_platform_pick_pii.users" });
    expect(one.selection.targets).toEqual([
      { schema: "learning_platform_pick_pii", name: "users", reason: "requested" },
    ]);
    // An ambiguous or unknown name is refused before anything is submitted.
    const submitted = harness.emulator.stats.statementsSubmitted;
    await expect(refreshViews({ ...options, view: "users" })).rejects.toMatchObject({
      code: "E_VIEW_AMBIGUOUS",
      message: '"users" names 2 views.',
      hint: expect.stringContaining("learning_platform_pick.users or learning_platform_pick_pii.users"),
    });
    await expect(refreshViews({ ...options, view: "nope" })).rejects.toMatchObject({
      code: "E_VIEW_UNKNOWN",
    });
    // The selection's three catalog reads, per attempt; no REFRESH.
    expect(harness.emulator.stats.statementsSubmitted - submitted).toBe(6);

    harness.emulator.setFaults({
      failPattern: /REFRESH MATERIALIZED VIEW "learning_platform_pick"\."units"/,
    });
    let outcomes: Awaited<ReturnType<typeof refresh>>["outcomes"];
    try {
      outcomes = (await refresh({ ...options, all: true })).outcomes;
    } finally {
      harness.emulator.setFaults({});
    }
    const failed = outcomes.filter((outcome) => outcome.kind === "failed");
    expect(failed).toMatchObject([
      { schema: "learning_platform_pick", name: "units", error: expect.stringContaining("injected failure") },
    ]);
    expect(outcomes.filter((outcome) => outcome.kind === "refreshed")).toHaveLength(18);
    const rows = await statusRows(options);
    expect(rows.filter((row) => row.conditions.length > 0).map((row) => [key(row), row.conditions])).toEqual([
      ["learning_platform_pick.units", ["unrefreshable"]],
    ]);
    expect(rows.find((row) => key(row) === "learning_platform_pick.units")?.operations.refresh).toMatchObject(
      {
        status: "FAILED",
        error: expect.stringContaining("injected failure"),
      },
    );
    // The view is fresh (nothing changed since the refresh before), yet a plain refresh retries it:
    // otherwise it would stay unrefreshable until someone thought of --all.
    const retry = await refresh(options);
    expect(retry.selection.targets).toEqual([
      { schema: "learning_platform_pick", name: "units", reason: "failed" },
    ]);
    expect(retry.outcomes.map((outcome) => outcome.kind)).toEqual(["refreshed"]);
    expect((await statusRows(options)).filter((row) => row.conditions.length > 0)).toEqual([]);
    expect((await refresh(options)).selection.targets).toEqual([]);
    // Dropped behind the tool's back: reported as missing and skipped.
    await harness.emulator.query(`DROP MATERIALIZED VIEW "learning_platform_pick"."lessons"`);
    const selection = (await refresh(options)).selection;
    expect(selection.missing).toEqual([{ schema: "learning_platform_pick", name: "lessons" }]);
  });
});
