import { describe, expect, it } from "vitest";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import type { ResultRow, StatementOutcome, Warehouse } from "../../src/warehouse/index.js";

// The lock's own decisions over a scripted warehouse; the emulator tests (provision-safety) run it
// against concurrent runs.

const at = new Date(0);
const failed = (error: string): StatementOutcome => ({ kind: "failed", id: "b", submittedAt: at, error });
const done: StatementOutcome = {
  kind: "finished",
  id: "b",
  submittedAt: at,
  durationMs: 1,
  hasResultSet: true,
  resultRows: 1,
};

/**
 * A warehouse answering the lock's batches with `attempts` (outcome and rows of the read-back) in
 * order, its catalog query with `columns` (the lock table's columns, or none when it is missing), and
 * the setup batches with success.
 */
function scripted(attempts: { outcome: StatementOutcome; rows: ResultRow[] }[], columns: string[]) {
  const sent: (readonly string[])[] = [];
  const warehouse: Warehouse = {
    stats: { calls: {} },
    listStatements: async () => [],
    submit: async () => {
      throw new Error("not used here");
    },
    describe: async () => {
      throw new Error("not used here");
    },
    query: async () => columns.map((column) => ({ column_name: column })),
    execute: async () => done,
    async executeBatch(sqls) {
      sent.push(sqls);
      return done;
    },
    async queryBatch(sqls) {
      sent.push(sqls);
      const next = attempts.shift();
      if (next === undefined) throw new Error("unexpected batch");
      return next;
    },
  };
  return { warehouse, sent };
}

const LOCK_COLUMNS = ["environment", "holder", "acquired_at", "token"];

describe("acquireProvisionLock", () => {
  it("takes LOCK, inserts if absent and reads the row back, in one transaction", async () => {
    const { warehouse, sent } = scripted(
      [{ outcome: done, rows: [{ holder: "me@here", acquired_at: "2026-12-01T10:00:00.000Z", token: "t" }] }],
      LOCK_COLUMNS,
    );
    const lock = await acquireProvisionLock(warehouse, {
      environment: "prod",
      token: "t",
      holder: "me@here",
    });
    expect(lock.holder).toBe("me@here");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((sql) => sql.split(" ").slice(0, 2).join(" "))).toEqual([
      'LOCK "redshift_views"."provision_lock";',
      "INSERT INTO",
      "SELECT holder,",
    ]);
  });

  it("a run that finds another's row refuses and names the holder", async () => {
    const { warehouse } = scripted(
      [
        {
          outcome: done,
          rows: [{ holder: "alice@laptop", acquired_at: "2026-12-01T10:00:00.000Z", token: "theirs" }],
        },
      ],
      LOCK_COLUMNS,
    );
    await expect(
      acquireProvisionLock(warehouse, { environment: "prod", token: "ours" }),
    ).rejects.toMatchObject({
      code: "E_PROVISION_LOCKED",
      message: expect.stringContaining("alice@laptop since 2026-12-01T10:00:00.000Z"),
    });
  });

  it("--force replaces the row in the same transaction", async () => {
    const { warehouse, sent } = scripted(
      [{ outcome: done, rows: [{ holder: "me@here", acquired_at: "2026-12-01T10:00:00.000Z", token: "t" }] }],
      LOCK_COLUMNS,
    );
    await acquireProvisionLock(warehouse, { environment: "prod", token: "t", force: true });
    expect(sent[0]?.[1]).toBe(`DELETE FROM "redshift_views"."provision_lock" WHERE environment = 'prod';`);
  });

  it("any other failure says the lock could not be taken, and why", async () => {
    const { warehouse, sent } = scripted(
      [{ outcome: failed("ERROR: permission denied for relation provision_lock"), rows: [] }],
      LOCK_COLUMNS,
    );
    await expect(acquireProvisionLock(warehouse, { environment: "prod" })).rejects.toMatchObject({
      code: "E_PROVISION_LOCK",
      message: expect.stringContaining("permission denied for relation provision_lock"),
    });
    // The table exists (the catalog says so): nothing is created.
    expect(sent).toHaveLength(1);
  });

  it("creates its table only when the catalog says it is missing, the table alone first", async () => {
    const { warehouse, sent } = scripted(
      [
        { outcome: failed('ERROR: relation "redshift_views.provision_lock" does not exist'), rows: [] },
        { outcome: done, rows: [{ holder: "me@here", acquired_at: "2026-12-01T10:00:00.000Z", token: "t" }] },
      ],
      [],
    );
    const lock = await acquireProvisionLock(warehouse, {
      environment: "prod",
      token: "t",
      holder: "me@here",
    });
    expect(lock.holder).toBe("me@here");
    expect(sent.map((sqls) => sqls[0]?.split(" (")[0])).toEqual([
      'LOCK "redshift_views"."provision_lock";',
      'CREATE TABLE IF NOT EXISTS "redshift_views"."provision_lock"',
      'LOCK "redshift_views"."provision_lock";',
    ]);
  });
});
