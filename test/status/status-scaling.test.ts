import { ExecuteStatementCommand } from "@aws-sdk/client-redshift-data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarehouseOptions } from "../../src/connect/options.js";
import { type DesiredView, desiredViews, rebuildStatements } from "../../src/desired/desired-views.js";
import { prepareViews } from "../../src/generate/generate.js";
import type { OperationRecord } from "../../src/history/operation-record.js";
import { recordOperations } from "../../src/history/record-operations.js";
import { status } from "../../src/index.js";
import { renderStatement } from "../../src/sql/render.js";
import { statementName } from "../../src/warehouse/index.js";
import { schema } from "../helpers/index.js";
import { countRequests, startTestWarehouse, type TestWarehouse } from "../helpers/warehouse.js";

// "With 500 managed views, status makes the same number of Data API calls as with 5": status reads
// the catalog's hashes, SVV_MV_INFO and the operation history in one query each, whatever the number
// of views and however often they were provisioned or refreshed.
//
// Here with 200 views against 5, seeded directly (the views' own rebuild statements in one
// transaction, the history through its writer) rather than provisioned view by view: what is
// measured is status, and the set-up must stay cheap on a busy machine. The 2,000-view figure, through
// real provisioning, is benchmark 4 (`bench/scaling.mjs`, 6/50/2,000 views). Requests are counted by
// kind, polls left out: how often a statement is polled depends on the machine's speed, not on the code.

const MANY = 200;

let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});

afterAll(async () => {
  await harness?.stop();
});

/** A schema with exactly `views` views: models with a restricted column (two views each). */
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

interface Seeded {
  readonly options: WarehouseOptions;
  readonly desired: readonly DesiredView[];
}

/** An environment whose views exist as `provision` leaves them: same statements, marker and hash. */
async function seedViews(environment: string, views: number): Promise<Seeded> {
  const project = await harness.project(syntheticSchema(views));
  const options = await project.options(environment, 1);
  const prepared = await prepareViews({ cwd: project.dir });
  const desired = desiredViews(
    prepared.specs,
    environment,
    { nonPii: [], pii: [] },
    prepared.options.project,
  );
  expect(desired).toHaveLength(views);
  const schemas = [...new Set(desired.map((view) => view.schema))];
  await harness.emulator.query(
    [
      ...schemas.map((name) => renderStatement({ kind: "create_schema", schema: name })),
      ...desired.flatMap((view) => rebuildStatements(view, { cascade: false }).flat().map(renderStatement)),
    ].join("\n"),
  );
  return { options, desired };
}

/** Records a round of operations on every view, as a provision and a refresh on day `day` would. */
async function recordRound({ options, desired }: Seeded, day: number): Promise<void> {
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, day, 10, 0, seconds));
  const records = desired.flatMap((view): OperationRecord[] => [
    {
      schema: view.schema,
      view: view.name,
      operation: "create",
      status: "FINISHED",
      startedAt: at(0),
      durationMs: 1200,
      statementId: `create-${day}-${view.name}`,
      by: "ops@laptop",
      hash: view.hash,
    },
    {
      schema: view.schema,
      view: view.name,
      operation: "refresh",
      status: "FINISHED",
      startedAt: at(30),
      durationMs: 800,
      statementId: `refresh-${day}-${view.name}`,
      by: "ops@laptop",
    },
  ]);
  expect(await recordOperations(harness.warehouse, options.environment, records)).toEqual({
    kind: "recorded",
    operations: records.length,
  });
}

async function statusCost(options: WarehouseOptions) {
  const { value, calls, statements } = await countRequests(harness.emulator, () => status(options));
  return { rows: value.views, history: value.history, calls, statements };
}

describe("status cost", () => {
  it("makes the same Data API calls with 200 views as with 5, however long the history", async () => {
    const five = await seedViews("five", 5);
    const many = await seedViews("many", MANY);
    await recordRound(five, 1);
    await recordRound(many, 1);

    const few = await statusCost(five.options);
    const lots = await statusCost(many.options);
    expect(few.rows).toHaveLength(5);
    expect(lots.rows).toHaveLength(MANY);
    for (const { rows, history } of [few, lots]) {
      expect(history).toBe("recorded");
      expect(
        rows.filter(
          (row) =>
            !row.exists ||
            row.lastOperation?.operation !== "refresh" ||
            row.lastOperation.statementId !== `refresh-1-${row.view}` ||
            row.conditions.length > 0,
        ),
      ).toEqual([]);
    }
    // Five queries (catalog, SVV_MV_INFO, history, privileges, zero-ETL table states): each submitted
    // once and read in one page; never the Data API's statement list.
    expect(few.statements).toBe(5);
    expect(few.calls).toEqual({ ExecuteStatement: 5, GetStatementResult: 5 });
    expect(lots.statements).toBe(5);
    expect(lots.calls).toEqual(few.calls);

    // Two more rounds in the operation history, and a Data API statement history grown by hundreds of
    // this environment's statements: status reads the newest operations, and is not dearer.
    await recordRound(many, 2);
    await recordRound(many, 3);
    for (let index = 0; index < 300; index++)
      await harness.client.send(
        new ExecuteStatementCommand({
          Database: harness.emulator.database,
          ClusterIdentifier: "local",
          DbUser: "awsuser",
          Sql: "SELECT 1",
          StatementName: statementName("many", "refresh", `${many.desired[0]?.schema}.v${index}`),
        }),
      );
    const later = await statusCost(many.options);
    expect(later.rows).toHaveLength(MANY);
    expect(
      later.rows.filter(
        (row) => row.lastOperation?.statementId !== `refresh-3-${row.view}` || row.conditions.length > 0,
      ),
    ).toEqual([]);
    expect(later.statements).toBe(5);
    expect(later.calls).toEqual(few.calls);
  });
});
