import { describe, expect, it } from "vitest";
import { HISTORY_COLUMNS, MAX_ERROR_BYTES } from "../../src/history/history-table.js";
import {
  historyWriteBatches,
  isRecordable,
  storableText,
  timestampLiteral,
} from "../../src/history/history-write-sql.js";
import type { OperationRecord } from "../../src/history/operation-record.js";
import { recordOperations } from "../../src/history/record-operations.js";
import { historyQuery, parseTimestamp } from "../../src/state/history.js";
import { MAX_BATCH_STATEMENTS, MAX_STATEMENT_BYTES, type Warehouse } from "../../src/warehouse/index.js";

const record = (overrides: Partial<OperationRecord> = {}): OperationRecord => ({
  schema: "analytics_prod",
  view: "users",
  operation: "create",
  status: "FINISHED",
  startedAt: new Date("2026-12-01T10:00:00.250Z"),
  durationMs: 1234.6,
  statementId: "d9b6c0c9-0747-4bf4-b142-e8883122f766",
  by: "ops@laptop",
  ...overrides,
});

describe("historyWriteBatches", () => {
  it("replaces each view's row per operation in one transaction", () => {
    const batches = historyWriteBatches("prod", [
      record({ hash: "ab".repeat(32) }),
      record({ view: "courses", operation: "refresh", status: "FAILED", error: "ERROR: it's\nbroken" }),
      record({ schema: "analytics_prod_pii", operation: "drop", durationMs: 0 }),
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.operations).toBe(3);
    expect(batches[0]?.sqls.join("\n")).toMatchInlineSnapshot(`
      "CREATE TEMP TABLE "view_operations_new" (LIKE "redshift_views"."view_operations");
      INSERT INTO "view_operations_new" (environment, schema_name, view_name, operation, status, started_at, duration_ms, statement_id, error, run_by, ddl_hash) VALUES
      ('prod', 'analytics_prod', 'courses', 'refresh', 'FAILED', '2026-12-01 10:00:00.250'::TIMESTAMP, 1235, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', 'ERROR: it''s broken', 'ops@laptop', NULL),
      ('prod', 'analytics_prod', 'users', 'create', 'FINISHED', '2026-12-01 10:00:00.250'::TIMESTAMP, 1235, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', NULL, 'ops@laptop', 'abababababababababababababababababababababababababababababababab'),
      ('prod', 'analytics_prod_pii', 'users', 'drop', 'FINISHED', '2026-12-01 10:00:00.250'::TIMESTAMP, 0, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', NULL, 'ops@laptop', NULL);
      DELETE FROM "redshift_views"."view_operations" USING "view_operations_new" n WHERE "view_operations".environment = n.environment AND "view_operations".schema_name = n.schema_name AND "view_operations".view_name = n.view_name AND "view_operations".operation = n.operation AND "view_operations".started_at <= n.started_at;
      INSERT INTO "redshift_views"."view_operations" (environment, schema_name, view_name, operation, status, started_at, duration_ms, statement_id, error, run_by, ddl_hash) SELECT n.environment, n.schema_name, n.view_name, n.operation, n.status, n.started_at, n.duration_ms, n.statement_id, n.error, n.run_by, n.ddl_hash FROM "view_operations_new" n WHERE NOT EXISTS (SELECT 1 FROM "redshift_views"."view_operations" o WHERE o.environment = n.environment AND o.schema_name = n.schema_name AND o.view_name = n.view_name AND o.operation = n.operation);
      DROP TABLE "view_operations_new";"
    `);
  });

  it("keeps the latest of two records of the same view and operation", () => {
    const [batch] = historyWriteBatches("prod", [
      record({ status: "FAILED", startedAt: new Date("2026-12-01T11:00:00Z") }),
      record({ status: "FINISHED", startedAt: new Date("2026-12-01T10:00:00Z") }),
    ]);
    expect(batch?.operations).toBe(1);
    expect(batch?.sqls[1]).toContain("'FAILED', '2026-12-01 11:00:00.000'");
    expect(batch?.sqls[1]).not.toContain("'FINISHED'");
  });

  it("splits thousands of operations so that no statement nears 100 KB and no batch exceeds 40 statements", () => {
    const records = Array.from({ length: 3000 }, (_, index) =>
      record({
        schema: index % 2 === 0 ? "analytics_prod" : "analytics_prod_pii",
        view: `table_with_a_long_name_${String(index).padStart(5, "0")}_${"x".repeat(60)}`,
        status: "FAILED",
        error: `ERROR: ${"é".repeat(800)}`,
      }),
    );
    const batches = historyWriteBatches("prod", records);
    expect(batches.length).toBeGreaterThan(30);
    expect(batches.reduce((sum, batch) => sum + batch.operations, 0)).toBe(3000);
    for (const batch of batches) {
      expect(batch.sqls.length).toBeLessThanOrEqual(MAX_BATCH_STATEMENTS);
      for (const sql of batch.sqls) expect(Buffer.byteLength(sql)).toBeLessThan(MAX_STATEMENT_BYTES * 0.7);
    }
    // Each batch stages exactly its own rows: five statements, whatever the number of rows.
    for (const batch of batches) {
      expect(batch.sqls).toHaveLength(5);
      expect(batch.sqls[1]?.split("\n").length).toBe(batch.operations + 1);
    }
  });

  it("tells the records whose names cannot be SQL literals (recordOperations leaves them out)", () => {
    expect(isRecordable(record())).toBe(true);
    expect(isRecordable(record({ schema: "odd\\schema" }))).toBe(false);
    expect(isRecordable(record({ view: "line\nbreak" }))).toBe(false);
  });
});

describe("historyQuery", () => {
  it("reads the newest row of each operation per view, side by side: one row per view", () => {
    expect(historyQuery("prod", ["analytics_prod", "analytics_prod_pii"])).toMatchInlineSnapshot(`
      "SELECT schema_name, view_name,
        MAX(CASE WHEN operation = 'create' THEN status END) AS create_status,
        MAX(CASE WHEN operation = 'create' THEN started_at END) AS create_started_at,
        MAX(CASE WHEN operation = 'create' THEN duration_ms END) AS create_duration_ms,
        MAX(CASE WHEN operation = 'create' THEN statement_id END) AS create_statement_id,
        MAX(CASE WHEN operation = 'create' THEN error END) AS create_error,
        MAX(CASE WHEN operation = 'create' THEN run_by END) AS create_run_by,
        MAX(CASE WHEN operation = 'create' THEN ddl_hash END) AS create_ddl_hash,
        MAX(CASE WHEN operation = 'refresh' THEN status END) AS refresh_status,
        MAX(CASE WHEN operation = 'refresh' THEN started_at END) AS refresh_started_at,
        MAX(CASE WHEN operation = 'refresh' THEN duration_ms END) AS refresh_duration_ms,
        MAX(CASE WHEN operation = 'refresh' THEN statement_id END) AS refresh_statement_id,
        MAX(CASE WHEN operation = 'refresh' THEN error END) AS refresh_error,
        MAX(CASE WHEN operation = 'refresh' THEN run_by END) AS refresh_run_by,
        MAX(CASE WHEN operation = 'refresh' THEN ddl_hash END) AS refresh_ddl_hash,
        MAX(CASE WHEN operation = 'drop' THEN status END) AS drop_status,
        MAX(CASE WHEN operation = 'drop' THEN started_at END) AS drop_started_at,
        MAX(CASE WHEN operation = 'drop' THEN duration_ms END) AS drop_duration_ms,
        MAX(CASE WHEN operation = 'drop' THEN statement_id END) AS drop_statement_id,
        MAX(CASE WHEN operation = 'drop' THEN error END) AS drop_error,
        MAX(CASE WHEN operation = 'drop' THEN run_by END) AS drop_run_by,
        MAX(CASE WHEN operation = 'drop' THEN ddl_hash END) AS drop_ddl_hash
      FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY schema_name, view_name, operation ORDER BY started_at DESC) AS newest
        FROM "redshift_views"."view_operations"
        WHERE environment = 'prod'
          AND schema_name IN ('analytics_prod', 'analytics_prod_pii')
      ) latest
      WHERE newest = 1
      GROUP BY schema_name, view_name
      ORDER BY schema_name, view_name;"
    `);
  });
});

describe("storableText", () => {
  it("turns control characters into spaces and backslashes into ⧵, and cuts at the column's size", () => {
    expect(storableText('ERROR: syntax error at or near "\\"\n\tLINE 1')).toBe(
      'ERROR: syntax error at or near "⧵" LINE 1',
    );
    const long = storableText("€".repeat(1000));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(MAX_ERROR_BYTES);
    expect(long.endsWith("€…")).toBe(true);
    expect(storableText("short")).toBe("short");
  });
});

describe("timestamps", () => {
  it("written in UTC and read back to the millisecond, in Redshift's and Postgres' forms", () => {
    const at = new Date("2026-12-01T23:59:59.987Z");
    expect(timestampLiteral(at)).toBe("2026-12-01 23:59:59.987");
    expect(parseTimestamp(timestampLiteral(at))?.toISOString()).toBe(at.toISOString());
    expect(parseTimestamp("2026-12-01 23:59:59.987654")?.toISOString()).toBe("2026-12-01T23:59:59.987Z");
    expect(parseTimestamp("2026-12-01 23:59:59")?.toISOString()).toBe("2026-12-01T23:59:59.000Z");
    expect(parseTimestamp("yesterday")).toBeUndefined();
    expect(parseTimestamp(42)).toBeUndefined();
  });
});

/**
 * A warehouse that answers each batch with the next scripted outcome, recording what it was sent; its
 * catalog says the history table exists (with this version's columns) unless `tableMissing`.
 */
function scriptedWarehouse(answers: (string | undefined)[], options: { tableMissing?: boolean } = {}) {
  const sent: (readonly string[])[] = [];
  const warehouse: Warehouse = {
    stats: { calls: {} },
    query: async () =>
      options.tableMissing === true ? [] : HISTORY_COLUMNS.map((column) => ({ column_name: column })),
    execute: async () => {
      throw new Error("not used");
    },
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
    executeBatch: async (sqls) => {
      sent.push(sqls);
      const error = answers.shift();
      const common = { id: `s${sent.length}`, submittedAt: new Date(0) };
      return error === undefined
        ? { kind: "finished", ...common, durationMs: 1, hasResultSet: false, resultRows: -1 }
        : { kind: "failed", ...common, error };
    },
  };
  return { warehouse, sent };
}

describe("recordOperations", () => {
  it("creates the table on first use only, with the least privilege that works, then writes", async () => {
    const missing = 'ERROR: relation "redshift_views.view_operations" does not exist';
    const { warehouse, sent } = scriptedWarehouse([missing, undefined, undefined], { tableMissing: true });
    expect(await recordOperations(warehouse, "prod", [record()])).toEqual({
      kind: "recorded",
      operations: 1,
    });
    const heads = (batches: (readonly string[])[]) => batches.map((sqls) => sqls[0]?.split(" (")[0]);
    expect(heads(sent)).toEqual([
      'CREATE TEMP TABLE "view_operations_new"',
      'CREATE TABLE IF NOT EXISTS "redshift_views"."view_operations"',
      'CREATE TEMP TABLE "view_operations_new"',
    ]);
    // The schema is missing too: the table alone fails, then schema and table.
    const fresh = scriptedWarehouse(
      [missing, 'ERROR: schema "redshift_views" does not exist', undefined, undefined],
      { tableMissing: true },
    );
    expect(await recordOperations(fresh.warehouse, "prod", [record()])).toEqual({
      kind: "recorded",
      operations: 1,
    });
    expect(heads(fresh.sent)).toEqual([
      'CREATE TEMP TABLE "view_operations_new"',
      'CREATE TABLE IF NOT EXISTS "redshift_views"."view_operations"',
      'CREATE SCHEMA IF NOT EXISTS "redshift_views";',
      'CREATE TEMP TABLE "view_operations_new"',
    ]);
    // Any other failure, the table being there, is reported as it is, with what to grant; no DDL.
    const denied = scriptedWarehouse(["ERROR: permission denied for relation view_operations"]);
    expect(await recordOperations(denied.warehouse, "prod", [record()])).toEqual({
      kind: "failed",
      operations: 1,
      recorded: 0,
      error: "ERROR: permission denied for relation view_operations",
      problem: "privileges",
    });
    expect(denied.sent).toHaveLength(1);
  });

  it("retries a batch that collided with another run's write, waiting longer each time", async () => {
    const collision = "ERROR: 1023 DETAIL: Serializable isolation violation on table - 100123";
    const { warehouse, sent } = scriptedWarehouse([collision, collision, undefined]);
    const sleeps: number[] = [];
    const write = await recordOperations(warehouse, "prod", [record()], {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    });
    expect(write).toEqual({ kind: "recorded", operations: 1 });
    expect(sent).toHaveLength(3);
    expect(sleeps).toEqual([300, 600]);
    // It gives up after four attempts.
    const stuck = scriptedWarehouse([collision, collision, collision, collision, undefined]);
    const given = await recordOperations(stuck.warehouse, "prod", [record()], { sleep: async () => {} });
    expect(given).toMatchObject({ kind: "failed", recorded: 0, error: collision });
    expect(stuck.sent).toHaveLength(4);
  });

  it("leaves out only the records whose names cannot be literals, and says so", async () => {
    const { warehouse, sent } = scriptedWarehouse([undefined]);
    const write = await recordOperations(warehouse, "prod", [
      record(),
      record({ view: "odd\\name" }),
      record({ view: "courses" }),
    ]);
    expect(write).toEqual({
      kind: "failed",
      operations: 3,
      recorded: 2,
      error:
        "1 operation was not recorded: the view's name cannot be written as a SQL literal (a backslash or control character).",
    });
    expect(sent[0]?.[1]).toContain("'courses'");
    expect(sent[0]?.[1]).not.toContain("odd");
  });

  it("sends nothing when there is nothing to record", async () => {
    const { warehouse, sent } = scriptedWarehouse([]);
    expect(await recordOperations(warehouse, "prod", [])).toEqual({ kind: "recorded", operations: 0 });
    expect(sent).toEqual([]);
  });
});
