import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarehouseSession } from "../../src/connect/session.js";
import { desiredViews } from "../../src/desired/desired-views.js";
import { failedOutcomes } from "../../src/provision/apply.js";
import { refreshViews } from "../../src/refresh/refresh.js";
import { readStatus } from "../../src/status/read-status.js";
import { createWarehouse, statementNamePrefix, type Warehouse } from "../../src/warehouse/index.js";
import { schema } from "../helpers/index.js";
import { countCalls, type Harness, provision, startHarness } from "../provision/harness.js";

// "With 500 managed views, status makes the same number of Data API calls as with 5": status reads
// the catalog's hashes, SVV_MV_INFO and the operation history in one query each, whatever the number
// of views and however often they were provisioned or refreshed.

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

async function provisionAndRefresh(session: WarehouseSession) {
  const { result } = await provision(session);
  expect(failedOutcomes(result)).toEqual([]);
  expect(result.history).toMatchObject({ kind: "recorded" });
  const desired = desiredViews(session.prepared.specs, session.environment, session.target.grants);
  const refreshed = await refreshViews(
    session.warehouse,
    session.environment,
    desired.map((view) => ({ schema: view.schema, name: view.name, reason: "requested" as const })),
  );
  expect(refreshed.outcomes.filter((outcome) => outcome.kind !== "refreshed")).toEqual([]);
  expect(refreshed.history).toEqual({ kind: "recorded", operations: desired.length });
}

async function statusCalls(session: WarehouseSession) {
  const probe: WarehouseSession = { ...session, warehouse: measuring };
  const { value, calls } = await countCalls(measuring, () => readStatus(probe));
  return { rows: value.rows, history: value.history, calls };
}

describe("status cost", () => {
  it("makes the same Data API calls with 500 views as with 5, however long the history", async () => {
    const five = await harness.session("five", syntheticSchema(5), 1);
    const many = await harness.session("many", syntheticSchema(500), 1);
    await provisionAndRefresh(five);
    await provisionAndRefresh(many);

    const few = await statusCalls(five);
    const lots = await statusCalls(many);
    console.info(
      `status Data API calls — 5 views: ${JSON.stringify(few.calls)}; 500 views: ${JSON.stringify(lots.calls)}`,
    );
    expect(few.rows).toHaveLength(5);
    expect(lots.rows).toHaveLength(500);
    for (const rows of [few.rows, lots.rows])
      expect(
        rows.filter((row) => row.lastOperation?.operation !== "refresh" || row.conditions.length > 0),
      ).toEqual([]);
    // Three queries (hashes, SVV_MV_INFO, history): each submitted once, polled once, read in one page.
    expect(few.calls).toEqual({ ExecuteStatement: 3, DescribeStatement: 3, GetStatementResult: 3 });
    expect(lots.calls).toEqual(few.calls);

    // Another round of provisioning (every view rebuilt) and refreshing: the history is longer, status is not dearer.
    for (const schemaName of ["analytics_many", "analytics_many_pii"])
      await harness.emulator.query(`DROP SCHEMA "${schemaName}" CASCADE`);
    await provisionAndRefresh(many);
    expect((await statusCalls(many)).calls).toEqual(few.calls);
    // The Data API's own statement history grew with every view; status does not read it.
    const statements = await harness.warehouse.listStatements({ namePrefix: statementNamePrefix("many") });
    expect(statements.length).toBeGreaterThan(2000);
  });
});
