import { describe, expect, it } from "vitest";
import { MAX_ERROR_BYTES } from "../../src/history/history-table.js";
import type { OperationRecord } from "../../src/history/operation-record.js";
import { parseTimestamp } from "../../src/history/read-history.js";
import { historyWriteBatches, storableText, timestampLiteral } from "../../src/history/record-operations.js";
import { MAX_BATCH_STATEMENTS, MAX_STATEMENT_BYTES } from "../../src/warehouse/index.js";

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
      record(),
      record({ view: "courses", operation: "refresh", status: "FAILED", error: "ERROR: it's\nbroken" }),
      record({ schema: "analytics_prod_pii", operation: "drop", durationMs: 0 }),
    ]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.operations).toBe(3);
    expect(batches[0]?.sqls.join("\n")).toMatchInlineSnapshot(`
      "CREATE SCHEMA IF NOT EXISTS "redshift_views";
      CREATE TABLE IF NOT EXISTS "redshift_views"."view_operations" (environment VARCHAR(63) NOT NULL, schema_name VARCHAR(128) NOT NULL, view_name VARCHAR(128) NOT NULL, operation VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, started_at TIMESTAMP NOT NULL, duration_ms BIGINT NOT NULL, statement_id VARCHAR(64), error VARCHAR(1024), run_by VARCHAR(256) NOT NULL);
      DELETE FROM "redshift_views"."view_operations" WHERE environment = 'prod' AND operation = 'refresh' AND schema_name = 'analytics_prod' AND view_name IN ('courses');
      DELETE FROM "redshift_views"."view_operations" WHERE environment = 'prod' AND operation = 'create' AND schema_name = 'analytics_prod' AND view_name IN ('users');
      DELETE FROM "redshift_views"."view_operations" WHERE environment = 'prod' AND operation = 'drop' AND schema_name = 'analytics_prod_pii' AND view_name IN ('users');
      INSERT INTO "redshift_views"."view_operations" (environment, schema_name, view_name, operation, status, started_at, duration_ms, statement_id, error, run_by) VALUES
      ('prod', 'analytics_prod', 'courses', 'refresh', 'FAILED', '2026-12-01 10:00:00.250'::TIMESTAMP, 1235, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', 'ERROR: it''s broken', 'ops@laptop'),
      ('prod', 'analytics_prod', 'users', 'create', 'FINISHED', '2026-12-01 10:00:00.250'::TIMESTAMP, 1235, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', NULL, 'ops@laptop'),
      ('prod', 'analytics_prod_pii', 'users', 'drop', 'FINISHED', '2026-12-01 10:00:00.250'::TIMESTAMP, 0, 'd9b6c0c9-0747-4bf4-b142-e8883122f766', NULL, 'ops@laptop');"
    `);
  });

  it("keeps the latest of two records of the same view and operation", () => {
    const [batch] = historyWriteBatches("prod", [
      record({ status: "FAILED", startedAt: new Date("2026-12-01T11:00:00Z") }),
      record({ status: "FINISHED", startedAt: new Date("2026-12-01T10:00:00Z") }),
    ]);
    expect(batch?.operations).toBe(1);
    expect(batch?.sqls.at(-1)).toContain("'FAILED', '2026-12-01 11:00:00.000'");
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
    // Each view is deleted and inserted in the same transaction.
    for (const batch of batches) {
      const deleted = batch.sqls.flatMap((sql) =>
        [...sql.matchAll(/'(table_with[^']+)'(?=[,)])/g)].map((m) => m[1]),
      );
      const inserted = [...(batch.sqls.at(-1) ?? "").matchAll(/'analytics_prod(?:_pii)?', '([^']+)'/g)].map(
        (m) => m[1],
      );
      expect(new Set(deleted.filter((name) => !inserted.includes(name)))).toEqual(new Set());
      expect(inserted).toHaveLength(batch.operations);
    }
  });

  it("refuses names that cannot be a literal (the write then reports a failure, nothing is sent)", () => {
    expect(() => historyWriteBatches("prod", [record({ schema: "odd\\schema" })])).toThrow(
      /cannot be written as a SQL literal/,
    );
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
