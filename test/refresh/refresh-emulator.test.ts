import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSourceSchema, type WarehouseSession } from "../../src/connect/session.js";
import { desiredViews } from "../../src/desired/desired-views.js";
import { readRefreshSelection } from "../../src/refresh/read-refresh-selection.js";
import { refreshViews, selectRefreshTargets } from "../../src/refresh/refresh.js";
import { notRefreshedSinceCreated } from "../../src/status/status-rows.js";
import { statementNamePrefix } from "../../src/warehouse/index.js";
import { EXAMPLE_SCHEMA, type Harness, provision, startHarness, statusRows } from "../provision/harness.js";

// Issue 6's refresh acceptance against one in-memory emulator, through the real SDK client. Each test
// has its own environment. `refresh` below is what `redshift-views refresh <env>` does.

let harness: Harness;
let example: string;

beforeAll(async () => {
  [harness, example] = await Promise.all([startHarness(), EXAMPLE_SCHEMA()]);
});

afterAll(async () => {
  await harness?.stop();
});

/** What `redshift-views refresh <env> [--all] [--view v]` does. */
async function refresh(session: WarehouseSession, options: { all?: boolean; view?: string } = {}) {
  const selection = await readRefreshSelection(session, options);
  const run = await refreshViews(session.warehouse, session.environment, selection.targets);
  expect(run.history).toEqual({ kind: "recorded", operations: selection.targets.length });
  return { selection, outcomes: run.outcomes };
}

const key = (row: { schema: string; view?: string; name?: string }) =>
  `${row.schema}.${row.view ?? row.name}`;

/** Rows in each managed view and in the replicated table it reads. */
async function rowCounts(session: WarehouseSession) {
  const source = renderSourceSchema(session.prepared, session.environment);
  const rows = await statusRows(session);
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
    const session = await harness.session("fill", example, 0);
    await provision(session);
    const provisioned = await statusRows(session);
    expect(provisioned).toHaveLength(19);
    expect(provisioned.filter((row) => !notRefreshedSinceCreated(row)).map(key)).toEqual([]);
    for (const row of provisioned) {
      expect(row, key(row)).toMatchObject({
        exists: true,
        conditions: [],
        lastOperation: { operation: "create", status: "FINISHED" },
      });
    }

    await harness.emulator.seedSourceTables({
      schema: session.prepared.schema,
      sourceSchema: renderSourceSchema(session.prepared, "fill"),
      sampleRows: 20,
    });
    const arrived = await statusRows(session);
    expect(arrived.filter((row) => row.stale !== true).map(key)).toEqual([]);
    expect((await rowCounts(session)).filter((count) => count.rows !== 0)).toEqual([]);

    const { selection, outcomes } = await refresh(session);
    expect(selection.targets).toHaveLength(19);
    expect(new Set(selection.targets.map((target) => target.reason))).toEqual(new Set(["stale"]));
    expect(selection.fresh).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.kind !== "refreshed")).toEqual([]);

    const counts = await rowCounts(session);
    expect(counts.filter((count) => count.rows !== count.source || count.rows !== 20)).toEqual([]);
    const refreshed = await statusRows(session);
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
    const again = await refresh(session);
    expect(again.selection.targets).toEqual([]);
    expect(again.selection.fresh).toHaveLength(19);
  });

  it("an insert into one source table makes only the views over it stale, and only they are refreshed", async () => {
    const session = await harness.session("one", example, 20);
    await provision(session);
    await refresh(session, { all: true });
    expect((await statusRows(session)).filter((row) => row.stale !== false)).toEqual([]);

    await harness.emulator.query(
      `INSERT INTO "one_learningplatform_mysql_zeroetl"."dashboard_one"."courses"
         (id, slug, title, description, published, price, created_at, updated_at)
       VALUES (21, 'new-course', 'New', 'A new course', true, 10.00, '2024-03-01', '2024-03-01')`,
    );
    const stale = (await statusRows(session)).filter((row) => row.stale !== false).map(key);
    expect(stale).toEqual(["learning_platform_one.courses", "learning_platform_one_pii.courses"]);

    const before = await harness.warehouse.listStatements({
      namePrefix: statementNamePrefix("one", "refresh"),
    });
    const { selection, outcomes } = await refresh(session);
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
    expect((await statusRows(session)).filter((row) => row.stale !== false)).toEqual([]);
    expect(
      await harness.emulator.query(`SELECT count(*)::int AS n FROM "learning_platform_one"."courses"`),
    ).toEqual([{ n: 21 }]);
  });

  it("re-seeding the source tables, as every command's session does, leaves refreshed views fresh", async () => {
    const session = await harness.session("reseed", example, 20);
    await provision(session);
    await refresh(session, { all: true });
    for (let run = 0; run < 2; run++) {
      await harness.emulator.seedSourceTables({
        schema: session.prepared.schema,
        sourceSchema: renderSourceSchema(session.prepared, "reseed"),
        sampleRows: 20,
      });
    }
    expect((await statusRows(session)).filter((row) => row.stale !== false).map(key)).toEqual([]);
    expect((await refresh(session)).selection.targets).toEqual([]);
    // Sample rows go into empty tables only: nothing was added to the 20 rows.
    expect(
      await harness.emulator.query(
        `SELECT count(*)::int AS n FROM "reseed_learningplatform_mysql_zeroetl"."dashboard_reseed"."users"`,
      ),
    ).toEqual([{ n: 20 }]);
  });

  it("--all, --view, failures isolated per view and shown as unrefreshable", async () => {
    const session = await harness.session("pick", example, 20);
    await provision(session);
    expect((await refresh(session, { all: true })).selection.targets).toHaveLength(19);
    const one = await refresh(session, { view: "learning_platform_pick_pii.users" });
    expect(one.selection.targets).toEqual([
      { schema: "learning_platform_pick_pii", name: "users", reason: "requested" },
    ]);
    expect(() =>
      selectRefreshTargets(desiredViews(session.prepared.specs, "pick", session.target.grants), [], {
        view: "users",
      }),
    ).toThrow(/"users" names 2 views/);

    harness.emulator.setFaults({
      failPattern: /REFRESH MATERIALIZED VIEW "learning_platform_pick"\."units"/,
    });
    let outcomes: Awaited<ReturnType<typeof refresh>>["outcomes"];
    try {
      outcomes = (await refresh(session, { all: true })).outcomes;
    } finally {
      harness.emulator.setFaults({});
    }
    const failed = outcomes.filter((outcome) => outcome.kind === "failed");
    expect(failed).toMatchObject([
      { schema: "learning_platform_pick", name: "units", error: expect.stringContaining("injected failure") },
    ]);
    expect(outcomes.filter((outcome) => outcome.kind === "refreshed")).toHaveLength(18);
    const rows = await statusRows(session);
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
    const retry = await refresh(session);
    expect(retry.selection.targets).toEqual([
      { schema: "learning_platform_pick", name: "units", reason: "failed" },
    ]);
    expect(retry.outcomes.map((outcome) => outcome.kind)).toEqual(["refreshed"]);
    expect((await statusRows(session)).filter((row) => row.conditions.length > 0)).toEqual([]);
    expect((await refresh(session)).selection.targets).toEqual([]);
    // Dropped behind the tool's back: reported as missing and skipped.
    await harness.emulator.query(`DROP MATERIALIZED VIEW "learning_platform_pick"."lessons"`);
    const selection = (await refresh(session)).selection;
    expect(selection.missing).toEqual([{ schema: "learning_platform_pick", name: "lessons" }]);
  });
});
