import {
  BatchExecuteStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { holdStatements } from "../helpers/warehouse.js";
import { AS_SUPERUSER, clientFor, statementFailure, statementRows, waitFor } from "./helpers.js";

// Concurrent Data API clients: each request's transaction runs whole, and transactions of different
// requests run one after another in the order they became ready (PGlite has one connection; see
// docs/emulator.md, "Concurrency and isolation"). Statements are held by the emulator's hook until
// every request of a test has been accepted, so the order is the test's, not the machine's.

let emulator: RunningEmulator;
let alice: RedshiftDataClient;
let bob: RedshiftDataClient;

beforeAll(async () => {
  emulator = await startEmulator();
  alice = clientFor(emulator.endpoint, 1, "AKIAALICE");
  bob = clientFor(emulator.endpoint, 1, "AKIABOB");
  await emulator.query(`CREATE SCHEMA tool;
    CREATE TABLE tool.lock (environment varchar(63), holder varchar(256));
    CREATE TABLE tool.events (n int);
    CREATE VIEW tool.lock_view AS SELECT * FROM tool.lock;
    CREATE MATERIALIZED VIEW tool.lock_mv AS SELECT * FROM tool.lock;`);
});

afterAll(async () => {
  alice?.destroy();
  bob?.destroy();
  await emulator?.stop();
});

/** `LOCK`, insert our row if there is none, read back the row: the provisioning lock's transaction. */
function takeLock(holder: string): string[] {
  return [
    "LOCK tool.lock",
    `INSERT INTO tool.lock SELECT 'prod', '${holder}' WHERE NOT EXISTS (SELECT 1 FROM tool.lock WHERE environment = 'prod')`,
    "SELECT holder FROM tool.lock WHERE environment = 'prod'",
  ];
}

async function lastRows(client: RedshiftDataClient, id: string | undefined): Promise<unknown[]> {
  const result = await client.send(new GetStatementResultCommand({ Id: `${id}:3` }));
  return (result.Records ?? []).map((record) => record[0]?.stringValue);
}

describe("LOCK across concurrent clients", () => {
  it("lets one of two simultaneous insert-if-absent transactions in; the other sees its row", async () => {
    const held = holdStatements(emulator, (statement) => statement.sqls[0]?.startsWith("LOCK") === true);
    let ids: (string | undefined)[];
    try {
      const first = await alice.send(
        new BatchExecuteStatementCommand({ ...AS_SUPERUSER, Sqls: takeLock("alice") }),
      );
      const second = await bob.send(
        new BatchExecuteStatementCommand({ ...AS_SUPERUSER, Sqls: takeLock("bob") }),
      );
      ids = [first.Id, second.Id];
      expect(held.held).toHaveLength(2);
    } finally {
      await held.release();
      emulator.setFaults({});
    }
    const [aliceId, bobId] = ids;
    expect((await waitFor(alice, aliceId)).Status).toBe("FINISHED");
    expect((await waitFor(bob, bobId)).Status).toBe("FINISHED");
    expect(await lastRows(alice, aliceId)).toEqual(["alice"]);
    expect(await lastRows(bob, bobId)).toEqual(["alice"]);
    expect(await statementRows(alice, AS_SUPERUSER, "SELECT holder FROM tool.lock")).toEqual([["alice"]]);
  });

  it("takes Redshift's syntax only, and tables only", async () => {
    expect(await statementRows(alice, AS_SUPERUSER, "LOCK TABLE tool.lock, tool.events")).toEqual([]);
    for (const sql of ["LOCK tool.lock IN SHARE MODE", "LOCK tool.lock NOWAIT", "LOCK TABLE"]) {
      expect((await statementFailure(alice, AS_SUPERUSER, sql)).state).toBe("42601");
    }
    for (const relation of ["lock_view", "lock_mv"]) {
      const { error, state } = await statementFailure(alice, AS_SUPERUSER, `LOCK tool.${relation}`);
      expect(state).toBe("42809");
      expect(error).toContain(`"${relation}" is not a table`);
    }
  });
});

describe("transactions of different clients", () => {
  async function interleaved(executionMode: "AUTO_COMMIT" | "TRANSACTION"): Promise<unknown[][]> {
    await emulator.query("TRUNCATE tool.events");
    const held = holdStatements(emulator, () => true);
    let ids: (string | undefined)[];
    try {
      const batch = await alice.send(
        new BatchExecuteStatementCommand({
          ...AS_SUPERUSER,
          ExecutionMode: executionMode,
          Sqls: ["INSERT INTO tool.events VALUES (1)", "INSERT INTO tool.events VALUES (2)"],
        }),
      );
      const read = await bob.send(
        new ExecuteStatementCommand({ ...AS_SUPERUSER, Sql: "SELECT count(*) FROM tool.events" }),
      );
      ids = [batch.Id, read.Id];
    } finally {
      await held.release();
      emulator.setFaults({});
    }
    expect((await waitFor(alice, ids[0])).Status).toBe("FINISHED");
    await waitFor(bob, ids[1]);
    const result = await bob.send(new GetStatementResultCommand({ Id: ids[1] }));
    return (result.Records ?? []).map((record) => record.map((field) => field.longValue));
  }

  it("interleave between the statements of an AUTO_COMMIT batch, each its own transaction", async () => {
    expect(await interleaved("AUTO_COMMIT")).toEqual([[1]]);
  });

  it("never see a TRANSACTION batch half done", async () => {
    expect(await interleaved("TRANSACTION")).toEqual([[2]]);
  });
});
