import {
  DescribeStatementCommand,
  ListStatementsCommand,
  type RedshiftDataClient,
} from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.js";
import { createWarehouse, statementName } from "../../src/warehouse/index.js";
import { sleepingClock } from "../helpers/sleeping-clock.js";
import { holdStatements } from "../helpers/warehouse.js";
import { AS_SUPERUSER, clientFor } from "./helpers.js";

// The warehouse client's poll scheduler against the emulator, through the real SDK: the requests are
// real, the client's clock is a fake one the test moves, so which polls happen is deterministic.

let emulator: RunningEmulator;
let client: RedshiftDataClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = clientFor(emulator.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
});

/** A clock that moves only when the test says; sleeps wait for it. */
function steppedClock() {
  const clock = sleepingClock();
  return {
    ...clock,
    /** Waits (in real time) until the client sleeps again: what it was doing is done. */
    async idle(): Promise<void> {
      for (let waited = 0; clock.pending() === 0; waited++) {
        if (waited > 20_000) throw new Error("the client never slept");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Once the client sleeps, wakes the earliest sleeper; returns the time it woke at. */
    async step(): Promise<number> {
      await this.idle();
      const at = clock.wakeEarliest();
      if (at === undefined) throw new Error("unreachable");
      return at;
    },
  };
}

async function statuses(ids: readonly string[]) {
  const listed = await client.send(
    new ListStatementsCommand({ StatementName: "redshift-views:polling:", Status: "ALL", MaxResults: 100 }),
  );
  const byList = new Map((listed.Statements ?? []).map((statement) => [statement.Id, statement.Status]));
  const byDescribe = new Map<string, string | undefined>();
  for (const id of ids)
    byDescribe.set(id, (await client.send(new DescribeStatementCommand({ Id: id }))).Status);
  return { list: ids.map((id) => byList.get(id)), describe: ids.map((id) => byDescribe.get(id)) };
}

describe("polling statements in flight", () => {
  it("polls ten named statements with one ListStatements a tick, and describes each once at its end", async () => {
    const clock = steppedClock();
    const warehouse = createWarehouse({
      client,
      connection: AS_SUPERUSER,
      sleep: clock.sleep,
      now: clock.now,
    });
    const ids: string[] = [];
    const hold = holdStatements(
      emulator,
      (statement) => statement.name?.startsWith("redshift-views:polling:") === true,
    );
    try {
      const runs = Array.from({ length: 10 }, (_, index) =>
        warehouse.executeBatch([`SELECT ${index}`, "SELECT 0"], {
          name: statementName("polling", "create", `analytics.v${index}`),
          onSubmitted: (id) => ids.push(id),
        }),
      );
      // Accepted by the emulator, and each handed to the client's scheduler (right after its id).
      while (hold.held.length < 10 || ids.length < 10) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setImmediate(resolve));
      emulator.resetStats();

      // First tick (250 ms): all ten still SUBMITTED, seen in one list.
      expect(await clock.step()).toBe(250);
      // Second tick (750 ms): the same.
      expect(await clock.step()).toBe(750);
      await clock.idle();
      expect(emulator.stats.operations).toEqual({ ListStatements: 2 });
      // What the list says of each is what DescribeStatement says.
      const held = await statuses(ids);
      expect(held.list).toEqual(Array.from({ length: 10 }, () => "SUBMITTED"));
      expect(held.describe).toEqual(held.list);

      await hold.release();
      const ended = await statuses(ids);
      expect(ended.list).toEqual(Array.from({ length: 10 }, () => "FINISHED"));
      expect(ended.describe).toEqual(ended.list);
      emulator.resetStats();

      // Next tick (1250 ms): one list sees them all FINISHED; each is described once for its detail.
      expect(await clock.step()).toBe(1250);
      const outcomes = await Promise.all(runs);
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(Array.from({ length: 10 }, () => "finished"));
      expect(emulator.stats.operations).toEqual({ ListStatements: 1, DescribeStatement: 10 });
      expect(warehouse.stats.calls).toEqual({
        BatchExecuteStatement: 10,
        ListStatements: 3,
        DescribeStatement: 10,
      });
    } finally {
      await hold.release();
      emulator.setFaults({});
    }
  });
});
