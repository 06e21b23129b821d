import { describe, expect, it } from "vitest";
import { acquireProvisionLock } from "../../src/lock/provision-lock.js";
import type { ResultRow, StatementOutcome, Warehouse } from "../../src/warehouse/index.js";

// The lock's own decisions over a scripted warehouse; the emulator tests (provision-safety) cover the
// rest, but Postgres never raises Redshift's serialization conflict between two inserting runs.

function scripted(batches: StatementOutcome[], rows: ResultRow[]) {
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
    query: async () => rows,
    execute: async () => {
      throw new Error("not used");
    },
    async executeBatch(sqls) {
      sent.push(sqls);
      const next = batches.shift();
      if (next === undefined) throw new Error("unexpected batch");
      return next;
    },
  };
  return { warehouse, sent };
}

const at = new Date(0);
const failed = (error: string): StatementOutcome => ({ kind: "failed", id: "b", submittedAt: at, error });

describe("acquireProvisionLock", () => {
  it("a run that lost the race with a serialization conflict names the winner", async () => {
    const { warehouse } = scripted(
      [failed("ERROR: 1023 DETAIL: Serializable isolation violation on table - 1234")],
      [{ holder: "alice@laptop", acquired_at: "2026-12-01T10:00:00.000Z", token: "theirs" }],
    );
    await expect(
      acquireProvisionLock(warehouse, { environment: "prod", token: "ours" }),
    ).rejects.toMatchObject({
      code: "E_PROVISION_LOCKED",
      message: expect.stringContaining("alice@laptop since 2026-12-01T10:00:00.000Z"),
    });
  });

  it("any other failure says the lock could not be taken, and why", async () => {
    const { warehouse } = scripted([failed("ERROR: permission denied for relation provision_lock")], []);
    await expect(acquireProvisionLock(warehouse, { environment: "prod" })).rejects.toMatchObject({
      code: "E_PROVISION_LOCK",
      message: expect.stringContaining("permission denied for relation provision_lock"),
    });
  });

  it("creates its table only when it is missing, the table alone first", async () => {
    const done: StatementOutcome = {
      kind: "finished",
      id: "b",
      submittedAt: at,
      durationMs: 1,
      hasResultSet: false,
      resultRows: 1,
    };
    const { warehouse, sent } = scripted(
      [failed('ERROR: relation "redshift_views.provision_lock" does not exist'), done, done],
      [{ holder: "me@here", acquired_at: "2026-12-01T10:00:00.000Z", token: "t" }],
    );
    const lock = await acquireProvisionLock(warehouse, {
      environment: "prod",
      token: "t",
      holder: "me@here",
    });
    expect(lock.holder).toBe("me@here");
    expect(sent.map((sqls) => sqls[0]?.split(" (")[0])).toEqual([
      'INSERT INTO "redshift_views"."provision_lock"',
      'CREATE TABLE IF NOT EXISTS "redshift_views"."provision_lock"',
      'INSERT INTO "redshift_views"."provision_lock"',
    ]);
  });
});
