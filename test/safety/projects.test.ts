import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/bookkeeping/marker.js";
import { plan, provision } from "../../src/index.js";
import { GENERATOR, MODELS, schema } from "../helpers/index.js";
import {
  countRequests,
  startTestWarehouse,
  statusRows,
  storedHashes,
  type TestWarehouse,
  viewOids,
} from "../helpers/warehouse.js";

// Views carry the project that made them (`project=<id>` in the marker): projects sharing view
// schemas never touch each other's views, and views made before projects existed are adopted
// without a rebuild.

let harness: TestWarehouse;

beforeAll(async () => {
  harness = await startTestWarehouse();
});
afterAll(async () => {
  await harness?.stop();
});

/** A schema whose generator block names `project`. */
const projectSchema = (project: string, models: string) =>
  schema(models, { generator: GENERATOR.replace("\n}", `\n  project      = "${project}"\n}`) });

const INVOICES = `
/// @exportToAnalytics
model Invoice {
  id     Int @id
  /// @classification confidential
  amount Int
  @@map("invoices")
}
`;

const actions = (report: { views: readonly { action: string; schema: string; view: string }[] }) =>
  report.views.map((view) => `${view.action} ${view.schema}.${view.view}`);

describe("two projects sharing the view schemas", () => {
  it("each plans, provisions and reports only its own views; the other's are foreign, never dropped", async () => {
    const shop = await harness.project(projectSchema("shop", MODELS));
    const billing = await harness.project(projectSchema("billing", INVOICES));
    const shopOptions = await shop.options("shared");
    const billingOptions = await billing.options("shared");

    expect((await provision(shopOptions)).summary.add).toBe(4);
    const billingRun = await provision(billingOptions);
    expect(actions(billingRun)).toEqual([
      "add analytics_shared.invoices",
      "foreign analytics_shared.posts",
      "foreign analytics_shared.users",
      "add analytics_shared_pii.invoices",
      "foreign analytics_shared_pii.posts",
      "foreign analytics_shared_pii.users",
    ]);
    expect(billingRun.summary).toMatchObject({ add: 2, drop: 0, foreign: 4 });

    // The shop's next plan: its views unchanged, billing's foreign, nothing to drop.
    const shopPlan = await plan(shopOptions);
    expect(shopPlan.summary).toMatchObject({ unchanged: 4, foreign: 2, drop: 0, unmanaged: 0 });
    const oids = await viewOids(harness.emulator, "analytics_shared");
    expect(Object.keys(oids)).toEqual(["invoices", "posts", "users"]);

    // status: the other project's views are listed as foreign, with no problem (not orphans).
    const rows = await statusRows(shopOptions);
    const invoices = rows.filter((row) => row.view === "invoices");
    expect(invoices.map((row) => [row.schema, row.foreignProject, row.conditions])).toEqual([
      ["analytics_shared", "billing", []],
      ["analytics_shared_pii", "billing", []],
    ]);
    expect(rows.filter((row) => row.foreignProject === undefined && row.conditions.length > 0)).toEqual([]);

    // A template whose name another project's view holds is a conflict: left alone, reported failed.
    await billing.setSchema(projectSchema("billing", `${INVOICES}\n${MODELS}`));
    const clash = await provision(billingOptions);
    expect(clash.views.filter((view) => view.action === "conflict")).toEqual([
      expect.objectContaining({ schema: "analytics_shared", view: "posts", project: "shop" }),
      expect.objectContaining({ schema: "analytics_shared", view: "users", project: "shop" }),
      expect.objectContaining({ schema: "analytics_shared_pii", view: "posts", project: "shop" }),
      expect.objectContaining({ schema: "analytics_shared_pii", view: "users", project: "shop" }),
    ]);
    expect(await viewOids(harness.emulator, "analytics_shared")).toEqual(oids);
    const stored = await storedHashes(harness.warehouse, "shared", ["analytics_shared"]);
    expect([...stored.keys()].sort()).toEqual([
      "analytics_shared.invoices",
      "analytics_shared.posts",
      "analytics_shared.users",
    ]);
  });
});

describe("upgrading from markers without a project", () => {
  it("adopts the views by rewriting their comments: no rebuild, then all unchanged", async () => {
    const project = await harness.project(projectSchema("shop", MODELS));
    const options = await project.options("upgrade");
    await provision(options);
    const schemas = ["analytics_upgrade", "analytics_upgrade_pii"];

    // Markers as an earlier version wrote them: the hash alone, no project, no column comments.
    const markers = await harness.emulator.query(
      `SELECT n.nspname AS schema_name, c.relname AS view_name, a.attname AS column_name,
              col_description(c.oid, 1) AS remarks
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
       WHERE n.nspname IN ('analytics_upgrade', 'analytics_upgrade_pii')`,
    );
    expect(markers).toHaveLength(4);
    for (const row of markers) {
      const hash = parseMarker(String(row.remarks))?.hash;
      await harness.emulator.query(
        `COMMENT ON COLUMN "${row.schema_name}"."${row.view_name}"."${row.column_name}" IS 'prisma-redshift-views sha256=${hash}'`,
      );
    }
    const oids = async () =>
      Object.fromEntries(
        (
          await Promise.all(
            schemas.map(async (name) => [name, await viewOids(harness.emulator, name)] as const),
          )
        ).flatMap(([name, views]) => Object.entries(views).map(([view, oid]) => [`${name}.${view}`, oid])),
      );
    const before = await oids();
    expect(Object.keys(before)).toHaveLength(4);

    const planned = await plan(options);
    expect(planned.views.map((view) => `${view.action} ${view.view} ${view.reason ?? ""}`.trim())).toEqual([
      "comment posts adopt",
      "comment users adopt",
      "comment posts adopt",
      "comment users adopt",
    ]);
    const adopted = await countRequests(harness.emulator, () => provision(options));
    expect(adopted.value.result?.outcomes.every((outcome) => outcome.kind === "applied")).toBe(true);
    expect(await oids(), "no view was rebuilt").toEqual(before);
    expect(adopted.statements).toBeGreaterThan(0);
    const after = await plan(options);
    expect(after.summary).toMatchObject({ unchanged: 4, comment: 0, update: 0 });
  });
});
