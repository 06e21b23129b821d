import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedOutcomes } from "../../src/provision/apply.js";
import { buildPlan } from "../../src/provision/provision.js";
import type { WarehouseSession } from "../../src/provision/session.js";
import { readStatus } from "../../src/status/read-status.js";
import { createWarehouse, statementNamePrefix, type Warehouse } from "../../src/warehouse/index.js";
import { schema } from "../helpers/index.js";
import { countCalls, type Harness, provision, startHarness } from "../provision/harness.js";

// "With 500 managed views, status makes the same number of Data API calls as with 5": the catalog
// reads are one query each whatever the number of views. Statement history (ListStatements) is the
// exception: it is paged 100 statements at a time, so it grows with the statements run in the
// environment (one CREATE per view per provision), not with anything status could batch.

let harness: Harness;
let client: RedshiftDataClient;
/** Polls once, late enough for the emulator to have finished: DescribeStatement counts statements. */
let measuring: Warehouse;

beforeAll(async () => {
  harness = await startHarness();
  client = new RedshiftDataClient({
    endpoint: harness.emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  measuring = createWarehouse({
    client,
    target: {
      kind: "local",
      environment: "x",
      dataDir: "",
      database: "dev",
      grants: { nonPii: [], pii: [] },
    },
    poll: { initialDelayMs: 1500 },
  });
});

afterAll(async () => {
  client?.destroy();
  await harness?.stop();
});

/** A schema with exactly `views` views: models with a public and a restricted column (two views each). */
function syntheticSchema(views: number): string {
  const models: string[] = [];
  for (let index = 0; index < Math.floor(views / 2); index++) {
    models.push(`/// @exportToAnalytics
model M${index} {
  id   Int    @id
  /// @classification restricted
  name String
  @@map("t_${index}")
}`);
  }
  if (views % 2 === 1) {
    models.push(`/// @exportToAnalytics
model Solo {
  /// @classification restricted
  id Int @id
  @@map("solo")
}`);
  }
  return schema(models.join("\n\n"));
}

async function measured(environment: string, views: number) {
  const session = await harness.session(environment, syntheticSchema(views), 1);
  const { plan, result } = await provision(session);
  expect(plan.items).toHaveLength(views);
  expect(failedOutcomes(result)).toEqual([]);
  const probe: WarehouseSession = { ...session, warehouse: measuring };
  const status = await countCalls(measuring, () => readStatus(probe));
  const planned = await countCalls(measuring, () => buildPlan(probe));
  const history = (await harness.warehouse.listStatements({ namePrefix: statementNamePrefix(environment) }))
    .length;
  return { rows: status.value.length, status: status.calls, plan: planned.calls, history };
}

describe("status cost", () => {
  it("reads 5 and 500 views with the same catalog calls; only the history pages grow", async () => {
    const few = await measured("five", 5);
    const many = await measured("many", 500);
    console.info(
      `status Data API calls — 5 views: ${JSON.stringify(few.status)} (history ${few.history} statements); ` +
        `500 views: ${JSON.stringify(many.status)} (history ${many.history} statements). ` +
        `plan: ${JSON.stringify(few.plan)} vs ${JSON.stringify(many.plan)}`,
    );
    expect(few.rows).toBe(5);
    expect(many.rows).toBe(500);

    // Two catalog queries (hashes, SVV_MV_INFO), each submitted once, polled once, read in one page.
    const catalog = (calls: typeof few.status) => ({
      ExecuteStatement: calls.ExecuteStatement,
      BatchExecuteStatement: calls.BatchExecuteStatement,
      DescribeStatement: calls.DescribeStatement,
      GetStatementResult: calls.GetStatementResult,
    });
    expect(catalog(few.status)).toEqual({
      ExecuteStatement: 2,
      BatchExecuteStatement: undefined,
      DescribeStatement: 2,
      GetStatementResult: 2,
    });
    expect(catalog(many.status)).toEqual(catalog(few.status));
    // The plan's catalog read does not grow either.
    expect(many.plan).toEqual(few.plan);

    // ListStatements: one page per 100 statements of history.
    expect(few.status.ListStatements).toBe(Math.max(1, Math.ceil(few.history / 100)));
    expect(many.status.ListStatements).toBe(Math.ceil(many.history / 100));
    expect(many.history).toBeGreaterThan(500);
  });
});
