import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_RELATION, historyHint } from "../../src/history/history-table.js";
import type { OperationRecord } from "../../src/history/operation-record.js";
import { recordOperations } from "../../src/history/record-operations.js";
import { type ProvisionEvent, provision } from "../../src/index.js";
import { failedOutcomes } from "../../src/provision/apply.js";
import { readHistory } from "../../src/state/history.js";
import { exampleSchema } from "../helpers/index.js";
import { startTestWarehouse, statusRows, type TestWarehouse } from "../helpers/warehouse.js";

// The operation history through the real SDK client against the emulator: what `provision` and
// `refresh` write, `status` and `refresh` read back in one query.

let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});

afterAll(async () => {
  await harness?.stop();
});

const record = (overrides: Partial<OperationRecord> = {}): OperationRecord => ({
  schema: "analytics_h",
  view: "users",
  operation: "create",
  status: "FINISHED",
  startedAt: new Date("2026-12-01T10:00:00.250Z"),
  durationMs: 1500,
  statementId: "d9b6c0c9-0747-4bf4-b142-e8883122f766",
  by: "ops@laptop",
  ...overrides,
});

const rowCount = async (environment: string) =>
  Number(
    (
      await harness.emulator.query(
        `SELECT count(*)::int AS n FROM ${HISTORY_RELATION} WHERE environment = '${environment}'`,
      )
    )[0]?.n,
  );

describe("operation history", () => {
  it("is empty before anything was recorded, then reads back exactly what was written, one row per view", async () => {
    const schemas = ["analytics_h", "analytics_h_pii"];
    expect(await readHistory(harness.warehouse, "h", schemas)).toEqual({ kind: "empty" });

    const failed = record({
      operation: "refresh",
      status: "FAILED",
      startedAt: new Date("2026-12-01T10:05:00.999Z"),
      error: `ERROR: relation "x\\y" can't be refreshed\nDETAIL: ${"long ".repeat(300)}`,
    });
    expect(await recordOperations(harness.warehouse, "h", [record(), failed])).toEqual({
      kind: "recorded",
      operations: 2,
    });
    // The same view in another environment, and a schema the reader did not ask for.
    await recordOperations(harness.warehouse, "other", [record({ status: "FAILED" })]);
    await recordOperations(harness.warehouse, "h", [record({ schema: "elsewhere" })]);

    const read = await readHistory(harness.warehouse, "h", schemas);
    expect(read.kind).toBe("recorded");
    if (read.kind !== "recorded") return;
    expect(read.problems).toEqual([]);
    expect(read.views).toHaveLength(1);
    const [users] = read.views;
    expect(users?.create).toEqual({ ...record(), view: "users", schema: "analytics_h" });
    expect(users?.refresh).toMatchObject({
      status: "FAILED",
      startedAt: new Date("2026-12-01T10:05:00.999Z"),
      error: expect.stringMatching(/^ERROR: relation "x⧵y" can't be refreshed DETAIL: long long .*…$/),
    });
    expect(Buffer.byteLength(users?.refresh?.error ?? "")).toBeLessThanOrEqual(1000);
    expect(users?.drop).toBeUndefined();

    // Recording again replaces the row: the table grows with views, not with runs.
    for (let run = 0; run < 3; run++)
      await recordOperations(harness.warehouse, "h", [
        record({
          status: run === 2 ? "ABORTED" : "FINISHED",
          startedAt: new Date(Date.UTC(2027, 0, run + 1)),
        }),
      ]);
    expect(await rowCount("h")).toBe(3); // users create, users refresh, elsewhere.users create
    const again = await readHistory(harness.warehouse, "h", schemas);
    expect(again.kind === "recorded" ? again.views[0]?.create : undefined).toMatchObject({
      status: "ABORTED",
      startedAt: new Date("2027-01-03T00:00:00.000Z"),
    });
  });

  it("a failed write is reported, not thrown, and leaves what was there; a failed read is 'unreadable'", async () => {
    await recordOperations(harness.warehouse, "w", [record()]);
    harness.emulator.setFaults({ failPattern: /INSERT INTO "redshift_views"\."view_operations"/ });
    try {
      const write = await recordOperations(harness.warehouse, "w", [record({ status: "FAILED" })]);
      expect(write).toMatchObject({ kind: "failed", operations: 1, recorded: 0 });
      expect(write.kind === "failed" ? write.error : "").toMatch(/injected failure/);
    } finally {
      harness.emulator.setFaults({});
    }
    // The batch was one transaction: its DELETE was rolled back with the INSERT.
    const kept = await readHistory(harness.warehouse, "w", ["analytics_h"]);
    expect(kept.kind === "recorded" ? kept.views[0]?.create?.status : undefined).toBe("FINISHED");

    harness.emulator.setFaults({ failPattern: /FROM "redshift_views"\."view_operations"/ });
    try {
      expect(await readHistory(harness.warehouse, "w", ["analytics_h"])).toMatchObject({
        kind: "unreadable",
        error: expect.stringContaining("injected failure"),
      });
    } finally {
      harness.emulator.setFaults({});
    }
  });

  it("provisioning whose history cannot be written still applies every view, and warns", async () => {
    const project = await harness.project(await exampleSchema());
    const options = await project.options("nohist");
    const events: ProvisionEvent[] = [];
    harness.emulator.setFaults({ failPattern: /INSERT INTO "redshift_views"\."view_operations"/ });
    let report: Awaited<ReturnType<typeof provision>>;
    try {
      report = await provision({ ...options, onEvent: (event) => events.push(event) });
    } finally {
      harness.emulator.setFaults({});
    }
    const result = report.result;
    if (result === undefined) throw new Error("the plan was not applied");
    expect(failedOutcomes(result)).toEqual([]);
    expect(result.outcomes).toHaveLength(19);
    expect(result.history).toMatchObject({ kind: "failed", operations: 19, recorded: 0 });
    expect(
      events.filter((event) => event.kind === "warning" && event.code !== "templates_regenerated"),
    ).toMatchObject([
      {
        code: "history_not_recorded",
        message: expect.stringMatching(/^Could not record 19 of 19 operations in the operation history: /),
        hint: expect.stringContaining("redshift-views status nohist"),
      },
    ]);
    // Status still sees every view; it just has no last operation for them.
    const rows = await statusRows(options);
    expect(rows.filter((row) => !row.exists || row.conditions.length > 0)).toEqual([]);
    expect(rows.filter((row) => row.lastOperation !== null)).toEqual([]);
  });
});

describe("operation history under concurrency", () => {
  it("a run that started earlier but records later never overwrites a newer record", async () => {
    const schemas = ["analytics_h"];
    const newer = record({ status: "FINISHED", startedAt: new Date("2026-12-02T10:00:00.000Z") });
    const older = record({
      status: "FAILED",
      startedAt: new Date("2026-12-02T09:00:00.000Z"),
      error: "late",
    });
    await recordOperations(harness.warehouse, "race", [newer]);
    expect(await recordOperations(harness.warehouse, "race", [older])).toEqual({
      kind: "recorded",
      operations: 1,
    });
    const read = await readHistory(harness.warehouse, "race", schemas);
    expect(read.kind === "recorded" ? read.views[0]?.create : undefined).toEqual(newer);
    expect(await rowCount("race")).toBe(1);
  });

  it("reads whole rows: with duplicates (Redshift enforces no keys) the newest row wins, not a mix", async () => {
    await recordOperations(harness.warehouse, "dup", [record({ status: "FINISHED", durationMs: 10 })]);
    // A second row for the same view and operation, as a concurrent writer or a hand-made insert could leave.
    await harness.emulator.query(
      `INSERT INTO ${HISTORY_RELATION} (environment, schema_name, view_name, operation, status, started_at, duration_ms, statement_id, error, run_by)
       VALUES ('dup', 'analytics_h', 'users', 'create', 'FAILED', '2026-12-03 00:00:00', 99, NULL, 'newest', 'someone@else')`,
    );
    const read = await readHistory(harness.warehouse, "dup", ["analytics_h"]);
    expect(read.kind === "recorded" ? read.views[0]?.create : undefined).toEqual({
      schema: "analytics_h",
      view: "users",
      operation: "create",
      status: "FAILED",
      startedAt: new Date("2026-12-03T00:00:00.000Z"),
      durationMs: 99,
      error: "newest",
      by: "someone@else",
    });
  });
});

describe("a history table of another layout", () => {
  it("is reported unreadable, naming the column, with advice to drop it; a write then recreates it", async () => {
    await harness.emulator.query(`DROP TABLE ${HISTORY_RELATION}`);
    await harness.emulator.query(
      `CREATE TABLE ${HISTORY_RELATION} (environment VARCHAR(63), schema_name VARCHAR(128), view_name VARCHAR(128), operation VARCHAR(16), status VARCHAR(16), started_at TIMESTAMP, duration_ms BIGINT, statement_id VARCHAR(64), error VARCHAR(1024), run_by VARCHAR(256))`,
    );
    const read = await readHistory(harness.warehouse, "old", ["analytics_h"]);
    expect(read).toMatchObject({
      kind: "unreadable",
      problem: "layout",
      error: expect.stringContaining('column "ddl_hash"'),
    });
    const problem = read.kind === "unreadable" ? read.problem : undefined;
    expect(problem === undefined ? "" : historyHint(problem, true)).toMatch(
      /created by another version of prisma-redshift-views\. Drop it/,
    );
    expect(historyHint("privileges", true)).toMatch(/SELECT on the table/);

    await harness.emulator.query(`DROP TABLE ${HISTORY_RELATION}`);
    expect(await recordOperations(harness.warehouse, "old", [record()])).toEqual({
      kind: "recorded",
      operations: 1,
    });
    expect((await readHistory(harness.warehouse, "old", ["analytics_h"])).kind).toBe("recorded");
  });
});
